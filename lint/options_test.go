package lint_test

import (
	"fmt"
	"slices"
	"testing"

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
		{"by name", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=missing-init\nCMD [\"sleep\", \"infinity\"]\n", lint.DefaultOptions(), nil},
		{"only the next instruction", "Dockerfile", "FROM ruby:3.3 AS a\n# gracelint ignore=GL101\nCMD x\nFROM a\nCMD y\n", lint.DefaultOptions(),
			[]string{"GL001:info:2", "GL101:error:5"}},
		{"not across an instruction", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=GL103\nWORKDIR /app\nCMD [\"sleep\", \"infinity\"]\n", lint.DefaultOptions(),
			[]string{"GL001:info:2", "GL103:info:4"}},
		{"global", "Dockerfile", "# gracelint global ignore=GL101\nFROM ruby:3.3\nCMD sidekiq\n", lint.DefaultOptions(), nil},
		{"a disabled rule's ignore is not unused", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=GL101\nCMD [\"sidekiq\"]\n",
			lint.Options{SidekiqTimeout: 25, StopMargin: 5, Disabled: map[string]bool{"GL101": true, "GL103": true}}, nil},
		{"GL001 disabled", "Dockerfile", "FROM ruby:3.3\n# gracelint ignore=GL101\nCMD [\"sleep\", \"infinity\"]\n",
			lint.Options{SidekiqTimeout: 25, StopMargin: 5, Disabled: map[string]bool{"GL001": true}}, []string{"GL103:info:3"}},
		{"label on its container only", "td.json", `{"containerDefinitions": [
 {"name": "a", "command": ["sleep", "infinity"], "dockerLabels": {"gracelint.ignore": "GL103 -- ECS Exec sidecar"}},
 {"name": "b", "command": ["sleep", "infinity"]}]}`, lint.DefaultOptions(), []string{"GL103:info:3"}},
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
