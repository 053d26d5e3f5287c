package compose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestParse(t *testing.T) {
	src := `services:
  worker:
    image: ${REGISTRY:-docker.io}/app:${TAG}
    command: sh -c "bundle exec sidekiq -t ${SIDEKIQ_TIMEOUT:-25}"
    stop_grace_period: 1m30s
    init: true
    environment:
      RAILS_ENV: production
  web:
    build:
      context: ./web
      dockerfile: Dockerfile.prod
    entrypoint: ["tini", "--"]
    command: ["bundle", "exec", "puma"]
    environment:
      - PORT=3000
    stop_signal: SIGQUIT
  plain:
    build: .
    command: bundle exec sidekiq && echo done
`
	services, err := Parse([]byte(src), map[string]string{"TAG": "v1"})
	if err != nil {
		t.Fatal(err)
	}
	w, web, plain := services[0], services[1], services[2]
	if w.Name != "worker" || w.Image.Str != "docker.io/app:v1" || !w.Image.Known {
		t.Errorf("image = %+v", w.Image)
	}
	var argv []string
	for _, a := range w.Command.Args {
		argv = append(argv, a.Value)
	}
	if strings.Join(argv, "|") != "sh|-c|bundle exec sidekiq -t 25" || !w.Command.Split {
		t.Errorf("command = %q", argv)
	}
	if w.StopGrace.Seconds != 90 || !w.StopGrace.Known || w.Init == nil || !*w.Init {
		t.Errorf("grace %+v, init %v", w.StopGrace, w.Init)
	}
	if web.Build != "web/Dockerfile.prod" || plain.Build != "Dockerfile" || len(web.Entrypoint.Args) != 2 || web.Env["PORT"] != "3000" || web.StopSignal.Str != "SIGQUIT" {
		t.Errorf("web = %+v", web)
	}
	// Compose splits words and stops at an operator: no shell runs.
	argv = nil
	for _, a := range plain.Command.Args {
		argv = append(argv, a.Value)
	}
	if strings.Join(argv, "|") != "bundle|exec|sidekiq" {
		t.Errorf("plain = %q", argv)
	}
}

func TestInterpolate(t *testing.T) {
	env := map[string]string{"A": "a", "EMPTY": ""}
	for in, want := range map[string]struct {
		out   string
		known bool
	}{
		"x": {"x", true}, "$$HOME": {"$HOME", true}, "${A}": {"a", true}, "$A/b": {"a/b", true},
		"${B}": {"", false}, "${B:-d}": {"d", true}, "${EMPTY:-d}": {"d", true}, "${EMPTY-d}": {"", true},
		"${A:+alt}": {"alt", true}, "${B:?need B}": {"", false}, "${B:-${A}}": {"a", true}, "a-${C:-1}0s": {"a-10s", true},
	} {
		out, known := Interpolate(in, env)
		if out != want.out || known != want.known {
			t.Errorf("Interpolate(%q) = %q, %v; want %q, %v", in, out, known, want.out, want.known)
		}
	}
}

func TestNames(t *testing.T) {
	for name, want := range map[string]bool{"compose.yaml": true, "docker-compose.yml": true, "prod.compose.yaml": true,
		"docker-compose.override.yml": true, "compose.json": false, "k8s.yaml": false, "composer.yml": false} {
		if IsComposeName(name) != want {
			t.Errorf("IsComposeName(%q) = %v", name, !want)
		}
	}
}

