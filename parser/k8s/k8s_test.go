package k8s

import (
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestParse(t *testing.T) {
	src := `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 70
      containers:
        - name: sidekiq
          image: ruby:3.3-slim
          command: ["bundle", "exec", "sidekiq"]
          args: ["-t", "60"]
          env:
            - {name: RAILS_ENV, value: production}
          lifecycle:
            preStop:
              exec:
                command: ["sh", "-c", "sleep 10"]
        - name: sidecar
          image: busybox
          lifecycle:
            preStop:
              sleep:
                seconds: 5
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          shareProcessNamespace: true
          containers:
            - name: job
              command: [rake, nightly]
`
	pods, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(pods) != 2 || pods[0].Kind != "Deployment" || pods[1].Kind != "CronJob" || !pods[1].ShareProcessNamespace {
		t.Fatalf("pods = %+v", pods)
	}
	w := pods[0]
	if g, _ := w.Grace.Int(); g != 70 || len(w.Containers) != 2 {
		t.Errorf("grace %v, containers %d", w.Grace, len(w.Containers))
	}
	c := w.Containers[0]
	if c.Name != "sidekiq" || c.PreStop != 10 || c.Env["RAILS_ENV"] != "production" || len(c.Args.Elems) != 2 || len(c.Command.Elems) != 3 {
		t.Errorf("container = %+v", c)
	}
	if w.Containers[1].PreStop != 5 {
		t.Errorf("sleep action = %d", w.Containers[1].PreStop)
	}
}

func TestHelmTemplate(t *testing.T) {
	if !IsTemplate([]byte("metadata:\n  name: {{ .Release.Name }}\n")) || IsTemplate([]byte("command: [\"sh\", \"-c\", \"echo '{{'\"]\n")) {
		t.Error("Helm templates are not told from YAML with braces in strings")
	}
}

func TestIsHelmTemplate(t *testing.T) {
	helpers := "{{/*\nExpand the name of the chart.\n*/}}\n{{- define \"app.name\" -}}\n{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix \"-\" }}\n{{- end }}\n\n{{- define \"app.image\" -}}\n\"image\": {{ .Values.image | quote }}\n{{- end }}\n"
	for src, want := range map[string]bool{
		helpers:                          true,
		"{{ define \"x\" }}a{{ end }}\n": true,
		"{{- range .Values.workers }}\n- name: {{ .name }}\n{{- end }}\n": true,
		// JSON with placeholders: a templated task definition.
		`{"containerDefinitions": [{"name": "w", "image": "{{ .image }}", "command": {{- .cmd -}}}]}`: false,
		`[{"name": "w", "image": "${image}", "stopTimeout": ${timeout}}]`:                             false,
		"metadata:\n  name: {{ .Release.Name }}\n":                                                    false,
		"plain: yaml\n": false,
	} {
		if got := IsHelmTemplate([]byte(src)); got != want {
			t.Errorf("IsHelmTemplate(%.40q) = %v, want %v", src, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  terminationGracePeriodSeconds: 30\n  containers:\n  - name: w\n    image: ruby\n    command: [sh, -c, sidekiq]\n    lifecycle: {preStop: {exec: {command: [sleep, \"5\"]}}}\n"))
	f.Add([]byte("apiVersion: apps/v1\nkind: Deployment\nspec: &s\n  template: *s\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		IsManifest(src)
		IsTemplate(src)
		pods, err := Parse(src)
		if err != nil {
			return
		}
		for _, p := range pods {
			for _, c := range p.Containers {
				if c == nil {
					t.Fatal("a nil container")
				}
			}
		}
	})
}
