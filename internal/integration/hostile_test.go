package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The bounds of issue 13: no input may make one run take longer or more
// memory than this.
const (
	maxRunTime = 2 * time.Second
	maxRunRSS  = 200 << 20
)

var built struct {
	once sync.Once
	dir  string
	err  error
}

// gracelintBinary builds gracelint once for the tests of this package that
// run it as users do.
func gracelintBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds gracelint")
	}
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "gracelint-bin")
		if built.err != nil {
			return
		}
		if out, err := exec.Command("go", "build", "-o", filepath.Join(built.dir, "gracelint"), "../../cmd/gracelint").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return filepath.Join(built.dir, "gracelint")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

type outcome struct {
	code           int
	stdout, stderr string
}

// runBounded runs gracelint in dir and fails the test when the run takes
// maxRunTime or maxRunRSS or more; a run that hangs is killed at 20 s.
// GNU time measures the peak: the ru_maxrss of a child that Go starts
// includes the peak of this test process, whose memory it shared until
// exec, while time's own is small.
func runBounded(t *testing.T, dir string, env []string, args ...string) outcome {
	t.Helper()
	need(t, "/usr/bin/time")
	peak := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command("/usr/bin/time", append([]string{"-o", peak, "-f", "%M", gracelintBinary(t)}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Its own group, so that a hang ends with the watched child too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hang := time.AfterFunc(20*time.Second, func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	cmd.Wait()
	took := time.Since(start)
	if !hang.Stop() {
		t.Fatalf("gracelint %q hung: killed after 20 s", args)
	}
	if took >= maxRunTime {
		t.Errorf("gracelint %q took %v, want under %v", args, took.Round(time.Millisecond), maxRunTime)
	}
	// The last line is the peak in KiB (a line before it may say the
	// command exited non-zero).
	lines := strings.Fields(read(t, peak))
	kib, err := strconv.Atoi(lines[len(lines)-1])
	if err != nil {
		t.Fatalf("time: %v", err)
	}
	if rss := kib << 10; rss >= maxRunRSS {
		t.Errorf("gracelint %q peaked at %d MB, want under %d MB", args, rss>>20, maxRunRSS>>20)
	}
	return outcome{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()}
}

// put writes a file under dir, making its directories.
func put(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func stat(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t)
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	// fixable is a Dockerfile whose one finding has a safe fix.
	fixable = "FROM ruby:3.3-slim\nCMD bundle exec sidekiq\n"
	fixed   = "FROM ruby:3.3-slim\nCMD [\"bundle\", \"exec\", \"sidekiq\"]\n"
	// seed is the task definition of the seed story: GL102 at its command.
	seed = `{"containerDefinitions": [{"name": "w", "image": "ruby:3.3-slim", "command": ["sh", "-c", "bundle exec sidekiq -t 20"]}]}`
	// scriptDockerfile runs entrypoint.sh from its build context.
	scriptDockerfile = "FROM ruby:3.3-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n"
	noExec           = "#!/bin/sh\nbundle exec sidekiq\n"
)

// hostileCase is one case of issue 13's Why, built in a fresh lint root
// (a directory with .git) beside a directory outside it.
type hostileCase struct {
	name  string
	files map[string]string
	// setup makes what files cannot: links, FIFOs, modes.
	setup func(t *testing.T, root, outside string)
	args  []string
	env   []string
	cwd   string // where gracelint runs, under the root; the root itself when ""
	code  int
	// rest adds the seed task definition to the tree and checks that its
	// finding is reported: one hostile file does not end the run.
	rest           bool
	stdout, stderr []string // what each must hold
	never          []string // what no output may hold
	after          func(t *testing.T, root, outside string, o outcome)
}

func (c hostileCase) run(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, ".git"), 0o755))
	for name, content := range c.files {
		put(t, root, name, content)
	}
	if c.rest {
		put(t, root, "good/worker.json", seed)
	}
	if c.setup != nil {
		c.setup(t, root, outside)
	}
	o := runBounded(t, filepath.Join(root, c.cwd), c.env, c.args...)
	if o.code != c.code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, c.code, o.stdout, o.stderr)
	}
	if c.rest && !strings.Contains(o.stdout, "good/worker.json") {
		t.Errorf("the rest of the run was not reported:\n%s", o.stdout)
	}
	for _, want := range c.stdout {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("stdout does not hold %q:\n%s", want, o.stdout)
		}
	}
	for _, want := range c.stderr {
		if !strings.Contains(o.stderr, want) {
			t.Errorf("stderr does not hold %q:\n%s", want, o.stderr)
		}
	}
	for _, never := range c.never {
		if strings.Contains(o.stdout+o.stderr, never) {
			t.Errorf("the output holds %q:\n%q\n%q", never, o.stdout, o.stderr)
		}
	}
	if c.after != nil {
		c.after(t, root, outside, o)
	}
}

