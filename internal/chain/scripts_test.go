package chain

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
)

// scripts is an image holding script files by the name a command uses.
func scripts(files map[string]string) func(string) (*ScriptFile, bool) {
	return func(name string) (*ScriptFile, bool) {
		src, ok := files[name]
		if !ok {
			return nil, false
		}
		return &ScriptFile{Name: strings.TrimPrefix(name, "./"), Src: []byte(src)}, true
	}
}

func TestFollowScripts(t *testing.T) {
	files := map[string]string{
		"docker-entrypoint":     "#!/bin/bash\nset -e\nbin/rails db:prepare\nexec \"$@\"\n",
		"./start.sh":            "#!/bin/sh\nwait-for-it db:5432 -- celery -A app worker\n",
		"./setup_db":            "#!/bin/sh\nbundle exec rake db:migrate\n",
		"./run":                 "#!/bin/sh\n./setup_db\nbundle exec puma -C config/puma.rb\n",
		"./web.sh":              "#!/bin/sh\nnginx\ngunicorn app.wsgi\n",
		"./bg.sh":               "#!/bin/sh\nsleep 10 && celery -A app control shutdown &\nexec celery -A app worker\n",
		"./case-stays.sh":       "#!/bin/sh\ncase \"$1\" in\n  web) exec puma ;;\n  *) bundle exec sidekiq ;;\nesac\n",
		"./case.sh":             "#!/bin/sh\ncase \"$1\" in\n  web) exec puma ;;\n  *) exec sidekiq ;;\nesac\n",
		"./consume.sh":          "#!/bin/bash\nuv run consumer.py\n",
		"./traps.sh":            "#!/bin/sh\ntrap 'kill -TERM $pid' TERM\nsidekiq &\npid=$!\nwait $pid\nwait $pid\n",
		"./traps-once.sh":       "#!/bin/sh\ntrap 'kill -TERM $pid' TERM\nsidekiq &\npid=$!\nwait $pid\n",
		"./loop-a.sh":           "#!/bin/sh\nexec ./loop-b.sh\n",
		"./loop-b.sh":           "#!/bin/sh\nexec ./loop-a.sh\n",
		"sidekiq-entrypoint.sh": "#!/bin/sh\nexec bundle exec sidekiq\n",
	}
	tests := []struct {
		argv      []string
		imageMain bool
		scripts   string // each script: name, then "stays" or "execs"
		main      string
		worker    string
	}{
		{[]string{"docker-entrypoint", "bundle", "exec", "sidekiq", "-t", "40"}, false, "docker-entrypoint execs", "sidekiq -t 40", "sidekiq"},
		{[]string{"tini", "--", "docker-entrypoint", "sh", "-c", "bundle exec sidekiq"}, false, "docker-entrypoint execs", "sidekiq", "sidekiq"},
		{[]string{"./start.sh"}, false, "start.sh stays", "celery -A app worker", "celery"},
		{[]string{"sh", "start.sh"}, false, "start.sh stays", "celery -A app worker", "celery"},
		{[]string{"./run"}, false, "run stays", "puma -C config/puma.rb", "puma"},
		{[]string{"./web.sh"}, false, "web.sh stays", "gunicorn app.wsgi", "gunicorn"},
		{[]string{"./bg.sh"}, false, "bg.sh execs", "celery -A app worker", "celery"},
		{[]string{"./case.sh", "web"}, false, "case.sh execs", "", ""}, // two arms, two paths: the walk stops
		{[]string{"./case-stays.sh", "worker"}, false, "case-stays.sh execs", "", ""},
		{[]string{"uv", "run", "bash", "consume.sh"}, false, "consume.sh", "", ""},
		{[]string{"uv", "run", "bash", "consume.sh"}, true, "consume.sh stays", "consumer.py", ""},
		{[]string{"./traps.sh"}, false, "traps.sh forwards", "sidekiq", "sidekiq"},
		{[]string{"./traps-once.sh"}, false, "traps-once.sh stays", "sidekiq", "sidekiq"}, // one wait ends with the trap: the worker dies with PID 1
		{[]string{"./loop-a.sh"}, false, "loop-a.sh", "", ""},                             // scripts that exec each other start nothing known
		{[]string{"sidekiq-entrypoint.sh", "sidekiq"}, false, "sidekiq-entrypoint.sh execs", "sidekiq", "sidekiq"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.argv, " "), func(t *testing.T) {
			c := Walk(argv(tt.argv...), Options{Script: scripts(files), ImageMain: tt.imageMain})
			var got []string
			for _, s := range c.Scripts {
				verdict := ""
				switch {
				case s.Forwards:
					verdict = " forwards"
				case s.Stays(s.Result) && s.Starts:
					verdict = " stays"
				case s.Starts:
					verdict = " execs"
				}
				got = append(got, s.File.Name+verdict)
			}
			if g := strings.Join(got, " "); g != tt.scripts {
				t.Errorf("scripts = %q, want %q", g, tt.scripts)
			}
			if g := strings.Join(Values(c.Main), " "); g != tt.main {
				t.Errorf("main = %q, want %q", g, tt.main)
			}
			w := ""
			if c.Worker != nil {
				w = c.Worker.Name
			}
			if w != tt.worker {
				t.Errorf("worker = %q, want %q", w, tt.worker)
			}
		})
	}
}

