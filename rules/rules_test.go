package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

func findings(t *testing.T, name, src string) []string {
	t.Helper()
	fs, errs := lint.Run(rules.All(), name, []byte(src), lint.Detect(name, []byte(src)))
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%s:%d", f.Rule.ID, f.Severity, f.Span.Start.Line))
	}
	return out
}

func ecs(container string) string {
	return `{"family": "w", "containerDefinitions": [` + container + `]}`
}

func TestRules(t *testing.T) {
	tests := []struct {
		name, file, src string
		want            []string
	}{
		{"bash -c with cd is fine", "Dockerfile",
			"FROM ruby:3.3\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"bash\", \"-c\", \"cd /app && bundle exec sidekiq\"]\n", nil},
		{"sh -c with cd is GL102", "Dockerfile",
			"FROM ruby:3.3\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"sh\", \"-c\", \"cd /app && bundle exec sidekiq\"]\n", []string{"GL102:error:3"}},
		{"bash -c execs sidekiq, which handles SIGTERM as PID 1", "Dockerfile",
			"FROM ruby:3.3\nCMD [\"bash\", \"-c\", \"cd /app && bundle exec sidekiq\"]\n", nil},
		{"build stage shell form is not reported", "Dockerfile",
			"FROM ruby:3.3 AS build\nCMD make\nFROM ruby:3.3\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"sidekiq\"]\n", nil},
		{"final stage inherits a shell-form CMD", "Dockerfile",
			"FROM ruby:3.3 AS base\nENTRYPOINT [\"tini\", \"--\"]\nCMD sidekiq\nFROM base\nRUN true\n", []string{"GL101:error:3"}},
		{"CMD set before ENTRYPOINT in the same stage is kept", "Dockerfile",
			"FROM ruby:3.3\nCMD sidekiq\nENTRYPOINT [\"tini\", \"--\"]\n", []string{"GL101:error:2"}},
		{"SHELL applies from its line on", "Dockerfile",
			"FROM ruby:3.3\nENTRYPOINT [\"tini\", \"--\"]\nCMD sidekiq\nSHELL [\"/bin/bash\", \"-c\"]\n", []string{"GL101:error:3"}},
		{"SHELL inherited from the base stage", "Dockerfile",
			"FROM ruby:3.3 AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nENTRYPOINT [\"tini\", \"--\"]\nCMD sidekiq\n", []string{"GL101:info:5"}},
		{"windows images are not judged", "Dockerfile",
			"FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nCMD Start-Service w3svc\n", nil},
		{"ENTRYPOINT [] makes the entrypoint known", "Dockerfile",
			"FROM node:22\nENTRYPOINT []\nCMD [\"node\", \"app.js\"]\n", []string{"GL103:info:3"}},
		{"ENTRYPOINT [] clears it", "Dockerfile",
			"FROM ruby:3.3 AS base\nENTRYPOINT sidekiq\nFROM base\nENTRYPOINT []\n", nil},

		{"seed", "td.json", ecs(`{"name": "w", "image": "x", "command": ["sh", "-c", "bundle exec sidekiq -C config/sidekiq.yml -t 20"]}`),
			[]string{"GL102:info:1"}}, // the image is not known: dash is only assumed
		{"seed on a Debian image", "td.json", ecs(`{"name": "w", "image": "ruby:3.3-slim", "command": ["sh", "-c", "bundle exec sidekiq -C config/sidekiq.yml -t 20"]}`),
			[]string{"GL102:error:1"}},
		{"shell form on a base image gracelint cannot see", "Dockerfile", "FROM ghcr.io/acme/base:1\nCMD bundle exec sidekiq\n", []string{"GL101:info:2"}},
		{"-t $SIDEKIQ_TIMEOUT from the container's environment", "td.json", ecs(`{"name": "w", "image": "ruby:3.3", "environment": [{"name": "SIDEKIQ_TIMEOUT", "value": "60"}], "command": ["sh", "-c", "exec bundle exec sidekiq -t $SIDEKIQ_TIMEOUT"]}`),
			[]string{"GL201:error:1"}},
		{"-t ${SIDEKIQ_TIMEOUT:-20} defaults", "td.json", ecs(`{"name": "w", "image": "ruby:3.3", "command": ["sh", "-c", "exec bundle exec sidekiq -t ${SIDEKIQ_TIMEOUT:-20}"]}`), nil},
		{"-t $SIDEKIQ_TIMEOUT set elsewhere", "td.json", ecs(`{"name": "w", "image": "ruby:3.3", "command": ["sh", "-c", "exec bundle exec sidekiq -t $SIDEKIQ_TIMEOUT"]}`), nil},
		{"sh -c node server.js on a Debian image", "td.json", ecs(`{"name": "w", "image": "node:22", "command": ["sh", "-c", "node server.js"]}`),
			[]string{"GL102:error:1"}},
		{"sh -c running a one-shot Django command", "td.json", ecs(`{"name": "w", "image": "python:3.12", "command": ["sh", "-c", "python manage.py migrate"]}`), nil},
		{"seed on an Alpine image", "td.json", ecs(`{"name": "w", "image": "ruby:3.3-alpine", "command": ["sh", "-c", "bundle exec sidekiq -C config/sidekiq.yml -t 20"]}`), nil},
		{"seed fixed", "td.json", ecs(`{"name": "w", "image": "x", "command": ["tini", "-s", "--", "bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml", "-t", "20"]}`), nil},
		{"stopTimeout 20 with -t 25", "td.json", ecs(`{"name": "w", "image": "x", "stopTimeout": 20, "entryPoint": ["tini", "--"], "command": ["sidekiq", "-t", "25"]}`),
			[]string{"GL201:error:1"}},
		{"unset with --timeout=60", "td.json", ecs(`{"name": "w", "image": "x", "linuxParameters": {"initProcessEnabled": true}, "command": ["sidekiq", "--timeout=60"]}`),
			[]string{"GL201:error:1"}},
		{"10 with -t 8", "td.json", ecs(`{"name": "w", "image": "x", "stopTimeout": 10, "linuxParameters": {"initProcessEnabled": true}, "command": ["sidekiq", "-t", "8"]}`),
			[]string{"GL201:error:1"}},
		{"unset with no -t", "td.json", ecs(`{"name": "w", "image": "x", "linuxParameters": {"initProcessEnabled": true}, "command": ["bundle", "exec", "sidekiq"]}`), nil},
		{"timeout inside a -c script", "td.json", ecs(`{"name": "w", "image": "x", "stopTimeout": 25, "linuxParameters": {"initProcessEnabled": true}, "command": ["sh", "-c", "exec sidekiq -t 25"]}`),
			[]string{"GL201:error:1"}},
		{"no command: nothing known", "td.json", ecs(`{"name": "w", "image": "x", "stopTimeout": 5}`), nil},
		{"fargate 121", "td.json", `{"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "w", "stopTimeout": 121}]}`,
			[]string{"GL202:error:1"}},
		{"EC2 121", "td.json", `{"requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "w", "stopTimeout": 121}]}`, nil},
		{"initProcessEnabled and sh -c", "td.json", ecs(`{"name": "w", "image": "ruby:3.3", "linuxParameters": {"initProcessEnabled": true}, "command": ["sh", "-c", "bundle exec sidekiq"]}`),
			[]string{"GL102:error:1"}},
		{"alpine sh -c", "td.json", ecs(`{"name": "w", "image": "ruby:3.3-alpine", "linuxParameters": {"initProcessEnabled": true}, "command": ["sh", "-c", "bundle exec sidekiq"]}`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findings(t, tt.file, tt.src)
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRuleMetadata(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	for _, r := range rules.All() {
		if ids[r.ID] || names[r.Name] {
			t.Errorf("duplicate rule %s %s", r.ID, r.Name)
		}
		ids[r.ID], names[r.Name] = true, true
		// GL001 and GL002 are run by the core after the other rules.
		if r.Summary == "" || (r.Check == nil) != (r == lint.UnusedSuppression || r == lint.MalformedSuppression) || r.Severity == 0 || !strings.HasPrefix(r.ID, "GL") {
			t.Errorf("rule %s is incomplete", r.ID)
		}
	}
}

func TestMessagesSayWhatHappens(t *testing.T) {
	src := ecs(`{"name": "w", "image": "x", "stopTimeout": 20, "command": ["sh", "-c", "bundle exec sidekiq -t 20"]}`)
	fs, _ := lint.Run(rules.All(), "td.json", []byte(src), lint.TaskDef)
	for _, f := range fs {
		if !strings.Contains(f.Message, "next deploy") || f.Suggestion == "" {
			t.Errorf("%s: message must say what happens at the next deploy and carry a suggestion: %q", f.Rule.ID, f.Message)
		}
		if f.Message != strings.ToLower(f.Message[:1])+f.Message[1:] {
			t.Errorf("%s: message must start lower-case: %q", f.Rule.ID, f.Message)
		}
	}
	if len(fs) != 2 {
		t.Errorf("want GL102 and GL201, got %d findings", len(fs))
	}
}
