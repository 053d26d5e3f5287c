package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/lint"
)

var known = []*lint.Rule{
	{ID: "GL101", Name: "shell-form-command", Severity: lint.Error},
	{ID: "GL103", Name: "missing-init", Severity: lint.Warning},
}

func TestParse(t *testing.T) {
	src := `fail-level: error
rules:
  GL103: off
  shell-form-command: warning
ignore: ["vendor/**", "test/*.json"]
overrides:
  - files: ["legacy/**"]
    ignore: [shell-form-command]
sidekiq:
  timeout: 30
  margin: 8
images:
  "registry.example.com/**":
    shell: none
`
	c, err := Parse("/repo/.gracelint.yaml", []byte(src), known)
	if err != nil {
		t.Fatal(err)
	}
	if c.FailLevel != "error" || !c.Options.Disabled["GL103"] || c.Options.Severity["GL101"] != lint.Warning ||
		c.Options.SidekiqTimeout != 30 || c.Options.StopMargin != 8 ||
		len(c.Options.ImageShells) != 1 || !c.Options.ImageShells[0].Shell.Missing {
		t.Errorf("config = %+v", c)
	}
	for file, want := range map[string]bool{"/repo/vendor/a/Dockerfile": true, "/repo/test/td.json": true, "/repo/test/x/td.json": false, "/repo/Dockerfile": false, "/elsewhere/vendor/Dockerfile": false} {
		if got := c.Ignored(file); got != want {
			t.Errorf("Ignored(%s) = %v", file, got)
		}
	}
	if opt := c.OptionsFor("/repo/legacy/Dockerfile"); !opt.Disabled["GL101"] || !opt.Disabled["GL103"] {
		t.Errorf("override not applied: %+v", opt.Disabled)
	}
	if opt := c.OptionsFor("/repo/Dockerfile"); opt.Disabled["GL101"] {
		t.Error("override applied outside its files")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"fail-level: loud\n", "c.yaml:1:13: fail-level must be error, warning, info or none"},
		{"rules:\n  GL999: off\n", `c.yaml:2:3: unknown rule "GL999"`},
		{"rules:\n  GL101: sometimes\n", `c.yaml:2:10: GL101 must be off, on, error, warning or info, not "sometimes"`},
		{"colour: red\n", `c.yaml:1:1: unknown key "colour" in the configuration`},
		{"sidekiq:\n  timeout: soon\n", "c.yaml:2:12: sidekiq.timeout must be a number of seconds"},
		{"sidekiq:\n  tmeout: 3\n", `c.yaml:2:3: unknown key "tmeout" in sidekiq`},
		{"ignore: vendor\n", "c.yaml:1:9: ignore must be a list"},
		{"ignore: [\"[\"]\n", `c.yaml:1:10: "[" is not a valid glob`},
		{"overrides:\n  - files: [a]\n", "c.yaml:2:5: an override needs files and ignore"},
		{"rules: [a\n", "c.yaml:1:1: invalid YAML"},
		{"rules:\n  GL101: off\n  GL101: on\n", `c.yaml:3:3: "GL101" is set twice in rules`},
		{"images:\n  x:\n    shell: fish\n", "c.yaml:3:5: images.x needs shell: dash, bash, ash or none"},
		{"images:\n  x:\n    docker: a\n", `c.yaml:3:5: unknown key "docker" in an image`},
	}
	for _, tt := range tests {
		_, err := Parse("c.yaml", []byte(tt.src), known)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestTemplateParses(t *testing.T) {
	c, err := Parse("t.yaml", []byte(Template), known)
	if err != nil {
		t.Fatal(err)
	}
	if d := lint.DefaultOptions(); c.FailLevel != "warning" || c.Options.SidekiqTimeout != d.SidekiqTimeout || c.Options.StopMargin != d.StopMargin || len(c.Options.Disabled) > 0 {
		t.Errorf("the template is not the defaults: %+v", c)
	}
	if _, err := Parse("empty.yaml", nil, known); err != nil {
		t.Errorf("an empty file: %v", err)
	}
}

func TestFindAndInit(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	os.MkdirAll(sub, 0o755)
	if got := Find(sub, root); got != "" {
		t.Errorf("found %s in an empty tree", got)
	}
	p, err := Init(root)
	if err != nil {
		t.Fatal(err)
	}
	if got := Find(sub, root); got != p {
		t.Errorf("Find = %q, want %q", got, p)
	}
	if got := Find(sub, sub); got != "" {
		t.Errorf("Find looked above its stop: %q", got)
	}
	if _, err := Init(root); err == nil {
		t.Error("Init overwrote a file")
	}
}
