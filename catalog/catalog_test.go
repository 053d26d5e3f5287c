package catalog

import "testing"

func TestLookup(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want string // "" for none
		args int
	}{
		{[]string{"sidekiq", "-t", "20"}, "sidekiq", 1},
		{[]string{"/usr/local/bin/sidekiq"}, "sidekiq", 1},
		{[]string{"celery", "-A", "app", "worker"}, "celery", 1},
		{[]string{"celery", "-A", "app", "beat"}, "celery beat", 1},
		{[]string{"python", "-m", "celery", "-A", "app", "worker"}, "celery", 3},
		{[]string{"python3", "-m", "uvicorn", "app:app"}, "uvicorn", 3},
		{[]string{"python3.12", "manage.py", "run_huey"}, "huey", 2},
		{[]string{"python", "manage.py", "migrate"}, "python", 1},
		{[]string{"php", "artisan", "queue:work", "--timeout=90"}, "queue:work", 2},
		{[]string{"bin/jobs"}, "solid_queue", 1},
		{[]string{"bin/rails", "server"}, "rails server", 1},
		{[]string{"bundle", "exec", "sidekiq"}, "bundle exec", 1},
		{[]string{"bundle", "install"}, "", 0},
		{[]string{"uv", "run", "x.py"}, "uv run", 1},
		{[]string{"tail", "-f", "/dev/null"}, "tail", 1},
		{[]string{"tail", "log"}, "", 0},
		{[]string{"php-fpm8.2"}, "php-fpm", 1},
		{[]string{"python", "app.py"}, "python", 1},
		{[]string{"python3.12", "-u", "worker.py"}, "python", 1},
		{nil, "", 0},
	} {
		p, args := Lookup(tt.argv)
		got := ""
		if p != nil {
			got = p.Name
		}
		if got != tt.want || args != tt.args {
			t.Errorf("Lookup(%q) = %q, %d; want %q, %d", tt.argv, got, args, tt.want, tt.args)
		}
	}
}

// TestEntries checks what the loader cannot: every entry is reachable by
// its own match, and no two entries claim the same argv.
func TestEntries(t *testing.T) {
	for _, p := range Programs {
		argv := []string{p.Match[0]}
		switch {
		case p.Subcommand != "":
			argv = append(argv, p.Subcommand)
		case len(p.Args) > 0:
			argv = append(argv, p.Args[0])
		}
		if got := lookup(argv); got != p {
			name := "nothing"
			if got != nil {
				name = got.Name
			}
			t.Errorf("%s: %q finds %s", p.Name, argv, name)
		}
	}
}

func TestLongRunning(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want bool
	}{
		{[]string{"sidekiq"}, true},
		{[]string{"node", "server.js"}, true},
		{[]string{"node", "--require", "./otel.js", "dist/index.js"}, true},
		{[]string{"node", "-e", "setInterval(() => {}, 1000)"}, false},
		{[]string{"node"}, false},
		{[]string{"ruby", "script/worker.rb"}, true},
		{[]string{"python", "manage.py", "migrate"}, false},
		{[]string{"python", "manage.py", "runserver"}, true},
		{[]string{"nginx"}, false},
		{[]string{"nginx", "-g", "daemon off;"}, true},
		{[]string{"sleep", "5"}, false},
		{[]string{"sleep", "infinity"}, true},
		{[]string{"bundle", "exec", "rake", "db:migrate"}, false},
	} {
		p, at := Lookup(tt.argv)
		if got := p != nil && p.LongRunning(tt.argv[at:]); got != tt.want {
			t.Errorf("%q runs long: %v, want %v", tt.argv, got, tt.want)
		}
	}
}

func TestNormalizeSignal(t *testing.T) {
	for in, want := range map[string]string{"quit": "SIGQUIT", "SIGTERM": "SIGTERM", "3": "SIGQUIT", " int ": "SIGINT"} {
		if got := NormalizeSignal(in); got != want {
			t.Errorf("NormalizeSignal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookupImage(t *testing.T) {
	for _, tt := range []struct {
		ref, want, tag string
	}{
		{"postgres:16-alpine", "postgres", "16-alpine"},
		{"docker.io/library/redis:7", "redis", "7"},
		{"public.ecr.aws/docker/library/nginx:1.27", "nginx", "1.27"},
		{"mirror.gcr.io/library/nginx", "nginx", "latest"},
		{"nginxinc/nginx-unprivileged:stable", "nginxinc/nginx-unprivileged", "stable"},
		{"pgvector/pgvector:pg16", "postgres", "pg16"},
		{"docker.elastic.co/elasticsearch/elasticsearch:8.16.0", "elasticsearch", "8.16.0"},
		{"redis@sha256:abc", "redis", "latest"},
		{"ghcr.io/acme/redis:7", "", ""},
		{"acme/postgres", "", ""},
		{"123.dkr.ecr.us-east-1.amazonaws.com/app:v1", "", ""},
	} {
		r, ok := LookupImage(tt.ref)
		got, tag := "", ""
		if ok {
			got, tag = r.Name, r.Tag
		}
		if got != tt.want || tag != tt.tag {
			t.Errorf("LookupImage(%q) = %q %q, want %q %q", tt.ref, got, tag, tt.want, tt.tag)
		}
	}
	php, _ := LookupImage("php:8.3-fpm-alpine")
	if cmd, sig := php.Config(); sig != "SIGQUIT" || cmd[0] != "php-fpm" || !php.Alpine() {
		t.Errorf("php fpm alpine: %q %q %v", cmd, sig, php.Alpine())
	}
}
