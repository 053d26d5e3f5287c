package bench

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

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
// must stay within 2.3x of each other (run.sh prints the ratios).
func BenchmarkScaling(b *testing.B) {
	l := &lint.Linter{Rules: rules.All(), Options: lint.DefaultOptions()}
	for _, f := range families {
		for _, n := range []int{12_500, 25_000, 50_000, 100_000} {
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
}
