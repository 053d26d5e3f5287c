package lint_test

import (
	"fmt"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

func summary(fs []lint.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%s:%d", f.Rule.ID, f.Severity, f.Span.Start.Line))
	}
	return out
}

func TestOptions(t *testing.T) {
	src := []byte(`{"containerDefinitions": [{"name": "w", "stopTimeout": 30, "image": "ruby:3.3",
 "command": ["sh", "-c", "bundle exec sidekiq"]}]}`)
	tests := []struct {
		name string
		opt  lint.Options
		want []string
	}{
		{"defaults", lint.DefaultOptions(), []string{"GL102:error:2"}},
		{"disabled", lint.Options{SidekiqTimeout: 25, StopMargin: 5, Disabled: map[string]bool{"GL102": true}}, nil},
		{"severity", lint.Options{SidekiqTimeout: 25, StopMargin: 5, Severity: map[string]lint.Severity{"GL102": lint.Warning}}, []string{"GL102:warning:2"}},
		{"sidekiq timeout from config", lint.Options{SidekiqTimeout: 28, StopMargin: 5}, []string{"GL201:error:1", "GL102:error:2"}},
		{"margin from config", lint.Options{SidekiqTimeout: 25, StopMargin: 6}, []string{"GL201:error:1", "GL102:error:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &lint.Linter{Rules: rules.All(), Options: tt.opt}
			fs, errs := l.Run("td.json", src, lint.TaskDef)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if got := summary(fs); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSuppressions(t *testing.T) {
	tests := []struct {
		name, file, src string
		opt             lint.Options
		want            []string
	}{
		{"by ID on the next instruction", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=GL103 -- a debug image\nCMD [\"sleep\", \"infinity\"]\n", lint.DefaultOptions(), nil},
		{"by name", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=missing-init -- a reason\nCMD [\"sleep\", \"infinity\"]\n", lint.DefaultOptions(), nil},
		{"only the next instruction", "Dockerfile", "FROM ruby:3.3 AS a\n# gracelint ignore=GL101 -- a reason\nCMD x\nFROM a\nCMD y\n", lint.DefaultOptions(),
			[]string{"GL001:info:2", "GL101:error:5"}},
		{"not across an instruction", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=GL103 -- a reason\nWORKDIR /app\nCMD [\"sleep\", \"infinity\"]\n", lint.DefaultOptions(),
			[]string{"GL001:info:2", "GL103:info:4"}},
		{"global", "Dockerfile", "# gracelint global ignore=GL101 -- a reason\nFROM ruby:3.3\nCMD sidekiq\n", lint.DefaultOptions(), nil},
		{"a disabled rule's ignore is not unused", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=GL101 -- a reason\nCMD [\"sidekiq\"]\n",
			lint.Options{SidekiqTimeout: 25, StopMargin: 5, Disabled: map[string]bool{"GL101": true, "GL103": true}}, nil},
		{"GL001 disabled", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=GL101 -- a reason\nCMD [\"sleep\", \"infinity\"]\n",
			lint.Options{SidekiqTimeout: 25, StopMargin: 5, Disabled: map[string]bool{"GL001": true}}, []string{"GL103:info:3"}},
		{"label on its container only", "td.json", `{"containerDefinitions": [
 {"name": "a", "command": ["sleep", "infinity"], "dockerLabels": {"gracelint.ignore": "GL103 -- ECS Exec sidecar"}},
 {"name": "b", "command": ["sleep", "infinity"]}]}`, lint.DefaultOptions(), []string{"GL103:info:3"}},
		{"a YAML key and what it holds", "compose.yaml", "services:\n  # gracelint ignore=GL201 -- jobs are idempotent\n  worker:\n    image: ruby:3.3\n    command: [\"sidekiq\", \"-t\", \"60\"]\n  other:\n    image: ruby:3.3\n    command: [\"sidekiq\", \"-t\", \"60\"]\n",
			lint.DefaultOptions(), []string{"GL201:error:6"}},
		{"a YAML line below the key", "compose.yaml", "services:\n  worker:\n    image: ruby:3.3\n    # gracelint ignore=GL201 -- not here: the finding is on the key\n    command: [\"sidekiq\", \"-t\", \"60\"]\n",
			lint.DefaultOptions(), []string{"GL201:error:2", "GL001:info:4"}},
		{"malformed in YAML", "compose.yaml", "services:\n  # gracelint ignore GL201 -- no =\n  worker:\n    image: ruby:3.3\n    command: [\"sidekiq\", \"-t\", \"60\"]\n",
			lint.DefaultOptions(), []string{"GL002:warning:2", "GL201:error:3"}},
		{"HCL with //", "main.tf", "// gracelint ignore=GL201 -- drained by the deployment\nresource \"aws_ecs_task_definition\" \"w\" {\n  container_definitions = jsonencode([{ name = \"w\", image = \"ruby:3.3\", command = [\"sidekiq\", \"-t\", \"60\"] }])\n}\n",
			lint.DefaultOptions(), nil},
		{"prose that names gracelint is no directive", "Dockerfile", "# gracelint in a container: the image below\nFROM ruby:3.3\nCMD [\"sidekiq\"]\n", lint.DefaultOptions(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &lint.Linter{Rules: rules.All(), Options: tt.opt}
			fs, errs := l.Run(tt.file, []byte(tt.src), lint.Detect(tt.file, []byte(tt.src)))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if got := summary(fs); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestScriptSuppression: an ignore comment in a script the image runs
// covers the script's finding there, and only there.
func TestScriptSuppression(t *testing.T) {
	df := []byte("FROM ruby:3.3-slim\nCOPY run.sh /run.sh\nCMD [\"/run.sh\"]\n")
	for _, tt := range []struct {
		script string
		want   []string
	}{
		{"#!/bin/sh\n# gracelint ignore=GL106 -- the supervisor below restarts it\nbundle exec sidekiq\n", nil},
		{"#!/bin/sh\nbundle exec sidekiq\n", []string{"GL106:error:2"}},
	} {
		files := fstest.MapFS{"Dockerfile": {Data: df}, "run.sh": {Data: []byte(tt.script)}}
		l := &lint.Linter{Rules: rules.All(), Options: lint.DefaultOptions(), FS: files,
			Locate: func(n string) string { return n }, Display: func(p string) string { return p }}
		fs, errs := l.Run("Dockerfile", df, lint.Dockerfile)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := summary(fs); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.script, got, tt.want)
		}
	}
}
