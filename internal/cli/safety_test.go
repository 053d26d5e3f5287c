package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Dockerfile whose one finding has a safe fix: CMD in shell form.
const fixable = "FROM ruby:3.3-slim\nCMD bundle exec sidekiq\n"

func TestWriteFixedRefusesAChangedFile(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", "edited meanwhile\n")
	err := writeFixed(dir, p, []byte(fixable), []byte("fixed\n"))
	if err != errChanged {
		t.Fatalf("err = %v, want errChanged", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "edited meanwhile\n" {
		t.Errorf("the edit made meanwhile was lost: %q", b)
	}
}

// The lint root is the repository of the path named, not of the current
// directory: linting one file from $HOME must not walk $HOME.
func TestLintRootOfTheNamedPath(t *testing.T) {
	home := t.TempDir()
	app := filepath.Join(home, "src", "app")
	write(t, app, "worker.json", `{"containerDefinitions": []}`)
	os.MkdirAll(filepath.Join(app, ".git"), 0o755)
	write(t, home, "notes/readme.txt", "x")
	for name, want := range map[string]string{
		"src/app/worker.json": app,
		"src/app":             app,
		"notes/readme.txt":    filepath.Join(home, "notes"),
		"-":                   home,
	} {
		if got := repoRoot(namedDir(home, name)); got != want {
			t.Errorf("root for %q = %s, want %s", name, got, want)
		}
	}
	// Paths named in two places: the directory that holds both.
	if got := lintRootOf(home, []string{"src/app/worker.json", "notes/readme.txt"}); got != home {
		t.Errorf("root for two places = %s, want %s", got, home)
	}
	if got := lintRootOf(home, []string{"src/app/worker.json", "src/app"}); got != app {
		t.Errorf("root for one repository = %s, want %s", got, app)
	}
}

// Every hunk of a diff gives the new file's line numbers right: edits that
// change no line count keep each hunk where it was (go-udiff 0.4.1 did
// not, from the second hunk on).
func TestDiffHunkHeaders(t *testing.T) {
	var before, after strings.Builder
	for i := 1; i <= 40; i++ {
		line := fmt.Sprintf("line %d\n", i)
		before.WriteString(line)
		if i == 12 || i == 19 || i == 30 {
			line = fmt.Sprintf("changed %d\n", i)
		}
		after.WriteString(line)
	}
	d, err := unifiedDiff("f", []byte(before.String()), []byte(after.String()))
	if err != nil {
		t.Fatal(err)
	}
	hunks := 0
	for _, line := range strings.Split(d, "\n") {
		var a, b, c, e int
		if n, _ := fmt.Sscanf(line, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &e); n == 4 {
			hunks++
			if a != c || b != e {
				t.Errorf("hunk %q: the new file's lines differ from the old's", line)
			}
		}
	}
	if hunks < 2 {
		t.Fatalf("want several hunks:\n%s", d)
	}
}
