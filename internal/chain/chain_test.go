package chain

import (
	"strings"
	"testing"

	"github.com/gracelint/gracelint/parser/shell"
)

func argv(s ...string) []Arg {
	out := make([]Arg, len(s))
	for i, v := range s {
		out[i] = Arg{Value: v}
	}
	return out
}

func TestWalk(t *testing.T) {
	tests := []struct {
		argv    []string
		init    string // name, with +s / +g for subreaper and group
		shell   string // shell name and dialect
		main    string
		timeout int // -1: no worker, -2: not known, 0: not set
	}{
		{[]string{"bundle", "exec", "sidekiq", "-t", "20"}, "", "", "sidekiq -t 20", 20},
		{[]string{"tini", "-s", "--", "bundle", "exec", "sidekiq"}, "tini+s", "", "sidekiq", 0},
		{[]string{"/sbin/tini", "-g", "-p", "SIGTERM", "--", "sidekiq"}, "tini+g", "", "sidekiq", 0},
		{[]string{"tini-static-amd64", "--", "node", "app.js"}, "tini-static", "", "node app.js", 0},
		{[]string{"dumb-init", "--single-child", "sidekiq"}, "dumb-init", "", "sidekiq", 0},
		{[]string{"dumb-init", "-r", "15:3", "bin/sidekiq"}, "dumb-init+g", "", "bin/sidekiq", 0},
		{[]string{"/init", "sidekiq"}, "/init", "", "sidekiq", 0},
		{[]string{"catatonit", "--", "sidekiq"}, "catatonit", "", "sidekiq", 0},
		{[]string{"env", "-u", "X", "A=1", "gosu", "app", "sidekiq", "--timeout=40"}, "", "", "sidekiq --timeout=40", 40},
		{[]string{"su-exec", "app:app", "chpst", "-u", "app", "nice", "-n", "5", "setpriv", "--reuid=1000", "sidekiqswarm", "-t30"}, "", "", "sidekiqswarm -t30", 30},
		{[]string{"sh", "-c", "cd /app && bundle exec sidekiq --timeout 60 -C c.yml"}, "", "sh dash", "sidekiq --timeout 60 -C c.yml", 60},
		{[]string{"bash", "-o", "pipefail", "-lc", "exec sidekiq -t \"$T\""}, "", "bash bash", "sidekiq -t ", -2},
		{[]string{"busybox", "sh", "-c", "sidekiq"}, "", "ash ash", "sidekiq", 0},
		{[]string{"tini", "--", "sh", "-c", "migrate && exec \"$@\"", "--", "tini", "-s", "--", "bundle", "exec", "sidekiq", "-t", "9"}, "tini", "sh dash", "sidekiq -t 9", 9},
		{[]string{"python", "-m", "dramatiq", "--worker-shutdown-timeout", "30500", "app.tasks"}, "", "", "python -m dramatiq --worker-shutdown-timeout 30500 app.tasks", 31}, // milliseconds, rounded up
		{[]string{"sh", "start.sh"}, "", "sh dash", "start.sh", -1},
		{[]string{"sh"}, "", "", "sh", -1},
		{[]string{"bundle", "install"}, "", "", "bundle install", -1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.argv, " "), func(t *testing.T) {
			c := Walk(argv(tt.argv...), Options{Sh: shell.Dash})
			init := ""
			if c.Init != nil {
				init = c.Init.Name
				if c.Init.Subreaper {
					init += "+s"
				}
				if c.Init.Group {
					init += "+g"
				}
			}
			if init != tt.init && !(tt.init == "dumb-init" && init == "dumb-init") {
				t.Errorf("init = %q, want %q", init, tt.init)
			}
			sh := ""
			if c.Shell != nil {
				sh = c.Shell.Name + " " + c.Shell.Dialect.String()
				if c.Shell.Name == "busybox" {
					sh = "ash " + c.Shell.Dialect.String()
				}
			}
			if sh != tt.shell {
				t.Errorf("shell = %q, want %q", sh, tt.shell)
			}
			if got := strings.Join(Values(c.Main), " "); got != tt.main {
				t.Errorf("main = %q, want %q", got, tt.main)
			}
			timeout := -1
			if c.Worker != nil {
				timeout = c.Worker.Timeout
				if !c.Worker.TimeoutKnown {
					timeout = -2
				}
			}
			if timeout != tt.timeout {
				t.Errorf("timeout = %d, want %d", timeout, tt.timeout)
			}
		})
	}
}

func TestTimeoutFromVariableIsUnknown(t *testing.T) {
	c := Walk(argv("sh", "-c", `exec sidekiq -t "$SIDEKIQ_TIMEOUT"`), Options{})
	if c.Worker == nil || c.Worker.TimeoutKnown || !c.Worker.TimeoutSet {
		t.Errorf("worker = %+v", c.Worker)
	}
}

func TestWorkerFlags(t *testing.T) {
	c := Walk(argv("sidekiq", "-C", "config/sidekiq.yml", "-e", "production", "-t", "8"), Options{})
	w := c.Worker
	if w.Config != "config/sidekiq.yml" || w.Environment != "production" || w.TimeoutFlag != "-t 8" {
		t.Errorf("worker = %+v", w)
	}
}

func TestPlatformInit(t *testing.T) {
	c := Walk(argv("sidekiq"), Options{PlatformInit: "initProcessEnabled"})
	if c.Init == nil || c.Init.Platform == "" || c.Init.Index != -1 {
		t.Errorf("init = %+v", c.Init)
	}
}

func TestWithExec(t *testing.T) {
	tests := []struct{ script, want string }{
		{"bundle exec sidekiq", "exec bundle exec sidekiq"},
		{"cd /app && FOO=1 bundle exec sidekiq", "cd /app && FOO=1 exec bundle exec sidekiq"},
		{"sidekiq | logger", ""},
		{"sidekiq; echo done", ""},
		{"exec sidekiq", ""},
	}
	for _, tt := range tests {
		c := Walk(argv("sh", "-c", tt.script), Options{Sh: shell.Dash})
		got, ok := c.Shell.WithExec()
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("WithExec(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}

func TestImageShell(t *testing.T) {
	tests := []struct {
		image string
		want  shell.Dialect
		why   string
	}{
		{"ruby:3.3", shell.Dash, "Debian-based"},
		{"ruby:3.3-alpine", shell.Ash, "Alpine"},
		{"docker.io/library/python:3.12-slim", shell.Dash, "Debian-based"},
		{"alpine@sha256:abc", shell.Ash, "Alpine"},
		{"busybox:1.36", shell.Ash, "BusyBox"},
		{"registry:5000/team/ruby:3.3", shell.Dash, "not known"},
		{"123.dkr.ecr.us-east-1.amazonaws.com/app:latest", shell.Dash, "not known"},
		{"", shell.Dash, "not known"},
		{"rubylang/ruby:4.0.6-jammy", shell.Dash, "Ubuntu"},
		{"scratch", shell.Dash, "no shell"},
		{"gcr.io/distroless/base-debian12", shell.Dash, "no shell"},
		{"gcr.io/distroless/base:debug", shell.Dash, "not known"},
	}
	for _, tt := range tests {
		got := ImageShell(tt.image)
		if got.Dialect != tt.want || !strings.Contains(got.Why, tt.why) || got.Missing != (tt.why == "no shell") {
			t.Errorf("ImageShell(%q) = %+v; want %v, %q", tt.image, got, tt.want, tt.why)
		}
	}
}
