package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gracelint/gracelint/lint"
)

// TestCorpusEntrypoints lints each real-world entrypoint script of the shared
// corpus as the ENTRYPOINT of an image that runs Sidekiq, the way GL106
// reads a script a Dockerfile copies. It logs the verdicts that
// docs/realworld.md reviews, and checks none panics.
func TestCorpusEntrypoints(t *testing.T) {
	scripts, _ := filepath.Glob("../../shared/corpus/entrypoints/*")
	if len(scripts) == 0 {
		t.Skip("../shared/corpus is not beside the repository")
	}
	for _, s := range scripts {
		dir := t.TempDir()
		src, _ := os.ReadFile(s)
		os.WriteFile(filepath.Join(dir, "entrypoint.sh"), src, 0o755)
		df := "FROM ruby:3.3-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"tini\", \"--\", \"/entrypoint.sh\"]\nCMD [\"bundle\", \"exec\", \"sidekiq\"]\n"
		findings, errs := fixtureLinter(dir, nil).Run("Dockerfile", []byte(df), lint.Dockerfile)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		verdict := "no GL106"
		for _, f := range findings {
			if f.Rule.ID == "GL106" {
				verdict = f.Span.Start.String() + " " + f.Message
			}
		}
		t.Logf("%s: %s", filepath.Base(s), verdict)
	}
}