func TestIsCompose(t *testing.T) {
	tests := []struct {
		why, src string
		want     bool
	}{
		{"image", "services:\n  web:\n    image: app:1\n", true},
		{"build", "version: '3.8'\nname: app\nservices:\n  web:\n    build: .\n", true},
		{"build mapping", "services:\n  web:\n    build:\n      context: .\n", true},
		{"command", "services:\n  web:\n    extends: {file: base.yml, service: web}\n    command: [rails, s]\n", true},
		{"entrypoint", "services:\n  web:\n    entrypoint: /entry.sh\n", true},
		{"one service is enough", "services:\n  db:\n    ports: ['5432']\n  web:\n    image: app\n", true},
		{"extensions, networks, volumes", "x-app: &app\n  image: app\nservices:\n  web:\n    <<: *app\nvolumes:\n  data: {}\nnetworks:\n  default: {}\n", true},
		{"merge keys", "x-app: &app\n  build: .\nx-env: &env\n  environment: {A: 1}\nservices:\n  web:\n    <<: [*env, *app]\n", true},
		{"flow style", "services: {web: {image: app}}\n", true},
		{"BOM and CRLF", "\xef\xbb\xbfname: app\r\nservices:\r\n  web:\r\n    image: app\r\n", true},
		{"no services", "name: app\nvolumes: {}\n", false},
		{"services indented", "app:\n  services:\n    web:\n      image: app\n", false},
		{"override without any of the keys", "services:\n  web:\n    ports: ['80:80']\n", false},
		{"a service that is not a mapping", "services:\n  web:\n    image: app\n  db: postgres\n", false},
		{"services list (render.yaml)", "services:\n  - type: web\n    name: app\n", false},
		{"Helm values: image is a mapping", "services:\n  web:\n    image:\n      repository: app\n      tag: 1\n", false},
		{"Helm values: other settings", "replicaCount: 1\nservices:\n  web:\n    image: app\n", false},
		{"Kubernetes", "apiVersion: v1\nkind: List\nservices:\n  web:\n    image: app\n", false},
		{"CloudFormation", "Resources: {}\nservices:\n  web:\n    image: app\n", false},
		{"Woodpecker CI", "steps:\n  test:\n    image: golang\nservices:\n  db:\n    image: postgres\n", false},
		{"Convox manifest", "services:\n  web:\n    build: .\n    port: 3000\n    health: /_health\n", false},
		{"top-level service (v1 format) beside services", "web:\n  image: x\nservices:\n  web:\n    image: app\n", false},
		{"x- keys in a service", "services:\n  web:\n    image: app\n    x-note: 1\n", true},
		{"two documents", "services:\n  web:\n    image: app\n---\nservices:\n  db:\n    image: db\n", false},
		{"not YAML", "services:\n  web: [\n", false},
	}
	for _, tt := range tests {
		if got := IsCompose([]byte(tt.src)); got != tt.want {
			t.Errorf("%s: IsCompose = %v, want %v", tt.why, got, tt.want)
		}
	}
}

func TestDotEnv(t *testing.T) {
	env := ParseDotEnv([]byte("# c\nA=1\nexport B=\"two words\"\nC=3 # note\n\nD='x'\n"))
	if env["A"] != "1" || env["B"] != "two words" || env["C"] != "3" || env["D"] != "x" {
		t.Errorf("env = %v", env)
	}
}

func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/corpus/compose/*")
	if len(files) == 0 {
		t.Skip("../shared/corpus is not beside the repository")
	}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		services, err := Parse(src, nil)
		t.Logf("%s: %d services, %v", filepath.Base(f), len(services), err)
		if err == nil && len(services) > 0 && !IsCompose(src) {
			t.Errorf("%s: IsCompose is false", filepath.Base(f))
		}
	}
}

func FuzzParse(f *testing.F) {
	// YAML aliases that refer to themselves, and that expand to 10^9 values.
	f.Add([]byte("services: &s\n  w: *s\n"))
	f.Add([]byte("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\nservices: {w: {command: *a5}}\n"))
	f.Add([]byte("services:\n  w:\n    command: sh -c \"${X:-a} b\"\n    stop_grace_period: 5s\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		services, err := Parse(src, map[string]string{"X": "1"})
		if err != nil {
			return
		}
		for _, s := range services {
			for _, c := range []*Command{s.Entrypoint, s.Command} {
				if c == nil {
					continue
				}
				for _, a := range c.Args {
					if a.Start < 0 || a.End > len(src) || a.Start > a.End {
						t.Fatalf("arg span %d..%d", a.Start, a.End)
					}
				}
			}
		}
	})
}

func TestMergeKeysAndOneShot(t *testing.T) {
	src := `x-base: &base
  image: ghcr.io/acme/app:1
  stop_grace_period: 40s
  environment: {RAILS_ENV: production}
services:
  migrate:
    <<: *base
    command: bin/rails db:migrate
  worker:
    <<: [*base]
    command: bundle exec sidekiq
    depends_on:
      migrate: {condition: service_completed_successfully}
`
	services, err := Parse([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 2 {
		t.Fatalf("services = %d", len(services))
	}
	for _, s := range services {
		if s.Image.Str != "ghcr.io/acme/app:1" || s.StopGrace == nil || s.StopGrace.Seconds != 40 || s.Env["RAILS_ENV"] != "production" {
			t.Errorf("%s: merge key not read: image %q, grace %+v, env %v", s.Name, s.Image.Str, s.StopGrace, s.Env)
		}
	}
	if !services[0].OneShot || services[1].OneShot {
		t.Errorf("one-shot: migrate %v, worker %v", services[0].OneShot, services[1].OneShot)
	}
}

func TestECSParams(t *testing.T) {
	p, err := ParseECSParams([]byte("version: 1\ntask_definition:\n  services:\n    worker:\n      init_process_enabled: true\n    web:\n      essential: true\n"))
	if err != nil || !p.Init["worker"] || p.Init["web"] {
		t.Errorf("%+v %v", p, err)
	}
	if _, err := ParseECSParams([]byte("task_definition: [")); err == nil {
		t.Error("broken YAML is an error")
	}
}
