package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chart writes a Helm chart whose worker runs Sidekiq with -t 40 under
// Kubernetes' default 30 s grace.
func chart(t *testing.T, dir string) {
	t.Helper()
	write(t, dir, "deploy/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 1.0.0\n")
	write(t, dir, "deploy/shop/values.yaml", "image: ruby:3.3-slim\ntimeout: 40\n")
	write(t, dir, "deploy/shop/templates/_helpers.tpl", "{{- define \"shop.name\" -}}\n{{ .Release.Name }}-shop\n{{- end }}\n")
	write(t, dir, "deploy/shop/templates/worker.yaml", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.name" . }}-worker
spec:
  template:
    spec:
      containers:
        - name: sidekiq
          image: {{ .Values.image }}
          command: ["bundle", "exec", "sidekiq", "-t", "{{ .Values.timeout }}"]
`)
}

func TestHelmChart(t *testing.T) {
	dir := t.TempDir()
	chart(t, dir)
	write(t, dir, ".git/HEAD", "ref: refs/heads/main\n") // named, a file is linted in its repository
	for _, arg := range []string{dir, filepath.Join(dir, "deploy/shop/templates/_helpers.tpl")} {
		code, stdout, stderr := gracelint(t, "", "--format", "json", arg)
		var out jsonOut
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatal(err, stderr)
		}
		if code != ExitFindings || len(out.Findings) != 1 || stderr != "gracelint: 1 file, 1 finding (1 error)\n" {
			t.Fatalf("%s: exit %d, %+v, %q", arg, code, out, stderr)
		}
		// The finding is on the template line that writes the container.
		if f := out.Findings[0]; f.Rule != "GL201" || !strings.HasSuffix(f.File, "templates/worker.yaml") || f.Line != 9 || f.Severity != "error" {
			t.Errorf("%s: %+v", arg, f)
		}
	}
}

func TestHelmValuesBesideTheChart(t *testing.T) {
	dir := t.TempDir()
	chart(t, dir)
	// Production raises the grace: no rendering that deploys it has the bug
	// everywhere, so nothing is claimed.
	write(t, dir, "deploy/values-production.yaml", "timeout: 20\n")
	code, stdout, stderr := gracelint(t, "", dir)
	if code != ExitClean || stdout != "" || stderr != "gracelint: 1 file, no findings\n" {
		t.Errorf("exit %d, %q, %q", code, stdout, stderr)
	}
}

func TestHelmChartThatNeedsValues(t *testing.T) {
	dir := t.TempDir()
	chart(t, dir)
	write(t, dir, "deploy/shop/values.yaml", "timeout: 40\n")
	write(t, dir, "deploy/shop/templates/worker.yaml", "image: {{ required \"set image\" .Values.image }}\n")
	code, stdout, stderr := gracelint(t, "", dir)
	if code != ExitClean || stdout != "" {
		t.Errorf("exit %d, %q", code, stdout)
	}
	if !strings.Contains(stderr, "note: skipped 1 file") || !strings.Contains(stderr, "set image") || !strings.Contains(stderr, "helm template") {
		t.Errorf("stderr %q", stderr)
	}
}

// TestHelmSuppression: an ignore comment in a template covers the lines
// the rendered finding maps back to.
func TestHelmSuppression(t *testing.T) {
	dir := t.TempDir()
	chart(t, dir)
	tmpl := filepath.Join(dir, "deploy/shop/templates/worker.yaml")
	src, err := os.ReadFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "deploy/shop/templates/worker.yaml", strings.Replace(string(src), "        - name: sidekiq", "        # gracelint ignore=GL201 -- jobs are idempotent\n        - name: sidekiq", 1))
	code, stdout, stderr := gracelint(t, "", dir)
	if code != ExitClean || stdout != "" || stderr != "gracelint: 1 file, no findings\n" {
		t.Errorf("exit %d, %q, %q", code, stdout, stderr)
	}
}
