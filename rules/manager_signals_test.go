package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gracelint/gracelint/lint"
)

// managerRows are process managers measured as PID 1 with the worker stub
// as one of their processes: foreman with a Procfile, supervisord with its
// configuration. The files name the worker WORKER; drain is its drain time
// in seconds; worker is the stub's last state: "drained", "got-term"
// (SIGKILLed while draining) or "running" (never got TERM).
var managerRows = []struct {
	name   string
	argv   []string
	files  map[string]string
	drain  int
	worker string
}{
	// foreman sends SIGTERM to each process, waits -t, then SIGKILLs them.
	{"foreman", []string{"foreman", "start", "-f", "Procfile", "-t", "10"}, map[string]string{"Procfile": "worker: WORKER\n"}, 1, "drained"},
	// Ruby's Process.spawn runs a line with a leading VAR= word through
	// /bin/sh -c; dash stays as its parent and dies of foreman's SIGTERM.
	{"foreman VAR=", []string{"foreman", "start", "-f", "Procfile", "-t", "10"}, map[string]string{"Procfile": "worker: FOO=1 WORKER\n"}, 1, "running"},
	{"foreman VAR= exec", []string{"foreman", "start", "-f", "Procfile", "-t", "10"}, map[string]string{"Procfile": "worker: FOO=1 exec WORKER\n"}, 1, "drained"},
	// supervisord sends each program its stopsignal, waits stopwaitsecs,
	// then SIGKILLs it.
	{"supervisord", []string{"supervisord", "-n", "-c", "supervisord.conf"}, map[string]string{"supervisord.conf": supervisordConf("command=WORKER\nstopwaitsecs=10\n")}, 2, "drained"},
	{"supervisord short wait", []string{"supervisord", "-n", "-c", "supervisord.conf"}, map[string]string{"supervisord.conf": supervisordConf("command=WORKER\nstopwaitsecs=1\n")}, 2, "got-term"},
	{"supervisord sh -c", []string{"supervisord", "-n", "-c", "supervisord.conf"}, map[string]string{"supervisord.conf": supervisordConf("command=/bin/sh -c \"FOO=1 WORKER\"\nstopwaitsecs=10\n")}, 1, "running"},
	// With stopasgroup the worker gets SIGTERM too, but sh dies of it at
	// once, supervisord takes the program for stopped and exits, and the
	// worker is SIGKILLed with the namespace, mid-drain.
	{"supervisord sh -c stopasgroup", []string{"supervisord", "-n", "-c", "supervisord.conf"}, map[string]string{"supervisord.conf": supervisordConf("command=/bin/sh -c \"FOO=1 WORKER\"\nstopwaitsecs=10\nstopasgroup=true\n")}, 3, "got-term"},
	// s6-svscan, the scanner s6-overlay's /init runs, stops each service
	// through its s6-supervise, which sends SIGTERM to the run script.
	{"s6 run", []string{"s6-svscan", "scan"}, map[string]string{"scan/worker/run": "#!/bin/sh\nWORKER\n"}, 1, "running"},
	{"s6 run exec", []string{"s6-svscan", "scan"}, map[string]string{"scan/worker/run": "#!/bin/sh\nexec WORKER\n"}, 1, "drained"},
	// A script that does not exec its worker is a shell that stays, too.
	{"supervisord script", []string{"supervisord", "-n", "-c", "supervisord.conf"}, map[string]string{"supervisord.conf": supervisordConf("command=./run.sh\nstopwaitsecs=10\n"), "run.sh": "#!/bin/sh\nWORKER\n"}, 1, "running"},
	{"supervisord script exec", []string{"supervisord", "-n", "-c", "supervisord.conf"}, map[string]string{"supervisord.conf": supervisordConf("command=./run.sh\nstopwaitsecs=10\n"), "run.sh": "#!/bin/sh\nexec WORKER\n"}, 1, "drained"},
}

func supervisordConf(program string) string {
	return "[supervisord]\nnodaemon=true\nlogfile=/dev/null\nlogfile_maxbytes=0\npidfile=supervisord.pid\n\n[program:worker]\n" + program
}

// TestManagersAsPID1 runs each manager row as PID 1, sends it SIGTERM as
// an orchestrator does, and checks the worker's fate against the row and
// against the rules: a worker that does not drain must get a GL102, GL106
// or GL201 finding, one that drains none.
func TestManagersAsPID1(t *testing.T) {
	needPIDNamespace(t)
	type outcome struct {
		missing string
		worker  string
		err     error
	}
	outcomes := make([]outcome, len(managerRows))
	programs := make([]string, len(managerRows))
	for i, row := range managerRows {
		programs[i] = row.argv[0]
	}
	missing := probeAll(t, programs, func(i int, dir string) {
		row, o := managerRows[i], &outcomes[i]
		_, o.worker, _, o.err = probeProgram(dir, row.argv, row.drain, row.files)
	})
	for i := range outcomes {
		outcomes[i].missing = missing[i]
	}
	for i, row := range managerRows {
		o := outcomes[i]
		t.Run(row.name, func(t *testing.T) {
			measured(t, o.missing, o.err)
			if o.worker != row.worker {
				t.Errorf("measured worker=%q, the table says %q", o.worker, row.worker)
			}
			if rule := rulesSayLost(t, row.argv, row.files, row.drain); rule != (o.worker != "drained") {
				t.Errorf("rules say lost=%v, measured worker=%q", rule, o.worker)
			}
		})
	}
}

// rulesSayLost lints a Debian-based image whose CMD runs the manager with
// the row's files copied into its WORKDIR, the worker being Sidekiq with
// the row's drain time.
func rulesSayLost(t *testing.T, argv []string, files map[string]string, drain int) bool {
	t.Helper()
	worker := fmt.Sprintf("sidekiq -t %d", drain)
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(src, "WORKER", worker))}
	}
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	dockerfile := "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nCMD [" + strings.Join(quoted, ", ") + "]\n"
	if argv[0] == "s6-svscan" {
		// s6-overlay's /init runs s6-svscan on the services the image
		// holds; as s6-rc services their stop has no time bound, as here.
		dockerfile = "FROM ruby:3.3-slim\nCOPY scan/ /etc/s6-overlay/s6-rc.d/\nENTRYPOINT [\"/init\"]\n"
	}
	fsys["Dockerfile"] = &fstest.MapFile{Data: []byte(dockerfile)}
	l := fixtureLinter(".", fsys)
	findings, errs := l.Run("Dockerfile", fsys["Dockerfile"].Data, lint.Dockerfile)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return slices.ContainsFunc(findings, func(f lint.Finding) bool {
		return slices.Contains([]string{"GL102", "GL106", "GL201"}, f.Rule.ID) && f.Severity >= lint.Warning
	})
}
