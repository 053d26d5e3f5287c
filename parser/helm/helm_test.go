package helm

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

// files is a chart: Chart.yaml, then name and content pairs.
func files(pairs ...string) []File {
	out := []File{{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: app\nversion: 0.1.0\n")}}
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, File{Name: pairs[i], Data: []byte(pairs[i+1])})
	}
	return out
}

func TestRender(t *testing.T) {
	chart := files(
		"values.yaml", "image: ruby:3.3\nworker:\n  enabled: true\n",
		"templates/_helpers.tpl", `{{- define "app.name" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end }}`,
		"templates/worker.yaml", "{{- if .Values.worker.enabled }}\nname: {{ include \"app.name\" . }}\nimage: {{ .Values.image }}\n{{- end }}\n",
		"templates/NOTES.txt", "Installed {{ .Release.Name }}.\n",
		"templates/ignored.yaml", "name: x\n",
		".helmignore", "templates/ignored.yaml\n",
	)
	out, _, err := Render(chart, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out["templates/worker.yaml"]); got != "\nname: release-name-app\nimage: ruby:3.3\n" {
		t.Errorf("worker.yaml = %q", got)
	}
	for _, name := range []string{"templates/_helpers.tpl", "templates/NOTES.txt", "templates/ignored.yaml"} {
		if _, ok := out[name]; ok {
			t.Errorf("%s makes a manifest", name)
		}
	}
	// An overlay goes on top of values.yaml, as helm template -f does.
	out, _, err = Render(chart, []byte("worker:\n  enabled: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out["templates/worker.yaml"])); got != "" {
		t.Errorf("with the overlay, worker.yaml = %q", got)
	}
	// A template that fails makes no manifest and says why; the others
	// render.
	out, failed, err := Render(append(chart, File{"templates/needs.yaml", []byte(`{{ required "set db" .Values.db }}`)}), nil)
	if err != nil || len(out["templates/worker.yaml"]) == 0 || failed["templates/needs.yaml"] == nil || !strings.Contains(failed["templates/needs.yaml"].Error(), "set db") {
		t.Errorf("one template fails: %v %q %v", err, out, failed)
	}
	// A value the chart requires and does not give fails the render.
	if _, _, err := Render(files("templates/x.yaml", `{{ required "set image" .Values.image }}`), nil); err == nil || !strings.Contains(err.Error(), "set image") {
		t.Errorf("required: %v", err)
	}
}

// TestRenderOffline: what Helm would reach the network for stays off: a
// schema's remote $ref, lookup and getHostByName. A listener on a local
// port stands for the network and must see no connection.
func TestRenderOffline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no local network:", err)
	}
	defer ln.Close()
	dialed := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			dialed <- struct{}{}
		}
	}()
	url := "http://" + ln.Addr().String()
	chart := files(
		"values.yaml", "image: x\n",
		"values.schema.json", `{"$ref": "`+url+`/schema.json"}`,
		"templates/x.yaml", `lookup: {{ lookup "v1" "Secret" "default" "db" }}`+"\n"+`host: "{{ getHostByName "`+ln.Addr().(*net.TCPAddr).IP.String()+`" }}"`+"\n",
	)
	out, _, err := Render(chart, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out["templates/x.yaml"]); got != "lookup: map[]\nhost: \"\"\n" {
		t.Errorf("x.yaml = %q", got)
	}
	select {
	case <-dialed:
		t.Error("rendering connected to the network")
	case <-time.After(100 * time.Millisecond):
	}
}

