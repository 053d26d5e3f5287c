package lint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

func TestKindFromName(t *testing.T) {
	for name, want := range map[string]lint.Kind{
		"Dockerfile": lint.Dockerfile, "dockerfile": lint.Dockerfile, "Containerfile": lint.Dockerfile,
		"Dockerfile.worker": lint.Dockerfile, "worker.Dockerfile": lint.Dockerfile, "a/b/x.dockerfile": lint.Dockerfile,
		"Containerfile.dev": lint.Dockerfile, "task.json": lint.Unknown, "Dockerfiles": lint.Unknown, "README": lint.Unknown,
		"Dockerfile-worker": lint.Dockerfile, "Dockerfile_prod": lint.Dockerfile, "worker-Dockerfile": lint.Dockerfile,
		"worker_Dockerfile": lint.Dockerfile, "Dockerfile.prod": lint.Dockerfile, "fastapi_Dockerfile": lint.Dockerfile,
		"Containerfile-dev": lint.Dockerfile, "dev_containerfile": lint.Dockerfile,
		"mydockerfile": lint.Unknown, "Dockerfilex": lint.Unknown, "dockerfiles.yml": lint.Unknown,
		// Named on the command line, a name like a Dockerfile's keeps its kind.
		"config/dockerfile.yml": lint.Dockerfile, "Dockerfile.dockerignore": lint.Dockerfile, "dockerfile.go": lint.Dockerfile,
		// ... unless it is a Compose file's name.
		"dockerfile.compose.yml": lint.Compose,
	} {
		if got := lint.KindFromName(name); got != want {
			t.Errorf("KindFromName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestKindInWalk(t *testing.T) {
	for name, want := range map[string]lint.Kind{
		"Dockerfile": lint.Dockerfile, "Dockerfile.prod": lint.Dockerfile, "Dockerfile-worker": lint.Dockerfile,
		"Dockerfile_prod": lint.Dockerfile, "worker-Dockerfile": lint.Dockerfile, "worker_Dockerfile": lint.Dockerfile,
		"worker.Dockerfile": lint.Dockerfile, "Dockerfile.java": lint.Dockerfile, "Dockerfile.template": lint.Dockerfile,
		"config/dockerfile.yml": lint.Unknown, "dockerfile.yaml": lint.Unknown, "Dockerfile.json": lint.Unknown,
		"dockerfile.go": lint.Unknown, "dockerfile_test.go": lint.Unknown, "Dockerfile.md": lint.Unknown,
		"Dockerfile.dockerignore": lint.Unknown, "Dockerfile.txt": lint.Unknown, "dockerfile.sh": lint.Unknown,
		"dockerfile.rb": lint.Unknown, "dockerfile.py": lint.Unknown, "dockerfile.js": lint.Unknown,
		"dockerfile.ts": lint.Unknown, "Dockerfile.toml": lint.Unknown, "Dockerfile.erb": lint.Unknown,
		"Dockerfile.tpl": lint.Unknown, "Dockerfile.j2": lint.Unknown, "DOCKERFILE.YML": lint.Unknown,
		"docker-compose.yml": lint.Compose, "dockerfile.compose.yml": lint.Compose, "README": lint.Unknown,
	} {
		if got := lint.KindInWalk(name); got != want {
			t.Errorf("KindInWalk(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, src string
		want      lint.Kind
	}{
		{"worker", "FROM ruby\nCMD x\n", lint.Dockerfile},
		{"stdin", `{"containerDefinitions": []}`, lint.TaskDef},
		{"stdin", "\xef\xbb\xbf  {\"a\": 1}", lint.TaskDef},
		{"notes", "hello world\n", lint.Unknown},
		{"Dockerfile", "{}", lint.Dockerfile},
		{"deploy.json", `{"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": {"containers": []}}}}`, lint.Kubernetes},
		{"stdin", `{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": []}}`, lint.Kubernetes},
		{"deploy.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n", lint.Kubernetes},
		{"charts/app/templates/_helpers.tpl", "{{/* name */}}\n{{- define \"app.name\" -}}\n\"image\": {{ .Values.image }}\n{{- end }}\n", lint.Kubernetes},
		{"task.json.tpl", `{"containerDefinitions": [{"name": "w", "image": "{{ .image }}"}]}`, lint.TaskDef},
		{"worker.json.tftpl", `[{"name": "w", "image": "${image}", "stopTimeout": ${stop}}]`, lint.TaskDef},
		{"compose.production.yml", "services:\n  web:\n    image: app\n", lint.Compose},
		{"docker/docker-compose-prod.yaml", "services:\n  web:\n    build: .\n", lint.Compose},
		{"values.yaml", "replicaCount: 1\nservices:\n  web:\n    image:\n      repository: app\n", lint.Unknown},
		{"config.yml", "services:\n  web:\n    url: http://x\n", lint.Unknown},
	}
	for _, tt := range tests {
		if got := lint.Detect(tt.name, []byte(tt.src)); got != tt.want {
			t.Errorf("Detect(%q, %.20q) = %v, want %v", tt.name, tt.src, got, tt.want)
		}
	}
}

func TestBOMKeepsPositions(t *testing.T) {
	src := "\xef\xbb\xbf{\"containerDefinitions\": [{\"name\": \"w\", \"command\": [\"sh\", \"-c\", \"sidekiq\"]}]}"
	fs, errs := lint.Run(rules.All(), "td.json", []byte(src), lint.TaskDef)
	if len(errs) > 0 || len(fs) == 0 {
		t.Fatalf("findings %v, errors %v", fs, errs)
	}
	if got := src[fs[0].Span.Start.Offset:fs[0].Span.End.Offset]; got != `["sh", "-c", "sidekiq"]` {
		t.Errorf("span = %q", got)
	}
}

func TestInputErrors(t *testing.T) {
	tests := []struct {
		name, src string
		kind      lint.Kind
		want      string
	}{
		{"td.json", "{\n  \"containerDefinitions\": [\n", lint.TaskDef, "td.json:3:1: invalid JSON: unexpected end of JSON input"},
		{"td.json", `{"containerDefinitions": [{"stopTimeout": "30"}]}`, lint.TaskDef, "td.json:1:43: containerDefinitions[0].stopTimeout must be an integer, not string"},
		{"td.json", `[]`, lint.TaskDef, "td.json:1:1: not an ECS task definition"},
		{"Dockerfile", "FROM x\nNOPE y\n", lint.Dockerfile, "Dockerfile:2:1: unknown instruction: NOPE"},
		{"Dockerfile", "", lint.Dockerfile, "Dockerfile:1:1: file with no instructions"},
		{"x", "x", lint.Unknown, "x: " + lint.NotReadable},
	}
	for _, tt := range tests {
		_, errs := lint.Run(rules.All(), tt.name, []byte(tt.src), tt.kind)
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tt.want) {
			t.Errorf("Run(%.30q) errors = %v, want %q", tt.src, errs, tt.want)
		}
	}
}

// seeds returns the fixtures and the shared real-world corpus.
func seeds(tb testing.TB) [][]byte {
	var out [][]byte
	for _, pattern := range []string{"../fixtures/*/*", "../../shared/corpus/dockerfiles/*", "../../shared/corpus/taskdefs/*", "../../shared/corpus/cloudformation/*", "../../shared/corpus/compose/*"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil {
				out = append(out, b)
			}
		}
	}
	return out
}

// fuzzKinds are the kinds the fuzzers read every input as.
var fuzzKinds = []lint.Kind{lint.Dockerfile, lint.TaskDef, lint.CloudFormation, lint.Compose, lint.Kubernetes}

// FuzzLint lints any input as every kind: it must never panic, and every
// finding must point inside the input.
func FuzzLint(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	all := rules.All()
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		for _, kind := range fuzzKinds {
			fs, _ := lint.Run(all, "input", src, kind)
			for _, fd := range fs {
				if fd.Span.Start.Offset < 0 || fd.Span.End.Offset > len(src) || fd.Span.Start.Offset > fd.Span.End.Offset {
					t.Fatalf("%s span %+v outside the input", fd.Rule.ID, fd.Span)
				}
				if fd.Message == "" {
					t.Fatalf("%s has no message", fd.Rule.ID)
				}
			}
		}
	})
}

// FuzzFixAll applies every fix to any input: the result must parse (FixAll
// checks each round) and a second pass must find nothing left to apply.
func FuzzFixAll(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	all := rules.All()
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		for _, kind := range fuzzKinds {
			res, errs, err := lint.FixAll(all, "input", src, kind, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) > 0 || res.Applied == 0 {
				continue
			}
			again, _, err := lint.FixAll(all, "input", res.Src, kind, true)
			if err != nil || again.Applied != 0 {
				t.Fatalf("not stable after fixing (%v):\n%q\n->\n%q", err, res.Src, again.Src)
			}
		}
	})
}
