package chain

import (
	"path"
	"slices"
	"strings"
)

// Spec is what gracelint knows of how a worker or server stops. The rules
// read the catalog; nothing else encodes these facts.
type Spec struct {
	Name string
	// Programs are the program names that start it; Args, when set, must
	// appear among the program's arguments ("celery -A app worker").
	Programs []string
	Args     []string
	// Graceful is the signal that stops it without losing work; Fast are
	// signals that stop it at once.
	Graceful string
	Fast     []string
	// TimeoutFlags set its drain time in seconds; DefaultTimeout is that time
	// when no flag sets it, where it is worth checking (0: not checked).
	TimeoutFlags   []string
	DefaultTimeout int
	// Unbounded workers wait for running work without a bound by default.
	Unbounded bool
	// Jobs is true for job workers (work lost is jobs), false for servers
	// (work lost is requests in flight).
	Jobs bool
	// Source documents the behavior.
	Source string
}

// Catalog lists the workers and servers gracelint recognizes.
var Catalog = []*Spec{
	{Name: "sidekiq", Programs: []string{"sidekiq", "sidekiqswarm"}, Graceful: "SIGTERM",
		TimeoutFlags: []string{"-t", "--timeout"}, DefaultTimeout: 25, Jobs: true,
		Source: "https://github.com/sidekiq/sidekiq/wiki/Deployment"},
	{Name: "shoryuken", Programs: []string{"shoryuken"}, Graceful: "SIGTERM",
		TimeoutFlags: []string{"-t", "--timeout"}, DefaultTimeout: 8, Jobs: true,
		Source: "https://github.com/ruby-shoryuken/shoryuken/wiki/Signals"},
	{Name: "good_job", Programs: []string{"good_job"}, Args: []string{"start"}, Graceful: "SIGTERM",
		TimeoutFlags: []string{"--shutdown-timeout"}, Unbounded: true, Jobs: true,
		Source: "https://github.com/bensheldon/good_job#configuration-options"},
	{Name: "resque", Programs: []string{"rake"}, Args: []string{"resque:work", "resque:workers"}, Graceful: "SIGQUIT",
		Fast: []string{"SIGTERM", "SIGINT"}, Jobs: true,
		Source: "https://github.com/resque/resque#signals"},
	{Name: "delayed_job", Programs: []string{"rake", "delayed_job"}, Args: []string{"jobs:work", "run"}, Graceful: "SIGTERM", Jobs: true,
		Source: "https://github.com/collectiveidea/delayed_job#running-jobs"},
	{Name: "que", Programs: []string{"que"}, Graceful: "SIGTERM", Jobs: true,
		Source: "https://github.com/que-rb/que/blob/master/docs/README.md"},
	{Name: "puma", Programs: []string{"puma"}, Graceful: "SIGTERM",
		Source: "https://github.com/puma/puma/blob/master/docs/signals.md"},
	{Name: "unicorn", Programs: []string{"unicorn", "unicorn_rails"}, Graceful: "SIGQUIT", Fast: []string{"SIGTERM", "SIGINT"},
		Source: "https://yhbt.net/unicorn/SIGNALS.html"},
	{Name: "gunicorn", Programs: []string{"gunicorn"}, Graceful: "SIGTERM", TimeoutFlags: []string{"--graceful-timeout"},
		Source: "https://docs.gunicorn.org/en/stable/signals.html"},
	{Name: "celery", Programs: []string{"celery"}, Args: []string{"worker"}, Graceful: "SIGTERM", Unbounded: true, Jobs: true,
		Source: "https://docs.celeryq.dev/en/stable/userguide/workers.html#stopping-the-worker"},
	{Name: "rq", Programs: []string{"rq"}, Args: []string{"worker"}, Graceful: "SIGTERM", Unbounded: true, Jobs: true,
		Source: "https://python-rq.org/docs/workers/#stopping-workers"},
	{Name: "nginx", Programs: []string{"nginx"}, Graceful: "SIGQUIT", Fast: []string{"SIGTERM", "SIGINT"},
		Source: "https://nginx.org/en/docs/control.html"},
	{Name: "php-fpm", Programs: []string{"php-fpm"}, Graceful: "SIGQUIT", Fast: []string{"SIGTERM", "SIGINT"},
		Source: "https://www.php.net/manual/en/install.fpm.php"},
}

// lookup finds the spec of the program argv starts, if any.
func lookup(argv []string) *Spec {
	base := path.Base(argv[0])
	for _, s := range Catalog {
		named := slices.Contains(s.Programs, base) ||
			s.Name == "php-fpm" && strings.HasPrefix(base, "php-fpm") // php-fpm8.2
		if !named {
			continue
		}
		if len(s.Args) == 0 || slices.ContainsFunc(argv[1:], func(a string) bool { return slices.Contains(s.Args, a) }) {
			return s
		}
	}
	return nil
}

// NormalizeSignal spells a signal as SIGNAME: "quit", "QUIT" and "3" are
// all "SIGQUIT". Unknown spellings come back upper-cased.
func NormalizeSignal(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if n, ok := signalNumbers[s]; ok {
		return n
	}
	if !strings.HasPrefix(s, "SIG") {
		s = "SIG" + s
	}
	return s
}

var signalNumbers = map[string]string{"1": "SIGHUP", "2": "SIGINT", "3": "SIGQUIT", "9": "SIGKILL", "15": "SIGTERM", "10": "SIGUSR1", "12": "SIGUSR2", "28": "SIGWINCH"}
