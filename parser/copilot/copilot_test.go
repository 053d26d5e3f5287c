package copilot

import (
	"strings"
	"testing"
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
	f.Add([]byte(manifest))
	f.Fuzz(func(t *testing.T, src []byte) {
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
