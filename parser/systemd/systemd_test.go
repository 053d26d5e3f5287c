package systemd

import (
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const unit = `[Unit]
Description=sidekiq

[Service]
Type=notify
WorkingDirectory=/opt/app
# a comment
ExecStart=/usr/local/bin/bundle exec sidekiq \
  -e production -t 60
Environment=MALLOC_ARENA_MAX=2
TimeoutStopSec=1min 30s
KillSignal=SIGTERM

[Install]
WantedBy=multi-user.target
`

func TestParse(t *testing.T) {
	u := Parse([]byte(unit))
	exec := u.Get("Service", "ExecStart")
	if exec == nil || exec.Value != "/usr/local/bin/bundle exec sidekiq -e production -t 60" {
		t.Fatalf("ExecStart = %+v", exec)
	}
	if words, ok := Command(exec.Value); !ok || strings.Join(words, " ") != exec.Value {
		t.Errorf("words = %q", words)
	}
	ts := u.Get("Service", "TimeoutStopSec")
	if n, ok := Seconds(ts.Value); !ok || n != 90 || unit[ts.Start:ts.End] != "1min 30s" {
		t.Errorf("TimeoutStopSec = %d %v (%q)", n, ok, unit[ts.Start:ts.End])
	}
	if !strings.HasSuffix(unit[:u.ServiceEnd], "[Service]") {
		t.Errorf("ServiceEnd = %d", u.ServiceEnd)
	}
	if u.Get("Install", "WantedBy") == nil || u.Get("Service", "WantedBy") != nil {
		t.Error("sections are kept apart")
	}
}

func TestSeconds(t *testing.T) {
	for in, want := range map[string]int{"90": 90, "90s": 90, "2min": 120, "1h 1s": 3601, "500ms": 1, "infinity": -1, "": -1, "5x": -1} {
		got, ok := Seconds(in)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("Seconds(%q) = %d, want %d", in, got, want)
		}
	}
	if w, ok := Command("-@/bin/sh -c 'exec sidekiq'"); !ok || len(w) != 3 || w[2] != "exec sidekiq" {
		t.Errorf("Command = %q", w)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(unit))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		u := Parse(src)
		for _, s := range u.Settings {
			if s.Start < 0 || s.End > len(src) || s.Start > s.End {
				t.Fatalf("setting %q out of the file", s.Key)
			}
			Seconds(s.Value)
			Command(s.Value)
		}
		if u.ServiceEnd > len(src) {
			t.Fatalf("ServiceEnd %d past the file", u.ServiceEnd)
		}
	})
}
