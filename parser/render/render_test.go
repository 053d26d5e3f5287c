package render

import (
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const blueprint = `services:
  - type: web
    name: shop
    runtime: docker
    dockerCommand: bundle exec puma
    envVars:
      - key: RAILS_ENV
        value: production
      - key: SECRET
        sync: false
  - type: worker
    name: jobs
    env: docker
    dockerfilePath: ./docker/Dockerfile
    dockerContext: ./app
    dockerCommand: bundle exec sidekiq -t 60
    maxShutdownDelaySeconds: 90
  - type: worker
    name: native
    runtime: ruby
    startCommand: bundle exec sidekiq && echo done
databases:
  - name: db
`

func TestParse(t *testing.T) {
	svcs, err := Parse([]byte(blueprint))
	if err != nil || len(svcs) != 3 {
		t.Fatalf("services = %d, %v", len(svcs), err)
	}
	web, jobs, native := svcs[0], svcs[1], svcs[2]
	if web.DockerfilePath != "./Dockerfile" || web.DockerContext != "." || web.Env["RAILS_ENV"] != "production" || blueprint[web.KeyStart:web.KeyEnd] != "shop" {
		t.Errorf("web = %+v", web)
	}
	if jobs.Runtime != "docker" || jobs.DockerfilePath != "./docker/Dockerfile" || jobs.DockerContext != "./app" {
		t.Errorf("jobs = %+v: env: is the older name of runtime:", jobs)
	}
	if n, _ := jobs.MaxShutdownDelay.Int(); n != 90 {
		t.Errorf("maxShutdownDelaySeconds = %d", n)
	}
	if w, ok := jobs.Words(); !ok || strings.Join(w, " ") != "bundle exec sidekiq -t 60" {
		t.Errorf("jobs words = %q", w)
	}
	if !IsBlueprint([]byte(blueprint)) || IsBlueprint([]byte("services:\n  web:\n    image: nginx\n")) {
		t.Error("IsBlueprint: a Blueprint is one, a Compose file is not")
	}
	if _, ok := native.Words(); ok {
		t.Error("a command with shell syntax has no words: how Render runs it is not known")
	}
}

func FuzzParse(f *testing.F) {
	// YAML aliases that refer to themselves, and that expand to 10^9 values.
	f.Add([]byte("services: &s\n  w: *s\n"))
	f.Add([]byte("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\nservices: {w: {command: *a5}}\n"))
	f.Add([]byte(blueprint))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		svcs, err := Parse(src)
		if err != nil {
			return
		}
		for _, s := range svcs {
			if s.KeyStart < 0 || s.KeyEnd > len(src) || s.KeyStart > s.KeyEnd {
				t.Fatalf("service %q out of the file", s.Name)
			}
			s.Words()
		}
	})
}
