package cli

import (
	"path/filepath"
	"testing"
)

func TestGitignores(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".gitignore", "*.log\n!important.log\n/root-only\ndocs/*.md\nbuild/\n**/gen/**\n\\#hash\ntrailing   \n")
	write(t, dir, "a/.gitignore", "!keep.log\nlocal\n")
	g := newGitignores(dir + "/") // the root as given, with a slash
	g.enter(dir)
	g.enter(filepath.Join(dir, "a"))
	g.enter(filepath.Join(dir, "docs"))
	tests := []struct {
		path  string
		isDir bool
		want  bool
	}{
		{"x.log", false, true},
		{"important.log", false, false},
		{"a/x.log", false, true},
		{"a/keep.log", false, false}, // a deeper file's negation wins
		{"keep.log", false, true},
		{"root-only", false, true},
		{"a/root-only", false, false}, // anchored to the root
		{"docs/x.md", false, true},
		{"a/docs/x.md", false, false},
		{"build", true, true},
		{"build", false, false}, // a directory pattern
		{"a/local", false, true},
		{"local", false, false}, // a/.gitignore applies under a only
		{"#hash", false, true},
		{"trailing", false, true},
		{"Dockerfile", false, false},
	}
	for _, tt := range tests {
		if got := g.ignored(filepath.Join(dir, filepath.FromSlash(tt.path)), tt.isDir); got != tt.want {
			t.Errorf("ignored(%q, dir %v) = %v, want %v", tt.path, tt.isDir, got, tt.want)
		}
	}
}