// TestHostile builds each case of issue 13's Why and runs gracelint on it
// as a user would: each ends with exit 0, 1 or 2 and says where, under 2 s
// and 200 MB, and reports the rest of the run. The one case that cannot be
// built from files, an edit made while --fix runs, is
// TestWriteFixedRefusesAChangedFile in internal/cli; a Go runtime fatal
// error exiting 3 is internal/monitor's TestRuntimeFatalExits3.
func TestHostile(t *testing.T) {
	var cases []hostileCase
	cases = append(cases, fixCases()...)
	cases = append(cases, leakCases()...)
	cases = append(cases, injectionCases()...)
	cases = append(cases, hangCases()...)
	cases = append(cases, linearCases()...)
	cases = append(cases, resultCases()...)
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

// fixCases: --fix loses no edit, keeps links, modes and owners, and writes
// nothing it should not (Why 1, 2 and 7).
func fixCases() []hostileCase {
	modes := map[string]os.FileMode{}
	return []hostileCase{{
		name:  "fix keeps hard links, modes and owner",
		files: map[string]string{"a/Dockerfile": fixable, "b/Dockerfile": fixable, "c/Dockerfile": fixable, "d/Dockerfile": fixable},
		setup: func(t *testing.T, root, _ string) {
			must(t, os.Link(filepath.Join(root, "a/Dockerfile"), filepath.Join(root, "a/Dockerfile.link")))
			must(t, os.Chmod(filepath.Join(root, "b/Dockerfile"), 0o640|os.ModeSetgid))
			must(t, os.Chmod(filepath.Join(root, "d/Dockerfile"), 0o755|os.ModeSetuid|os.ModeSticky))
			if os.Getuid() == 0 {
				must(t, os.Chown(filepath.Join(root, "c/Dockerfile"), 1234, 5678))
			}
			for _, f := range []string{"b/Dockerfile", "d/Dockerfile"} {
				fi, err := os.Stat(filepath.Join(root, f))
				must(t, err)
				modes[f] = fi.Mode()
			}
		},
		args: []string{"--fix", "a/Dockerfile", "b/Dockerfile", "c/Dockerfile", "d/Dockerfile"},
		code: 0,
		after: func(t *testing.T, root, _ string, _ outcome) {
			for _, f := range []string{"a/Dockerfile", "a/Dockerfile.link", "b/Dockerfile", "c/Dockerfile", "d/Dockerfile"} {
				if got := read(t, filepath.Join(root, f)); got != fixed {
					t.Errorf("%s = %q, want it fixed", f, got)
				}
			}
			if stat(t, filepath.Join(root, "a/Dockerfile")).Ino != stat(t, filepath.Join(root, "a/Dockerfile.link")).Ino {
				t.Error("the hard link was broken")
			}
			for f, want := range modes {
				if fi, _ := os.Stat(filepath.Join(root, f)); fi.Mode() != want {
					t.Errorf("%s: mode %v, want %v", f, fi.Mode(), want)
				}
			}
			if st := stat(t, filepath.Join(root, "c/Dockerfile")); os.Getuid() == 0 && (st.Uid != 1234 || st.Gid != 5678) {
				t.Errorf("owner %d:%d, want 1234:5678", st.Uid, st.Gid)
			}
		},
	}, {
		name: "fix refuses read-only files and symlinks out of the root",
		files: map[string]string{"ro/Dockerfile": fixable, "fixed/Dockerfile": fixable,
			"script/Dockerfile": scriptDockerfile, "script/entrypoint.sh": noExec},
		setup: func(t *testing.T, root, outside string) {
			must(t, os.Chmod(filepath.Join(root, "ro/Dockerfile"), 0o444))
			must(t, os.Chmod(filepath.Join(root, "script/entrypoint.sh"), 0o444))
			put(t, outside, "Dockerfile", fixable)
			must(t, os.Mkdir(filepath.Join(root, "out"), 0o755))
			must(t, os.Symlink(filepath.Join(outside, "Dockerfile"), filepath.Join(root, "out/Dockerfile")))
		},
		args: []string{"--fix", "."},
		code: 2,
		// The findings whose fix was refused are still reported.
		stdout: []string{"ro/Dockerfile:2", "script/entrypoint.sh:2:1"},
		stderr: []string{"ro/Dockerfile: writing the fixes: the file is read-only", "script/entrypoint.sh: writing the fixes: the file is read-only", "out/Dockerfile", "outside the lint root"},
		after: func(t *testing.T, root, outside string, _ outcome) {
			for f, want := range map[string]string{
				filepath.Join(outside, "Dockerfile"):        fixable,
				filepath.Join(root, "ro/Dockerfile"):        fixable,
				filepath.Join(root, "script/entrypoint.sh"): noExec,
				filepath.Join(root, "fixed/Dockerfile"):     fixed,
			} {
				if got := read(t, f); got != want {
					t.Errorf("%s = %q, want %q", f, got, want)
				}
			}
		},
	}}
}

// leakCases: an untrusted repository cannot make gracelint read the
// runner's secrets (Why 2).
func leakCases() []hostileCase {
	var cases []hostileCase
	for _, format := range []string{"text", "json", "github", "sarif"} {
		cases = append(cases, hostileCase{
			name:  "symlinks to secrets, " + format,
			files: map[string]string{"Dockerfile": scriptDockerfile},
			setup: func(t *testing.T, root, outside string) {
				must(t, os.Mkdir(filepath.Join(root, "environ"), 0o755))
				must(t, os.Symlink("/proc/self/environ", filepath.Join(root, "environ/Dockerfile")))
				must(t, os.Mkdir(filepath.Join(root, "shadow"), 0o755))
				must(t, os.Symlink("/etc/shadow", filepath.Join(root, "shadow/Dockerfile")))
				put(t, outside, "entrypoint.sh", "#!/bin/sh\n# SECRET_TOKEN=hunter2\nbundle exec sidekiq\n")
				must(t, os.Symlink(filepath.Join(outside, "entrypoint.sh"), filepath.Join(root, "entrypoint.sh")))
			},
			args:  []string{"--format", format, "."},
			env:   []string{"SECRET_TOKEN=hunter2"},
			code:  2,
			rest:  true,
			never: []string{"hunter2", "root:"},
			after: func(t *testing.T, _, _ string, o outcome) {
				for _, f := range []string{"environ/Dockerfile", "shadow/Dockerfile", "entrypoint.sh"} {
					if !strings.Contains(o.stdout+o.stderr, f) || !strings.Contains(o.stdout+o.stderr, "outside the lint root") {
						t.Errorf("%s is not named as outside the lint root", f)
					}
				}
			},
		})
	}
	return cases
}

// injectionCases: no input byte reaches a terminal or a CI log raw (Why 3).
func injectionCases() []hostileCase {
	forged := "x\n::error file=forged::owned\x1b[31m\a"
	var cases []hostileCase
	for _, format := range []string{"text", "github", "markdown", "json"} {
		cases = append(cases, hostileCase{
			name: "forged workflow commands, " + format,
			files: map[string]string{
				"chart/Chart.yaml":                    "apiVersion: v2\nname: c\nversion: 1.0.0\n",
				"chart/templates/" + forged + ".yaml": "{{ fail \"x\" }}\n",
				forged + "/Dockerfile":                "FROM ruby:3.3\nCMD [\"sh\", \"-c\", \"sidekiq\"]\n",
				"bad/Dockerfile":                      "FROM ruby:3.3\nCMD [\"sh\"\x1b]\x07\n",
				"bad/compose.yaml":                    "services:\n  w: [\x1b]2;owned\a\n",
			},
			args:  []string{"--format", format, "."},
			code:  2,
			rest:  true,
			never: []string{"\x1b", "\a", "\n::error file=forged"},
		})
	}
	return cases
}

// hangCases: FIFOs, devices, aliases and nesting end in an input error or
// are passed over, never in a hang, a flood of memory or a crash (Why 4).
func hangCases() []hostileCase {
	laughs := "x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i <= 9; i++ {
		laughs += fmt.Sprintf("x-a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	const deep = 100_000
	return []hostileCase{{
		name: "FIFOs and devices a run follows",
		files: map[string]string{
			"Dockerfile":   "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"/app/entrypoint.sh\"]\nCMD [\"bundle\", \"exec\", \"sidekiq\", \"-C\", \"config/sidekiq.yml\"]\n",
			"compose.yaml": "services:\n  worker:\n    build:\n      context: .\n      dockerfile: fifo.Dockerfile\n  env:\n    image: ruby:3.3-slim\n    env_file: .env\n    command: [\"sh\", \"-c\", \"bundle exec sidekiq\"]\n",
		},
		setup: func(t *testing.T, root, _ string) {
			for _, f := range []string{"entrypoint.sh", ".env", "fifo.Dockerfile"} {
				must(t, syscall.Mkfifo(filepath.Join(root, f), 0o644))
			}
			must(t, os.Mkdir(filepath.Join(root, "config"), 0o755))
			must(t, os.Symlink("/dev/zero", filepath.Join(root, "config/sidekiq.yml")))
		},
		args:   []string{"."},
		code:   2,
		rest:   true,
		stdout: []string{"compose.yaml:6:3"},
		// Each once, though both the walk and the Dockerfile meet the
		// Sidekiq configuration.
		stderr: []string{"config/sidekiq.yml: a symlink to /dev/zero", "entrypoint.sh: a named pipe, not a regular file; not read",
			".env: a named pipe", "fifo.Dockerfile: a named pipe", "4 input errors"},
	}, {
		name:   "YAML aliases that expand to a billion values",
		files:  map[string]string{"compose.yaml": laughs + "services:\n  w:\n    image: *a9\n"},
		args:   []string{"."},
		code:   2,
		rest:   true,
		stderr: []string{"compose.yaml:6:1: invalid YAML: its aliases expand to more than 1000000 values"},
	}, {
		name:   "a YAML alias inside its own anchor",
		files:  map[string]string{"compose.yaml": "services: &s\n  w: *s\n"},
		args:   []string{"."},
		code:   2,
		rest:   true,
		stderr: []string{"compose.yaml:1:1: invalid YAML: the alias of &s is inside the value it names"},
	}, {
		name: "nesting in every parser that nests",
		files: map[string]string{
			"shell/Dockerfile":                   scriptDockerfile,
			"shell/entrypoint.sh":                "#!/bin/sh\n" + strings.Repeat("{ ", 170_000) + "bundle exec sidekiq" + strings.Repeat(" ; }", 170_000) + "\n",
			"yaml/compose.yaml":                  "services:\n  w: " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n",
			"json/task.json":                     `{"containerDefinitions": ` + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "}",
			"hcl/main.tf":                        "locals {\n  a = " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n}\n",
			"toml/fly.toml":                      "app = \"x\"\n[env]\nA = " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n",
			"php/config/horizon.php":             "<?php\nreturn ['environments' => " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "];\n",
			"php/compose.yaml":                   "services:\n  h:\n    image: php:8.3\n    command: php artisan horizon\n",
			"py/app/worker.py":                   "import signal, temporalio\nX = " + strings.Repeat("(", deep) + "1" + strings.Repeat(")", deep) + "\nWorker(graceful_shutdown_timeout=timedelta(seconds=X))\n",
			"py/Dockerfile":                      "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"-m\", \"app.worker\"]\n",
			"rb/config/initializers/good_job.rb": "Rails.application.configure do\n  config.good_job.shutdown_timeout = " + strings.Repeat("(", deep) + "25" + strings.Repeat(")", deep) + "\nend\n",
			"rb/compose.yaml":                    "services:\n  w:\n    image: ruby:3.3-slim\n    command: bundle exec good_job start\n",
		},
		args: []string{"."},
		code: 2,
		rest: true,
		stderr: []string{
			"yaml/compose.yaml:2:", "json/task.json:1:", "hcl/main.tf:2:1006: brackets and templates nested more than 1000 levels deep",
			"toml/fly.toml:3:10005:",
		},
	}}
}

// linearCases: inputs of many items take time in proportion (Why 5); at
// these sizes the quadratic steps the issue found took 10 s to minutes.
// BenchmarkScaling measures each family up to 100,000 items.
func linearCases() []hostileCase {
	many := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	return []hostileCase{{
		name: "a minified task definition of 8,000 containers",
		files: map[string]string{"task.json": `{"containerDefinitions":[` + strings.TrimSuffix(many(8000, func(i int) string {
			return fmt.Sprintf(`{"name":"w%d","image":"ruby:3.3-slim","command":["bundle","exec","sidekiq","-t","40"]},`, i)
		}), ",") + `]}`},
		args: []string{"--format", "json", "--fix", "task.json"},
		code: 0,
		after: func(t *testing.T, root, _ string, _ outcome) {
			if n := strings.Count(read(t, filepath.Join(root, "task.json")), `"stopTimeout":45`); n != 8000 {
				t.Errorf("%d containers fixed, want 8000", n)
			}
		},
	}, {
		name:   "16,000 stages",
		files:  map[string]string{"Dockerfile": many(16_000, func(i int) string { return fmt.Sprintf("FROM ruby:3.3-slim AS s%d\n", i) }) + "CMD bundle exec sidekiq\n"},
		args:   []string{"Dockerfile"},
		code:   1,
		stdout: []string{"Dockerfile:16001:1"},
	}, {
		name:   "40,000 WORKDIRs",
		files:  map[string]string{"Dockerfile": "FROM ruby:3.3-slim\n" + many(40_000, func(i int) string { return fmt.Sprintf("WORKDIR /d%d\n", i) }) + "CMD bundle exec sidekiq\n"},
		args:   []string{"Dockerfile"},
		code:   1,
		stdout: []string{"Dockerfile:40002:1"},
	}, {
		name: "25,000 ERB tags in a Sidekiq configuration",
		files: map[string]string{
			"Dockerfile":         "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nCMD [\"bundle\", \"exec\", \"sidekiq\", \"-C\", \"config/sidekiq.yml\"]\n",
			"config/sidekiq.yml": many(25_000, func(i int) string { return fmt.Sprintf("# <%%= ENV['X%d'] %%>\n", i) }) + ":timeout: 60\n",
			"compose.yaml":       "services:\n  w:\n    build: .\n",
		},
		args:   []string{"compose.yaml"},
		code:   1,
		stdout: []string{"compose.yaml:2:3", "GL201"},
	}, {
		name: "10,000 Compose services",
		files: map[string]string{"compose.yaml": "services:\n" + many(10_000, func(i int) string {
			return fmt.Sprintf("  w%d:\n    image: ruby:3.3-slim\n    command: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"25\"]\n", i)
		})},
		args:   []string{"--format", "json", "compose.yaml"},
		code:   1,
		stdout: []string{`"line": 29999`},
	}, {
		name: "10,000 Kubernetes documents",
		files: map[string]string{"deploy.yaml": many(10_000, func(i int) string {
			return fmt.Sprintf("---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: w%d\n          args: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"60\"]\n", i)
		})},
		args:   []string{"--format", "json", "deploy.yaml"},
		code:   1,
		stdout: []string{`"line": 89999`},
	}}
}

// resultCases: what gave wrong results, or none (Why 6).
func resultCases() []hostileCase {
	task := `{"containerDefinitions":[{"name":"w","image":"ruby:3.3-slim","command":["sh","-c","bundle exec sidekiq"]}]}`
	var diffCompose strings.Builder
	diffCompose.WriteString("services:\n  a:\n    image: ruby:3.3-slim\n    command: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"25\"]\n")
	for i := range 20 {
		fmt.Fprintf(&diffCompose, "  web%d:\n    image: nginx\n", i)
	}
	diffCompose.WriteString("  b:\n    image: ruby:3.3-slim\n    command: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"25\"]\n")
	return []hostileCase{{
		name: "YAML merge keys in Compose and Kubernetes",
		files: map[string]string{
			"compose.yaml": "x-worker: &worker\n  image: ruby:3.3-slim\n  command: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"25\"]\nservices:\n  worker:\n    <<: *worker\n",
			"deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - &c\n          name: w\n          args: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"20\"]\n" +
				"        - <<: *c\n          name: v\n          args: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"60\"]\n",
		},
		args:   []string{"."},
		code:   1,
		stdout: []string{"compose.yaml:5:3", "deploy.yaml:11:17"},
	}, {
		name: "an absolute WORKDIR after another",
		files: map[string]string{
			"Dockerfile": "FROM ruby:3.3-slim\nWORKDIR /app\nWORKDIR /srv\nCOPY start.sh .\nCMD [\"./start.sh\"]\n",
			"start.sh":   noExec,
		},
		args:   []string{"Dockerfile"},
		code:   1,
		stdout: []string{"start.sh:2:1", "GL106"},
	}, {
		name:   "a Sidekiq timeout near 2^63",
		files:  map[string]string{"deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: w\n          args: [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"9223372036854775807\"]\n"},
		args:   []string{"deploy.yaml"},
		code:   1,
		stdout: []string{"deploy.yaml:7:", "GL201"},
	}, {
		name:   "a symlink to a directory, named",
		files:  map[string]string{"real/task.json": task},
		setup:  func(t *testing.T, root, _ string) { must(t, os.Symlink("real", filepath.Join(root, "link"))) },
		args:   []string{"link"},
		code:   1,
		stdout: []string{"GL102"},
	}, {
		name:  "a file named twice and reached by the walk",
		files: map[string]string{"real/task.json": task},
		args:  []string{"real/task.json", "real/task.json", "real"},
		code:  1,
		after: func(t *testing.T, _, _ string, o outcome) {
			if n := strings.Count(o.stdout, "[GL102"); n != 1 {
				t.Errorf("reported %d times:\n%s", n, o.stdout)
			}
		},
	}, {
		name: "a Helm chart's _helpers.tpl",
		files: map[string]string{
			"chart/Chart.yaml":             "apiVersion: v2\nname: c\nversion: 1.0.0\n",
			"chart/templates/_helpers.tpl": "{{- define \"c.name\" -}}\n{{ .Chart.Name }}\n{{- end }}\n",
		},
		args:  []string{"."},
		code:  1,
		rest:  true,
		never: []string{"_helpers.tpl"},
	}, {
		// Run from a directory above the repository of the file named,
		// whose other project builds an image of the same name: the lint
		// root is the file's repository, so that build is not linked.
		name: "the lint root is the repository of the path named",
		files: map[string]string{
			"home/src/app/worker.json": `{"containerDefinitions":[{"name":"w","image":"app"}]}`,
			"home/src/app/.git/HEAD":   "ref: refs/heads/main\n",
			"home/other/compose.yaml":  "services:\n  w:\n    build: .\n    image: app\n",
			"home/other/Dockerfile":    "FROM ruby:3.3-slim\nCMD [\"sh\", \"-c\", \"bundle exec sidekiq\"]\n",
		},
		cwd:    "home",
		args:   []string{"-v", "src/app/worker.json"},
		code:   0,
		stderr: []string{"image: no file of the run builds its image"},
		never:  []string{"other/Dockerfile"},
	}, {
		name:   "--root that does not exist",
		files:  map[string]string{"task.json": task},
		args:   []string{"--root", "nonexistent", "task.json"},
		code:   2,
		stderr: []string{"nonexistent", "not a directory"},
	}, {
		name:  "--diff of several hunks applies",
		files: map[string]string{"compose.yaml": diffCompose.String()},
		args:  []string{"--diff", "compose.yaml"},
		code:  1,
		after: func(t *testing.T, root, _ string, o outcome) {
			if strings.Count(o.stdout, "\n@@ ") < 2 {
				t.Fatalf("want several hunks:\n%s", o.stdout)
			}
			patched := t.TempDir()
			put(t, patched, "compose.yaml", diffCompose.String())
			cmd := exec.Command("patch", "-p0")
			cmd.Dir, cmd.Stdin = patched, strings.NewReader(o.stdout)
			if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "offset") || strings.Contains(string(out), "fuzz") {
				t.Fatalf("patch: %v\n%s", err, out)
			}
			if o := runBounded(t, root, nil, "--fix", "compose.yaml"); o.code != 0 {
				t.Fatalf("--fix: exit %d: %s", o.code, o.stderr)
			}
			if a, b := read(t, filepath.Join(patched, "compose.yaml")), read(t, filepath.Join(root, "compose.yaml")); a != b {
				t.Errorf("the diff applied:\n%s\n--fix:\n%s", a, b)
			}
		},
	}}
}
