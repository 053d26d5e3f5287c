package supervisord

import (
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const conf = `[supervisord]
nodaemon=true ; stay in front

[program:nginx]
command=/usr/sbin/nginx -g 'daemon off;'
autostart=true

[program:queue-worker]
Command = php /app/artisan queue:work
  --sleep=3  ; continued
stopasgroup=yes
stopsignal: quit
stopwaitsecs=90
stopwaitsecs=120

[include]
files = conf.d/*.conf
  /etc/extra/*.ini
`

func TestParse(t *testing.T) {
	f := Parse([]byte(conf))
	progs := f.Programs()
	if len(progs) != 2 {
		t.Fatalf("programs = %d, want 2", len(progs))
	}
	nginx, worker := progs[0], progs[1]
	if nginx.Name != "nginx" || nginx.Command.Value != "/usr/sbin/nginx -g 'daemon off;'" {
		t.Errorf("nginx = %q %q: a ';' not after whitespace is not a comment", nginx.Name, nginx.Command.Value)
	}
	if nginx.StopWaitSecs != nil || nginx.StopSignal != nil {
		t.Errorf("nginx has stop options it does not set")
	}
	if worker.Command.Value != "php /app/artisan queue:work\n--sleep=3" {
		t.Errorf("worker command = %q", worker.Command.Value)
	}
	if got := conf[worker.Command.Start:worker.Command.End]; got != "php /app/artisan queue:work" {
		t.Errorf("command span = %q", got)
	}
	if !worker.StopAsGroup {
		t.Error("stopasgroup=yes not read")
	}
	if sig, ok := Signal(worker.StopSignal.Value); !ok || sig != "SIGQUIT" {
		t.Errorf("stopsignal = %q %v", sig, ok)
	}
	if n, ok := Seconds(worker.StopWaitSecs.Value); !ok || n != 120 {
		t.Errorf("stopwaitsecs = %d %v, want the last one written, 120", n, ok)
	}
	if got := conf[worker.StopWaitSecs.Start:worker.StopWaitSecs.End]; got != "120" {
		t.Errorf("stopwaitsecs span = %q", got)
	}
	if got := strings.Join(f.Includes(), " "); got != "conf.d/*.conf /etc/extra/*.ini" {
		t.Errorf("includes = %q", got)
	}
	if s := f.Section("supervisord"); conf[s.Start:s.End] != "[supervisord]" || s.Get("nodaemon").Value != "true" {
		t.Errorf("supervisord section = %+v", s)
	}
}

func TestSignal(t *testing.T) {
	for in, want := range map[string]string{"TERM": "SIGTERM", "sigint": "SIGINT", " QUIT ": "SIGQUIT", "15": "", "": "", "TERM KILL": ""} {
		got, ok := Signal(in)
		if got != want || ok != (want != "") {
			t.Errorf("Signal(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

func TestExpand(t *testing.T) {
	vars := func(name string) (string, bool) {
		v, ok := map[string]string{"ENV_HOME": "/var/www", "program_name": "worker", "process_num": "3"}[name]
		return v, ok
	}
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"php %(ENV_HOME)s/artisan", "php /var/www/artisan", true},
		{"%(program_name)s_%(process_num)02d", "worker_03", true},
		{"100%%", "100%", true},
		{"%(ENV_UNSET)s", "", false},
		{"%(program_name)", "", false},
		{"50% off", "", false},
	} {
		got, ok := Expand(c.in, vars)
		if got != c.want || ok != c.ok {
			t.Errorf("Expand(%q) = %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(conf))
	f.Add([]byte("[program:x]\ncommand=%(ENV_X)s\n\tmore\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		file := Parse(src)
		for _, s := range file.Sections {
			if s.Start < 0 || s.End > len(src) || s.Start > s.End {
				t.Fatalf("section %q span %d-%d out of the file", s.Name, s.Start, s.End)
			}
			for _, o := range s.Options {
				if o.Start < 0 || o.End > len(src) || o.Start > o.End || !strings.HasPrefix(o.Value, string(src[o.Start:o.End])) {
					t.Fatalf("option %q span %d-%d does not hold its value %q", o.Key, o.Start, o.End, o.Value)
				}
			}
		}
		for _, p := range file.Programs() {
			if p.Command != nil {
				Expand(p.Command.Value, func(string) (string, bool) { return "1", true })
			}
		}
	})
}
