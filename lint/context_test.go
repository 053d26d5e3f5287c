package lint

import (
	"slices"
	"testing"
)

func TestContextSources(t *testing.T) {
	src := `FROM ruby:3.3 AS base
WORKDIR /app
COPY Gemfile Gemfile.lock ./
COPY docker/entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY bin/ ./bin/
COPY --from=builder /out/tool /usr/bin/tool
ADD scripts/*.sh /scripts/

FROM base
WORKDIR releases
COPY . .
`
	f, errs := Parse("Dockerfile", []byte(src), Dockerfile)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	img := f.Targets[0].Image
	if img.Workdir() != "/app/releases" {
		t.Errorf("workdir %q", img.Workdir())
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/usr/local/bin/docker-entrypoint.sh", []string{"docker/entrypoint.sh"}},
		{"/app/bin/start", []string{"bin/start"}},
		{"/app/releases/bin/start", []string{"bin/start"}},
		{"/scripts/run.sh", []string{"scripts/run.sh"}},
		{"/usr/bin/tool", nil},
		{"/app/Gemfile", []string{"Gemfile"}},
	}
	// Every reading comes back, latest COPY first; the right one must lead.
	for _, tt := range tests {
		got := img.ContextSources(tt.path)
		if len(tt.want) == 0 && len(got) > 0 || len(tt.want) > 0 && (len(got) == 0 || got[0] != tt.want[0]) {
			t.Errorf("ContextSources(%s) = %q, want %q first", tt.path, got, tt.want)
		}
	}
	if got := img.ImagePaths("bin/start"); !slices.Equal(got, []string{"/app/releases/bin/start"}) {
		t.Errorf("ImagePaths = %q", got)
	}
}
