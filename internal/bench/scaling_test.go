package bench

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/cli"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/sidekiq"
	"github.com/gracelint/gracelint/rules"
)

// sizes are the item counts of each family: n and 2n up to 100,000.
var sizes = []int{12_500, 25_000, 50_000, 100_000}

// families are inputs that grow in one direction, each item one that a
// rule or a fix looks at; every one must cost time linear in its count.
var families = []struct {
	name string
	kind lint.Kind
	file string
	gen  func(n int) string
}{
	{"minified-taskdef", lint.TaskDef, "task.json", func(n int) string {
		var b strings.Builder
		b.WriteString(`{"containerDefinitions":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"name":"w%d","image":"ruby:3.3-slim","command":["bundle","exec","sidekiq","-t","60"]}`, i)
		}
		b.WriteString(`]}`)
		return b.String()
	}},
	{"stages", lint.Dockerfile, "Dockerfile", func(n int) string {
		var b strings.Builder
		b.WriteString("FROM ruby:3.3-slim AS s0\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "FROM s%d AS s%d\n", i-1, i)
		}
		b.WriteString("CMD [\"bundle\", \"exec\", \"sidekiq\"]\n")
		return b.String()
	}},
	{"workdirs", lint.Dockerfile, "Dockerfile", func(n int) string {
		var b strings.Builder
		b.WriteString("FROM ruby:3.3-slim\n")
		for range n {
			b.WriteString("WORKDIR a\n")
		}
		b.WriteString("CMD bundle exec sidekiq\n")
		return b.String()
	}},
	{"compose-services", lint.Compose, "compose.yaml", func(n int) string {
		var b strings.Builder
		b.WriteString("services:\n")
		for i := range n {
			fmt.Fprintf(&b, "  w%d:\n    image: ruby:3.3-slim\n    command: [\"sh\", \"-c\", \"bundle exec sidekiq\"]\n", i)
		}
		return b.String()
	}},
	{"k8s-documents", lint.Kubernetes, "deploy.yaml", func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: w%d}\nspec:\n  containers:\n  - name: w\n    image: ruby:3.3-slim\n    command: [\"sh\", \"-c\", \"bundle exec sidekiq\"]\n", i)
		}
		return b.String()
	}},
}

// BenchmarkScaling lints each family at n and 2n items: ns/op of the two
// must stay within 2.3x of each other (run.sh prints the ratios). Besides
// the one-file families: Sidekiq configurations of n ERB tags, and runs of
// the binary's code over a tree of n files.
func BenchmarkScaling(b *testing.B) {
	l := &lint.Linter{Rules: rules.All(), Options: lint.DefaultOptions()}
	for _, f := range families {
		for _, n := range sizes {
			src := []byte(f.gen(n))
			b.Run(fmt.Sprintf("%s/n=%d", f.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					if _, errs := l.Run(f.file, src, f.kind); len(errs) > 0 {
						b.Fatal(errs[0])
					}
				}
			})
		}
	}
	benchERB(b)
	benchWalk(b)
}

// benchERB reads the timeout of a Sidekiq configuration with n ERB tags
// before it.
func benchERB(b *testing.B) {
	for _, n := range sizes {
		var cfg bytes.Buffer
		for i := range n {
			fmt.Fprintf(&cfg, "# <%%# note %d %%>\n:queue_%d: <%%= ENV.fetch(\"Q%d\", %d) %%>\n", i, i, i, i)
		}
		cfg.WriteString(":timeout: <%= ENV.fetch(\"SIDEKIQ_TIMEOUT\", 20) %>\n")
		src := cfg.Bytes()
		b.Run(fmt.Sprintf("erb-tags/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if t := sidekiq.ReadTimeout(src, "production", nil); !t.Known || t.Seconds != 20 {
					b.Fatalf("timeout %+v", t)
				}
			}
		})
	}
}

// benchWalk runs gracelint, as the binary does, on a tree of n
// Dockerfiles in directories of 500, each with a finding. The tree is on
// tmpfs where there is one, so that what is measured is gracelint, not
// how a virtual disk's cache copes with 100,000 new files.
func benchWalk(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("walk-files/n=%d", n), func(b *testing.B) {
			dir, err := os.MkdirTemp("/dev/shm", "gracelint-walk-")
			if err != nil {
				dir = b.TempDir()
			} else {
				b.Cleanup(func() { os.RemoveAll(dir) })
			}
			for i := range n {
				sub := filepath.Join(dir, fmt.Sprintf("d%d", i/500))
				if i%500 == 0 {
					if err := os.Mkdir(sub, 0o755); err != nil {
						b.Fatal(err)
					}
				}
				if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("w%d.Dockerfile", i)), []byte("FROM ruby:3.3-slim\nCMD [\"sh\", \"-c\", \"bundle exec sidekiq\"]\n"), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() { // the timer starts here
				if code := cli.Main([]string{"--format", "json", "--root", dir, dir}, strings.NewReader(""), io.Discard, io.Discard); code != cli.ExitFindings {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
