package integration

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

// TestOwnDockerfile: gracelint's image passes gracelint without a
// suppression: the Go binary handles SIGTERM as PID 1.
func TestOwnDockerfile(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	findings, errs := lint.Run(rules.All(), "Dockerfile", src, lint.Dockerfile)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	for _, f := range findings {
		t.Errorf("%d:%d: %s %s", f.Span.Start.Line, f.Span.Start.Col, f.Rule.ID, f.Message)
	}
	f, _ := lint.Parse("Dockerfile", src, lint.Dockerfile)
	final := f.Targets[0]
	if final.Chain == nil || final.Chain.Init != nil || final.Image.Entrypoint.Instr.ShellForm {
		t.Errorf("the final stage must run /gracelint in exec form, without an init: %+v", final.Chain)
	}
}
