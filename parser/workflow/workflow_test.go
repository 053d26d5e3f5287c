package workflow

import (
	"os"
	"slices"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestParse(t *testing.T) {
	src := `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: ./app
    steps:
      - uses: actions/checkout@v4
      - name: Build
        working-directory: ./flare
        run: |
          docker buildx build \
            --platform linux/amd64 \
            -f Dockerfile.prod \
            -t belendia/flare:${GITHUB_SHA::7} \
            -t belendia/flare:latest .
      - run: docker build -t "$IMAGE" .
      - run: docker build --tag=ghcr.io/acme/worker:1 --target worker -f docker/Dockerfile.worker ..
      - uses: docker/build-push-action@v6
        with:
          context: ./web
          file: ./web/Dockerfile.web
          target: prod
          tags: |
            ghcr.io/acme/web:latest
            ghcr.io/acme/web:${{ github.sha }}
      - uses: docker/build-push-action@v6
        with:
          tags: ${{ steps.meta.outputs.tags }}
`
	got, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Build{
		{"belendia/flare", "flare/Dockerfile.prod", "flare", ""},
		{"belendia/flare", "flare/Dockerfile.prod", "flare", ""},
		{"ghcr.io/acme/worker", "app/docker/Dockerfile.worker", ".", "worker"},
		{"ghcr.io/acme/web", "web/Dockerfile.web", "web", "prod"},
		{"ghcr.io/acme/web", "web/Dockerfile.web", "web", "prod"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestRepository(t *testing.T) {
	for in, want := range map[string]string{
		"app:v1": "app", "localhost:5000/app:v1": "localhost:5000/app", "ghcr.io/a/b@sha256:x": "ghcr.io/a/b",
		"Redis": "redis", "${{ env.IMAGE }}:x": "", "$REPO:1": "",
	} {
		if got := Repository(in); got != want {
			t.Errorf("Repository(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsWorkflow(t *testing.T) {
	for p, want := range map[string]bool{".github/workflows/ci.yml": true, "a/.github/workflows/x.yaml": true, ".github/ci.yml": false, "workflows/x.yml": false} {
		if IsWorkflow(p) != want {
			t.Errorf("IsWorkflow(%q) != %v", p, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	// YAML aliases that refer to themselves, and that expand to 10^9 values.
	f.Add([]byte("services: &s\n  w: *s\n"))
	f.Add([]byte("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\nservices: {w: {command: *a5}}\n"))
	for _, p := range []string{"../../.github/workflows/ci.yml", "../../.github/workflows/release.yml"} {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("jobs: {b: {steps: [{run: 'docker build -t a .'}]}}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		Parse(src)
	})
}