// TestBoundedFunctions: a template cannot make gracelint allocate what it
// asks for.
func TestBoundedFunctions(t *testing.T) {
	for _, tmpl := range []string{
		`{{ range until 1000000000 }}x{{ end }}`,
		`{{ untilStep 0 2000000000 1 | len }}`,
		`{{ seq 1 1000000000 }}`,
		`{{ repeat 1000000000 "x" }}`,
		`{{ define "x" }}{{ range 1000000000 }}x{{ end }}{{ end }}{{ include "x" . }}`,
	} {
		_, _, err := Render(files("templates/x.yaml", tmpl), nil)
		if !errors.Is(err, errTooMany) && (err == nil || !strings.Contains(err.Error(), errTooMany.Error())) {
			t.Errorf("%s: %v", tmpl, err)
		}
	}
	out, _, err := Render(files("templates/x.yaml", `{{ until 3 }} {{ seq 3 }} {{ repeat 2 "ab" }} {{ untilStep 0 6 2 }}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out["templates/x.yaml"]); got != "[0 1 2] 1 2 3 abab [0 2 4]" {
		t.Errorf("got %q", got)
	}
}

func TestOrigins(t *testing.T) {
	tmpl := `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    {{- include "labels" . | nindent 4 }}
spec:
  template:
    spec:
      {{- if .Values.grace }}
      terminationGracePeriodSeconds: {{ .Values.grace }}
      {{- end }}
      containers:
        - name: {{ .Values.name }}
          image: "{{ .Values.repo }}:{{ .Values.tag }}"
          command: ["sh", "-c", "sidekiq"]
`
	rendered := `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: shop
    tier: worker
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: sidekiq
          image: "ruby:3.3"
          command: ["sh", "-c", "sidekiq"]
`
	want := []struct{ line, keep, at int }{
		{1, 19, 19}, {2, 16, 16}, {3, 9, 9}, {4, 9, 9},
		{5, 0, 4}, {5, 0, 4}, // the include's lines
		{6, 5, 5}, {7, 11, 11}, {8, 9, 9},
		{10, 37, 37}, // "terminationGracePeriodSeconds: " is the template's
		{12, 17, 17}, {13, 16, 16}, {14, 18, 18}, {15, 42, 42}, {16, 0, 0},
	}
	got := Origins([]byte(tmpl), []byte(rendered))
	if len(got) != len(want) {
		t.Fatalf("%d origins, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if g := got[i]; g.Line != w.line || g.Keep != w.keep && w.keep != 0 {
			t.Errorf("rendered line %d: %+v, want line %d keep %d", i+1, g, w.line, w.keep)
		}
	}
}

func FuzzOrigins(f *testing.F) {
	f.Add("a: {{ .x }}\nb: 1\n", "a: 2\nb: 1\n")
	f.Add("{{- range .l }}\n- {{ . }}\n{{- end }}", "\n- 1\n- 2")
	f.Add("x: {{ \"}}\" }}\n{{/* a\ncomment */}}\ny", "x: }}\n\ny")
	f.Fuzz(func(t *testing.T, tmpl, rendered string) {
		defer fuzzbudget.Check(t)()
		got := Origins([]byte(tmpl), []byte(rendered))
		lines := strings.Count(tmpl, "\n") + 1
		if len(got) != strings.Count(strings.ReplaceAll(rendered, "\r\n", "\n"), "\n")+1 {
			t.Fatalf("%d origins for %q", len(got), rendered)
		}
		for _, o := range got {
			if o.Line < 1 || o.Line > lines || o.Keep < 0 || o.At < 0 {
				t.Fatalf("origin %+v out of the template's %d lines", o, lines)
			}
		}
	})
}

// TestRenderTimeout: loops that each stay within the bounds but nest past
// any budget end in an error, not a hang.
func TestRenderTimeout(t *testing.T) {
	defer func(d time.Duration) { renderTimeout = d }(renderTimeout)
	renderTimeout = 100 * time.Millisecond
	_, _, err := Render(files("templates/x.yaml", `{{ range 90000 }}{{ range 90000 }}{{ end }}{{ end }}`), nil)
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("got %v", err)
	}
}

func FuzzRender(f *testing.F) {
	renderTimeout = fuzzbudget.Limit / 2
	f.Add("image: {{ .Values.image }}\n", "image: x\n")
	f.Add("{{ range until 5 }}- {{ . }}\n{{ end }}", "")
	f.Add("{{ include \"x\" . }}", "a: [")
	f.Fuzz(func(t *testing.T, tmpl, values string) {
		defer fuzzbudget.Check(t)()
		Render(files("values.yaml", values, "templates/x.yaml", tmpl), nil)
	})
}