func TestForwardingWrapperIsAnInit(t *testing.T) {
	c := Walk(argv("uv", "run", "celery", "-A", "app", "worker"), Options{})
	if c.Init == nil || !c.Init.Forwarder || c.Init.Name != "uv run" || c.Worker == nil || c.Worker.Name != "celery" {
		t.Errorf("init = %+v, worker = %+v", c.Init, c.Worker)
	}
}

func TestFollowProcfile(t *testing.T) {
	files := map[string]string{
		"Procfile":      "web: bundle exec puma\nworker: FOO=1 bundle exec sidekiq -t 20\nagain: foreman start -f Procfile\n",
		"Procfile.loop": "me: foreman start -f Procfile.loop\n",
	}
	file := func(name string) (*ScriptFile, bool) {
		src, ok := files[name]
		return &ScriptFile{Name: name, Src: []byte(src)}, ok
	}
	c := Walk(argv("foreman", "start"), Options{File: file})
	if c.Managed == nil || len(c.Managed.Processes) != 3 {
		t.Fatalf("procfile = %+v", c.Managed)
	}
	var got []string
	for _, p := range c.Managed.Processes {
		w := ""
		if p.Chain.Worker != nil {
			w = p.Chain.Worker.Name
		}
		shell := ""
		if p.Chain.Shell != nil {
			shell = " under " + p.Chain.Shell.Name
		}
		got = append(got, p.Name+"="+w+shell)
	}
	// A leading VAR= word is shell syntax: Ruby's spawn runs it under
	// /bin/sh -c.
	if want := "web=puma worker=sidekiq under /bin/sh again=foreman"; strings.Join(got, " ") != want {
		t.Errorf("processes = %q, want %q", strings.Join(got, " "), want)
	}
	// A Procfile that starts its own manager again is read twice at most.
	c = Walk(argv("foreman", "start", "-f", "Procfile.loop"), Options{File: file})
	if c.Managed == nil || c.Managed.Processes[0].Chain.Managed == nil || c.Managed.Processes[0].Chain.Managed.Processes[0].Chain.Managed != nil {
		t.Errorf("a self-starting Procfile must stop after two managers")
	}
}

func TestFollowSupervisord(t *testing.T) {
	files := map[string]string{
		"/etc/supervisord.conf":      "[supervisord]\nnodaemon=true\n[include]\nfiles = %(here)s/conf.d/*.conf extra/*.ini\n",
		"/etc/conf.d/a.conf":         "[program:worker]\ncommand=bundle exec sidekiq -t %(ENV_TIMEOUT)s\nstopsignal=TERM\nstopwaitsecs=20\n",
		"/etc/conf.d/b.conf":         "[program:web]\ncommand=/usr/sbin/nginx -g 'daemon off;'\nstopsignal=quit\n[program:late]\ncommand=%(ENV_UNSET)s\n",
		"/etc/extra/c.ini":           "[program:jobs]\ncommand=php artisan queue:work\n",
		"/etc/supervisor/conf.d/app": "[program:app]\ncommand=gunicorn app:app\n",
	}
	file, glob := image(files)
	env := func() map[string]string { return map[string]string{"TIMEOUT": "15"} }
	describe := func(c *Chain) string {
		if c.Managed == nil {
			return "none"
		}
		var got []string
		for _, p := range c.Managed.Processes {
			w := "?"
			if p.Chain.Worker != nil {
				w = p.Chain.Worker.Name
				if p.Chain.Worker.TimeoutSet {
					w += fmt.Sprintf("(%d)", p.Chain.Worker.Timeout)
				}
			}
			got = append(got, fmt.Sprintf("%s=%s %s %d", p.Name, w, p.Signal, p.Wait.Seconds))
		}
		return strings.Join(got, ", ")
	}
	c := Walk(argv("supervisord", "-n", "-c", "/etc/supervisord.conf"), Options{File: file, Glob: glob, Env: env})
	// A program whose command needs a variable nobody sets is left out;
	// includes are relative to the including file.
	if got, want := describe(c), "worker=sidekiq(15) SIGTERM 20, web=nginx SIGQUIT 10, jobs=queue:work SIGTERM 10"; got != want {
		t.Errorf("processes = %q, want %q", got, want)
	}
	// Without -c supervisord searches its paths: /etc/supervisord.conf is
	// the first the image holds.
	if got := describe(Walk(argv("supervisord"), Options{File: file, Glob: glob, Env: env})); !strings.HasPrefix(got, "worker=") {
		t.Errorf("search paths: processes = %q", got)
	}
	// Debian's package config, which the build context does not hold,
	// includes conf.d/*.conf; "app" does not match it.
	if got := describe(Walk(argv("supervisord", "-c", "/etc/supervisor/supervisord.conf"), Options{File: file, Glob: glob})); got != "none" {
		t.Errorf("packaged config: processes = %q, want none", got)
	}
	files["/etc/supervisor/conf.d/app.conf"] = files["/etc/supervisor/conf.d/app"]
	if got := describe(Walk(argv("supervisord", "-c", "/etc/supervisor/supervisord.conf"), Options{File: file, Glob: glob})); got != "app=gunicorn SIGTERM 10" {
		t.Errorf("packaged config: processes = %q", got)
	}
}

