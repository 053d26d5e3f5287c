package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gracelint/gracelint/lint"
)

// TestEveryKindEveryProgram lints each platform file kind running each
// kind of program the rules tell apart, with every rule: none may panic,
// and every finding must point into the file.
func TestEveryKindEveryProgram(t *testing.T) {
	commands := []string{"node worker.js", "sh -c 'bundle exec sidekiq'", "bundle exec unicorn", "bundle exec sidekiq -t 60",
		"supervisord -c /etc/supervisord.conf", "foreman start", "/init", "gunicorn app:app", "php artisan queue:work", "npm start", "tini -- sleep infinity"}
	kinds := map[string]func(cmd string) string{
		"fly.toml": func(cmd string) string {
			return fmt.Sprintf("[build]\nimage = 'ruby:3.3'\n[processes]\nworker = %q\n", cmd)
		},
		"config/deploy.yml": func(cmd string) string {
			return fmt.Sprintf("service: s\nimage: acme/app\nservers:\n  web:\n    hosts: [1.2.3.4]\n    cmd: %s\n  job:\n    hosts: [1.2.3.5]\n    cmd: %s\n", cmd, cmd)
		},
		"render.yaml": func(cmd string) string {
			return fmt.Sprintf("services:\n  - type: worker\n    name: w\n    runtime: docker\n    dockerCommand: %s\n  - type: worker\n    name: n\n    runtime: ruby\n    startCommand: %s\n", cmd, cmd)
		},
		"app/Procfile": func(cmd string) string { return "worker: " + cmd + "\n" },
		"copilot/w/manifest.yml": func(cmd string) string {
			return fmt.Sprintf("name: w\ntype: Backend Service\nimage:\n  build: Dockerfile\ncommand: %s\n", cmd)
		},
		"worker.service": func(cmd string) string { return "[Service]\nExecStart=/usr/bin/env " + cmd + "\n" },
		"chart/templates/worker.yaml": func(cmd string) string {
			return fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: {{ .Values.name }}\n          image: {{ .Values.image }}\n          args: [\"sh\", \"-c\", %q]\n", cmd)
		},
		"main.tf": func(cmd string) string {
			return fmt.Sprintf("resource \"aws_ecs_task_definition\" \"w\" {\n  container_definitions = jsonencode([{ name = \"w\", image = \"ruby:3.3\", command = [%q] }])\n}\n", cmd)
		},
	}
	for name, write := range kinds {
		for _, cmd := range commands {
			t.Run(name+"/"+cmd, func(t *testing.T) {
				src := []byte(write(cmd))
				fsys := fstest.MapFS{
					name:                   {Data: src},
					"app/app.json":         {Data: []byte("{}")},
					"Dockerfile":           {Data: []byte("FROM ruby:3.3\nWORKDIR /app\nCOPY . .\n")},
					"etc/supervisord.conf": {Data: []byte("[program:w]\ncommand=sh -c 'FOO=1 sidekiq'\n")},
					"chart/Chart.yaml":     {Data: []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n")},
					"chart/values.yaml":    {Data: []byte("name: w\nimage: ruby:3.3\n")},
				}
				kind := lint.Detect(name, src)
				if strings.HasPrefix(name, "chart/templates/") {
					kind = lint.Helm
				}
				findings, errs := fixtureLinter(".", fsys).Run(name, src, kind)
				for _, e := range errs {
					if !strings.Contains(e.Msg, "invalid") {
						t.Errorf("input error: %v", e)
					}
				}
				for _, f := range findings {
					if f.File == name && f.Span.End.Offset > len(src) {
						t.Errorf("%s finding past the file's end: %+v", f.Rule.ID, f.Span)
					}
				}
			})
		}
	}
}

// TestCopilotBuildsFromTheWorkspace links a Copilot service to the
// Dockerfile image.build names, relative to the directory copilot/ is in,
// and follows its command into the script the build context holds.
func TestCopilotBuildsFromTheWorkspace(t *testing.T) {
	manifest := []byte("name: worker\ntype: Backend Service\nimage:\n  build:\n    dockerfile: docker/Dockerfile\n    context: .\ncommand: bin/worker\n")
	fsys := fstest.MapFS{
		"copilot/worker/manifest.yml": {Data: manifest},
		"docker/Dockerfile":           {Data: []byte("FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\n")},
		"bin/worker":                  {Data: []byte("#!/bin/sh\nbundle exec rails db:migrate\nbundle exec sidekiq\n")},
	}
	findings, errs := fixtureLinter(".", fsys).Run("copilot/worker/manifest.yml", manifest, lint.Copilot)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	var got []string
	for _, f := range findings {
		got = append(got, fmt.Sprintf("%s:%d %s", f.File, f.Span.Start.Line, f.Rule.ID))
	}
	if !slices.Contains(got, "bin/worker:3 GL106") {
		t.Errorf("findings = %q, want GL106 in bin/worker", got)
	}
}

// A task-definition template kept in a directory of its own is given the
// values of every resource of the module above that renders it, and is
// judged once for each.
func TestTemplateRenderedByModule(t *testing.T) {
	tmpl := []byte(`[{"name": "worker", "image": "ruby:3.3-slim", "command": ${jsonencode(command)}, "stopTimeout": ${stop}}]`)
	fsys := fstest.MapFS{
		"infra/worker.tf": {Data: []byte(`resource "aws_ecs_task_definition" "a" {
  container_definitions = templatefile("${path.module}/templates/worker.json.tpl", { command = ["bundle", "exec", "sidekiq", "-t", "60"], stop = 90 })
}
resource "aws_ecs_task_definition" "b" {
  container_definitions = templatefile("templates/worker.json.tpl", { command = local.command, stop = var.stop })
}
locals {
  command = ["sh", "-c", "bundle exec sidekiq"]
}
variable "stop" {
  default = 10
}
`)},
		"infra/other.tf":                  {Data: []byte(`resource "aws_ecs_task_definition" "c" { container_definitions = templatefile("other.json.tpl", {}) }`)},
		"infra/templates/worker.json.tpl": {Data: tmpl},
	}
	findings, errs := fixtureLinter(".", fsys).Run("infra/templates/worker.json.tpl", tmpl, lint.TaskDef)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	var got []string
	for _, f := range findings {
		got = append(got, fmt.Sprintf("%d:%d %s", f.Span.Start.Line, f.Span.Start.Col, f.Rule.ID))
	}
	// Resource a is clean (90 s for sidekiq's 60 s); resource b's sh -c
	// keeps sidekiq from SIGTERM, and its 10 s are less than sidekiq's 25 s.
	want := []string{"1:58 GL102", "1:97 GL201"}
	if !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
}
