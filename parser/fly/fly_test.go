package fly

import (
	"errors"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const flyToml = `app = 'shop'
kill_signal = "SIGTERM"
kill_timeout = '2m'

[build]
build-target = 'prod'

[env]
RAILS_ENV = "production"

[processes]
web = "bundle exec puma"
worker = "bundle exec sidekiq -q 'default critical'"

[experimental]
entrypoint = ["/app/bin/docker-entrypoint"]
`

func TestParse(t *testing.T) {
	c, err := Parse([]byte(flyToml))
	if err != nil {
		t.Fatal(err)
	}
	if c.KillSignal.Str != "SIGTERM" || flyToml[c.KillSignal.Start:c.KillSignal.End] != `"SIGTERM"` {
		t.Errorf("kill_signal = %+v", c.KillSignal)
	}
	if s, ok := c.KillTimeout.Seconds(); !ok || s != 120 {
		t.Errorf("kill_timeout = %d %v, want 120", s, ok)
	}
	if c.BuildTarget.Str != "prod" || c.Env["RAILS_ENV"] != "production" {
		t.Errorf("build target %q, env %v", c.BuildTarget.Str, c.Env)
	}
	if len(c.Processes) != 2 || c.Processes[1].Name != "worker" || flyToml[c.Processes[1].KeyStart:c.Processes[1].KeyEnd] != "worker" {
		t.Fatalf("processes = %+v", c.Processes)
	}
	if w, ok := c.Processes[1].Command.Words(); !ok || strings.Join(w, "|") != "bundle|exec|sidekiq|-q|default critical" {
		t.Errorf("worker words = %q", w)
	}
	if w, ok := c.Entrypoint.Words(); !ok || len(w) != 1 || w[0] != "/app/bin/docker-entrypoint" {
		t.Errorf("entrypoint = %q", w)
	}
	if got := flyToml[:c.TopEnd]; !strings.HasSuffix(got, "kill_timeout = '2m'") {
		t.Errorf("top-level keys end at %q", got)
	}
}

func TestPerformanceCPUs(t *testing.T) {
	for src, want := range map[string]bool{
		"[[vm]]\ncpu_kind = 'shared'\n":                                   false,
		"[[vm]]\ncpu_kind = 'shared'\n[[vm]]\ncpu_kind = 'performance'\n": true,
		"app = 'x'\n": false,
	} {
		c, err := Parse([]byte(src))
		if err != nil || c.Performance != want {
			t.Errorf("%q: performance = %v, %v", src, c.Performance, err)
		}
	}
}

func TestSeconds(t *testing.T) {
	for src, want := range map[string]int{"kill_timeout = 30": 30, "kill_timeout = '45s'": 45, "kill_timeout = 1_000": 1000, "kill_timeout = 'soon'": -1, "kill_timeout = -5": -1} {
		c, err := Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := c.KillTimeout.Seconds()
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("%s: %d, want %d", src, got, want)
		}
	}
}

func TestParseError(t *testing.T) {
	_, err := Parse([]byte("app = 'x'\nkill_timeout = \n"))
	var e *Error
	if !errors.As(err, &e) || e.Offset == 0 {
		t.Errorf("error = %v, want one with an offset", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(flyToml))
	f.Add([]byte("[processes]\nweb = ['a', 'b']\n[[vm]]\nprocesses = ['web']\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		c, err := Parse(src)
		if err != nil {
			return
		}
		for _, v := range []*Value{c.KillSignal, c.KillTimeout, c.Cmd} {
			if v != nil && !v.IsArray && (v.Start < 0 || v.End > len(src) || v.Start > v.End) {
				t.Fatalf("value %+v out of the file", v)
			}
			v.Seconds()
		}
		for _, p := range c.Processes {
			if p.KeyStart < 0 || p.KeyEnd > len(src) || p.KeyStart > p.KeyEnd {
				t.Fatalf("process %q key out of the file", p.Name)
			}
		}
		if c.TopEnd > len(src) {
			t.Fatalf("TopEnd %d past the file", c.TopEnd)
		}
	})
}