func TestOvermindSettings(t *testing.T) {
	files := map[string]string{"Procfile.prod": "web: gunicorn app:app\nworker: celery -A app worker\n"}
	file := func(name string) (*ScriptFile, bool) {
		src, ok := files[name]
		return &ScriptFile{Name: name, Src: []byte(src)}, ok
	}
	env := func() map[string]string {
		return map[string]string{"OVERMIND_PROCFILE": "Procfile.prod", "OVERMIND_TIMEOUT": "30"}
	}
	c := Walk(argv("overmind", "start", "-i", "web=TERM"), Options{File: file, Env: env})
	if c.Managed == nil || len(c.Managed.Processes) != 2 {
		t.Fatalf("managed = %+v: OVERMIND_PROCFILE names the Procfile", c.Managed)
	}
	web, worker := c.Managed.Processes[0], c.Managed.Processes[1]
	if web.Signal != "SIGTERM" || !web.SignalSet || worker.Signal != "SIGINT" || worker.SignalSet || !worker.Group {
		t.Errorf("signals: web %s %v, worker %s %v", web.Signal, web.SignalSet, worker.Signal, worker.SignalSet)
	}
	if w := worker.Wait; w.Seconds != 30 || !w.Set || w.Written != "OVERMIND_TIMEOUT=30" {
		t.Errorf("wait = %+v", w)
	}
	// Signals the file cannot show are not guessed.
	c = Walk([]Arg{{Value: "overmind"}, {Value: "s"}, {Value: "-f"}, {Value: "Procfile.prod"}, {Value: "-i"}, {Expanded: true}}, Options{File: file})
	if s := c.Managed.Processes[0].Signal; s != "" {
		t.Errorf("signal from an expanded -i = %q", s)
	}
}

func TestFollowS6Services(t *testing.T) {
	files := map[string]string{
		"/etc/s6-overlay/s6-rc.d/svc-sidekiq/run":          "#!/command/with-contenv bash\nexec s6-setuidgid app bundle exec sidekiq -t 20\n",
		"/etc/s6-overlay/s6-rc.d/svc-sidekiq/timeout-down": "40000\n",
		"/etc/s6-overlay/s6-rc.d/svc-web/run":              "#!/bin/sh\nexec puma\n",
		"/etc/services.d/legacy/run":                       "#!/bin/sh\nexec bundle exec sidekiq\n",
	}
	file, glob := image(files)
	env := func() map[string]string { return map[string]string{"S6_KILL_GRACETIME": "5000"} }
	c := Walk(argv("/init", "rails", "server"), Options{File: file, Glob: glob, Script: file, Env: env})
	if c.Managed == nil || len(c.Managed.Processes) != 3 || c.Worker == nil || c.Worker.Name != "rails server" {
		t.Fatalf("managed = %+v, worker = %+v: /init runs the services and the command", c.Managed, c.Worker)
	}
	var got []string
	for _, p := range c.Managed.Processes {
		w := "?"
		if p.Chain.Worker != nil {
			w = p.Chain.Worker.Name
		}
		got = append(got, fmt.Sprintf("%s=%s %d %v", p.Name, w, p.Wait.Seconds, p.Wait.Unbounded))
	}
	// An s6-rc service waits its timeout-down, or without one as long as
	// it takes; a services.d one S6_SERVICES_GRACETIME (3 s), then the last
	// stage's S6_KILL_GRACETIME.
	if want := "svc-sidekiq=sidekiq 40 false, svc-web=puma 0 true, legacy=sidekiq 8 false"; strings.Join(got, ", ") != want {
		t.Errorf("services = %q, want %q", strings.Join(got, ", "), want)
	}
}

// image is an image holding files by absolute path: its File and Glob
// options.
func image(files map[string]string) (func(string) (*ScriptFile, bool), func(string) []*ScriptFile) {
	file := func(name string) (*ScriptFile, bool) {
		src, ok := files[name]
		return &ScriptFile{Name: strings.TrimPrefix(name, "/"), Src: []byte(src), Path: name}, ok
	}
	glob := func(pattern string) []*ScriptFile {
		var out []*ScriptFile
		for name := range files {
			if ok, _ := path.Match(pattern, name); ok {
				f, _ := file(name)
				out = append(out, f)
			}
		}
		slices.SortFunc(out, func(a, b *ScriptFile) int { return strings.Compare(a.Path, b.Path) })
		return out
	}
	return file, glob
}
