package copilot

import (
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const manifest = `# The manifest for the "worker" service.
name: worker
type: Backend Service

image:
  build:
    dockerfile: ./Dockerfile
    context: .
    target: worker

command: bundle exec sidekiq -q "default critical"
variables:
  RAILS_ENV: production

taskdef_overrides:
  - path: ContainerDefinitions[0].StopTimeout
    value: 120
  - path: ContainerDefinitions[0].LinuxParameters.InitProcessEnabled
    value: true
`

func TestParse(t *testing.T) {
	if !IsManifest([]byte(manifest)) {
		t.Fatal("IsManifest = false")
	}
	m, err := Parse([]byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "worker" || m.Type != "Backend Service" || m.Dockerfile != "./Dockerfile" || m.Target != "worker" || m.Variables["RAILS_ENV"] != "production" {
		t.Errorf("manifest = %+v", m)
	}
	if n, _ := m.StopTimeout.Int(); n != 120 || !m.Init {
		t.Errorf("overrides: StopTimeout %d, init %v", n, m.Init)
	}
	if w, _, ok := Words(m.Command); !ok || strings.Join(w, "|") != "bundle|exec|sidekiq|-q|default critical" {
		t.Errorf("command = %q", w)
	}
	if IsManifest([]byte("services:\n  web:\n    image: x\n")) {
		t.Error("a Compose file is no manifest")
	}
}

func FuzzParse(f *testing.F) {
	// YAML aliases that refer to themselves, and that expand to 10^9 values.
	f.Add([]byte("services: &s\n  w: *s\n"))
	f.Add([]byte("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\nservices: {w: {command: *a5}}\n"))
	f.Add([]byte(manifest))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		m, err := Parse(src)
		if err != nil {
			return
		}
		for _, n := range []*struct{ s, e int }{{m.NameStart, m.NameEnd}} {
			if n.s < 0 || n.e > len(src) || n.s > n.e {
				t.Fatalf("name out of the file")
			}
		}
		Words(m.Command)
		Words(m.Entrypoint)
	})
}

func TestEnvironments(t *testing.T) {
	src := `name: worker
type: Backend Service
image:
  build: Dockerfile
command: bin/worker
variables:
  A: "1"
environments:
  staging:
    count: 1
  production:
    image:
      location: ruby:3.3-slim
    variables:
      B: "2"
    taskdef_overrides:
      - path: ContainerDefinitions[0].StopTimeout
        value: 90
`
	m, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Environments) != 1 {
		t.Fatalf("environments = %d, want production only (staging overrides nothing the container runs)", len(m.Environments))
	}
	p := m.Environments[0]
	if p.Environment != "production" || p.Location != "ruby:3.3-slim" || p.Dockerfile != "" {
		t.Errorf("production = %+v: its image replaces the build", p)
	}
	if p.Variables["A"] != "1" || p.Variables["B"] != "2" || m.Variables["B"] != "" {
		t.Errorf("variables = %v (base %v): an environment adds to a copy", p.Variables, m.Variables)
	}
	if v, _ := p.StopTimeout.Int(); v != 90 || m.StopTimeout != nil {
		t.Errorf("StopTimeout = %v, base %v", p.StopTimeout, m.StopTimeout)
	}
	if w, _, _ := Words(p.Command); len(w) != 1 || w[0] != "bin/worker" {
		t.Errorf("command = %q: the base's holds", w)
	}
}
