// Package bench measures gracelint against the floor it cannot go below:
// BuildKit's own Dockerfile parser. Run it with run.sh, which also measures
// one-file invocations and peak memory on a large corpus.
package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gracelint/gracelint/internal/cli"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestMain tunes the collector as the gracelint binary does.
func TestMain(m *testing.M) {
	cli.TuneGC(os.Getenv)
	os.Exit(m.Run())
}

type input struct {
	name string
	src  []byte
	kind lint.Kind
}

var load = sync.OnceValue(func() []input {
	var out []input
	for _, pattern := range []string{"../../fixtures/*/*", "../../../shared/corpus/dockerfiles/*", "../../../shared/corpus/taskdefs/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				continue // a directory
			}
			name := filepath.Base(f)
			kind := lint.Detect(name, src)
			if strings.Contains(f, "/dockerfiles/") {
				kind = lint.Dockerfile
			}
			if kind == lint.Dockerfile || kind == lint.TaskDef {
				out = append(out, input{name, src, kind})
			}
		}
	}
	return out
})

func of(kind lint.Kind) (ins []input, size int64) {
	for _, in := range load() {
		if in.kind == kind {
			ins = append(ins, in)
			size += int64(len(in.src))
		}
	}
	return ins, size
}

func report(b *testing.B, files int) {
	b.ReportMetric(float64(files*b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkBuildKitParse is the floor: BuildKit's parser.Parse and
// instructions.Parse of every Dockerfile, on one goroutine.
func BenchmarkBuildKitParse(b *testing.B) {
	ins, size := of(lint.Dockerfile)
	b.SetBytes(size)
	lint := linter.New(&linter.Config{})
	for b.Loop() {
		for _, in := range ins {
			res, err := parser.Parse(bytes.NewReader(in.src))
			if err == nil {
				instructions.Parse(res.AST, lint)
			}
		}
	}
	report(b, len(ins))
}

// BenchmarkLintDockerfiles lints the same Dockerfiles on one goroutine: its
// CPU time against BuildKitParse is the cost of gracelint itself.
func BenchmarkLintDockerfiles(b *testing.B) { lintSerial(b, lint.Dockerfile) }

// BenchmarkLintDockerfilesParallel lints them as the CLI does, with one
// worker per CPU: its wall time against BuildKitParse's is the target.
func BenchmarkLintDockerfilesParallel(b *testing.B) {
	ins, size := of(lint.Dockerfile)
	b.SetBytes(size)
	all := rules.All()
	for b.Loop() {
		var wg sync.WaitGroup
		next := make(chan input)
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for in := range next {
					lint.Run(all, in.name, in.src, in.kind)
				}
			})
		}
		for _, in := range ins {
			next <- in
		}
		close(next)
		wg.Wait()
	}
	report(b, len(ins))
}

// BenchmarkJSONUnmarshal is the floor for task definitions: encoding/json
// into a generic value.
func BenchmarkJSONUnmarshal(b *testing.B) {
	ins, size := of(lint.TaskDef)
	b.SetBytes(size)
	for b.Loop() {
		for _, in := range ins {
			var v any
			json.Unmarshal(in.src, &v)
		}
	}
	report(b, len(ins))
}

// BenchmarkLintTaskDefs lints the task definitions on one goroutine.
func BenchmarkLintTaskDefs(b *testing.B) { lintSerial(b, lint.TaskDef) }

// lintSerial lints every corpus file of kind on one goroutine.
func lintSerial(b *testing.B, kind lint.Kind) {
	ins, size := of(kind)
	b.SetBytes(size)
	all := rules.All()
	for b.Loop() {
		for _, in := range ins {
			lint.Run(all, in.name, in.src, in.kind)
		}
	}
	report(b, len(ins))
}

// BenchmarkOneFileInvocation runs the built binary on one Dockerfile, as a
// pre-commit hook does: process start included.
func BenchmarkOneFileInvocation(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "gracelint")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/gracelint").CombinedOutput(); err != nil {
		b.Skipf("go build: %v\n%s", err, out)
	}
	file := "../../fixtures/GL101/bad-debian.Dockerfile"
	for b.Loop() {
		exec.Command(bin, file).Run() // exits 1: the file has findings
	}
}
