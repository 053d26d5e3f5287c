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
	if img.Workdir() != "/app/releases" { // a relative WORKDIR goes on from the one before
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

// TestStageCopiesAndEnv follows COPY --from=<stage> and reads ENV as
// BuildKit expands it.
func TestStageCopiesAndEnv(t *testing.T) {
	src := `FROM ruby:3.4-slim AS base
ARG APP_ROOT=/rails
WORKDIR /app
WORKDIR $APP_ROOT

FROM base AS build
COPY . .
COPY docker/start.sh /usr/local/bin/

FROM base
COPY --from=build /rails /rails
COPY --from=build /usr/local/bin/start.sh /usr/local/bin/
COPY --from=ruby:3.4 /usr/local/bin/ruby /usr/local/bin/
ENV PATH="/rails/bin:${PATH}" RAILS_ENV=production GEMS=${GEM_HOME}/x
CMD ["start.sh"]
`
	f, errs := Parse("Dockerfile", []byte(src), Dockerfile)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	img := f.Targets[0].Image
	if wd := img.Workdir(); wd != "/rails" {
		t.Errorf("an absolute WORKDIR replaces the one before: %q", wd)
	}
	// Through COPY --from=build to the build context; every reading comes
	// back, and the right one must lead.
	for p, want := range map[string]string{
		"/rails/bin/docker-entrypoint": "bin/docker-entrypoint",
		"/usr/local/bin/start.sh":      "docker/start.sh",
	} {
		if got := img.ContextSources(p); len(got) == 0 || got[0] != want {
			t.Errorf("ContextSources(%q) = %q, want %q first", p, got, want)
		}
	}
	env := img.Env()
	if env["PATH"] != "/rails/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || env["RAILS_ENV"] != "production" {
		t.Errorf("env = %v", env)
	}
	if _, ok := env["APP_ROOT"]; ok {
		t.Errorf("an ARG is for the build, not the container: %v", env)
	}
	if _, ok := env["GEMS"]; ok {
		t.Errorf("a value built from a variable the Dockerfile does not set is not known: %v", env)
	}
	if got := img.ImagePaths("app")[0]; got != "/rails/bin/app" {
		t.Errorf("PATH lookup starts at %q", got)
	}
}

func TestCopiedNames(t *testing.T) {
	src := `FROM php:8.3-fpm
WORKDIR /etc/supervisor
COPY supervisor/app.conf conf.d/app.conf
COPY supervisor/worker.conf /etc/supervisor/conf.d
COPY supervisor/ /etc/supervisor/
COPY extra/*.conf conf.d/
COPY web.conf /etc/nginx/conf.d/
`
	f, errs := Parse("Dockerfile", []byte(src), Dockerfile)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ctx := map[string][]string{
		".":                 {"supervisor/", "extra/", "web.conf"},
		"supervisor":        {"app.conf", "worker.conf", "conf.d/", "supervisord.conf"},
		"supervisor/conf.d": {"queue.conf"},
		"extra":             {"a.conf", "b.ini"},
	}
	got := f.Targets[0].Image.CopiedNames("/etc/supervisor/conf.d", func(dir string) []string { return ctx[dir] })
	slices.Sort(got)
	// A file, a file into an existing directory, a directory's
	// subdirectory, and a wildcard; the nginx conf lands elsewhere.
	if want := []string{"a.conf", "app.conf", "queue.conf", "worker.conf"}; !slices.Equal(got, want) {
		t.Errorf("CopiedNames = %q, want %q", got, want)
	}
}
