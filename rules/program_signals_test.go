package rules_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gracelint/gracelint/internal/chain"
)

// programRows are programs measured as PID 1 that are no shell: user
// switchers in front of the worker, and programs that are not the worker.
// drain is the worker's drain time in seconds, long enough to show a
// switcher that SIGKILLs its child; alive says whether PID 1 still runs 2 s
// after the drain would end; worker is the stub's last state: "drained",
// "got-term" (SIGKILLed while draining), "running" (never got TERM), or ""
// for rows without WORKER.
var programRows = []struct {
	argv   []string
	drain  int
	alive  bool
	worker string
}{
	// su and runuser forward TERM to their child, then SIGKILL it about 2 s
	// later: a worker that needs longer loses its drain.
	{[]string{"su", "-c", "WORKER", "root"}, 5, false, "got-term"},
	{[]string{"su", "root", "-c", "WORKER"}, 5, false, "got-term"},
	{[]string{"runuser", "-u", "root", "--", "WORKER"}, 5, false, "got-term"},
	// setpriv execs the worker; sudo relays TERM and waits for it.
	{[]string{"setpriv", "--reuid=0", "--", "WORKER"}, 5, false, "drained"},
	{[]string{"sudo", "WORKER"}, 5, false, "drained"},
	// Without a TERM handler, PID 1 ignores TERM.
	{[]string{"python3", "-c", "import time; time.sleep(1000)"}, 0, true, ""},
	{[]string{"node", "-e", "setInterval(() => {}, 1000)"}, 0, true, ""},
	{[]string{"sleep", "1000"}, 0, true, ""},
	{[]string{"tail", "-f", "/dev/null"}, 0, true, ""},
	// The control: the same python3 with a handler exits.
	{[]string{"python3", "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, lambda *a: sys.exit(0)); time.sleep(1000)"}, 0, false, ""},
}

// TestProgramsAsPID1 runs each program row as PID 1 and checks the outcome
// against the row, and the exec rows against chain's list of wrappers that
// exec their argument.
func TestProgramsAsPID1(t *testing.T) {
	needPIDNamespace(t)
	type outcome struct {
		missing string
		alive   bool
		worker  string
		comm    string // PID 1's name once the worker runs
		err     error
	}
	outcomes := make([]outcome, len(programRows))
	programs := make([]string, len(programRows))
	for i, row := range programRows {
		programs[i] = row.argv[0]
	}
	missing := probeAll(t, programs, func(i int, dir string) {
		o := &outcomes[i]
		o.alive, o.worker, o.comm, o.err = probeProgram(dir, programRows[i].argv, programRows[i].drain, nil)
	})
	for i := range outcomes {
		outcomes[i].missing = missing[i]
	}
	for i, row := range programRows {
		o := outcomes[i]
		t.Run(strings.Join(row.argv, " "), func(t *testing.T) {
			measured(t, o.missing, o.err)
			if o.alive != row.alive || o.worker != row.worker {
				t.Errorf("measured pid1 alive=%v worker=%q, the table says alive=%v worker=%q", o.alive, o.worker, row.alive, row.worker)
			}
			if slices.Contains(row.argv, "WORKER") {
				// The rules treat a program as transparent when chain skips
				// it as a wrapper that execs its argument, and as an init
				// when it forwards the signal (sudo).
				args := make([]chain.Arg, len(row.argv))
				for i, a := range row.argv {
					args[i] = chain.Arg{Value: a}
				}
				c := chain.Walk(args, chain.Options{})
				skipped := len(c.Main) > 0 && c.Main[0].Value == "WORKER" && c.Init == nil
				if c.Init != nil && c.Init.Forwarder && row.worker != "drained" {
					t.Errorf("chain takes %s for a wrapper that forwards SIGTERM; measured: the worker %s", row.argv[0], row.worker)
				}
				if execs := o.comm == "worker"; skipped != execs {
					t.Errorf("chain skips %s as an exec wrapper: %v; measured: PID 1 is %s", row.argv[0], skipped, o.comm)
				}
			}
		})
	}
}

// probeAll calls probe for each row whose program is installed, each with
// a temporary directory of its own, all at once, and returns the program
// each row lacks ("" where it is installed).
func probeAll(t *testing.T, programs []string, probe func(i int, dir string)) []string {
	t.Helper()
	missing := make([]string, len(programs))
	var wg sync.WaitGroup
	for i, prog := range programs {
		if _, err := exec.LookPath(prog); err != nil {
			missing[i] = prog
			continue
		}
		dir, err := os.MkdirTemp("", "gracelint-pid1-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			probe(i, dir)
		}()
	}
	wg.Wait()
	return missing
}

// probeProgram runs argv as PID 1 of a new PID namespace with WORKER replaced
// by a stub that drains for drain seconds, sends SIGTERM to PID 1 once the
// stub runs (or once PID 1 runs the program itself, plus a second), and
// reports whether PID 1 is alive 2 s after the drain would end, the stub's
// last state, and PID 1's name when it got the signal ("worker" when the
// program exec'd the stub).
// Files are written to dir first, with WORKER replaced there too: a
// process manager's configuration.
func probeProgram(dir string, argv []string, drain int, files map[string]string) (alive bool, worker, comm string, err error) {
	state := filepath.Join(dir, "state")
	stub := workerStub(state, drain)
	workerPath := filepath.Join(dir, "worker")
	hasWorker := slices.Contains(argv, "WORKER") || len(files) > 0
	if hasWorker {
		if err := os.WriteFile(workerPath, []byte(stub), 0o755); err != nil {
			return false, "", "", err
		}
	}
	for name, src := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			return false, "", "", err
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.ReplaceAll(src, "WORKER", workerPath)), 0o755); err != nil {
			return false, "", "", err
		}
	}
	cmd := exec.Command("unshare", append([]string{"--pid", "--fork", "--mount-proc"}, substitute(argv, workerPath)...)...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		return false, "", "", err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() { cmd.Process.Kill(); <-exited }()
	if hasWorker {
		for i := 0; ; i++ {
			if _, err := os.Stat(state); err == nil {
				break
			}
			if i == 300 {
				return false, "", "", fmt.Errorf("the worker never started")
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
	}
	pid1, err := childOf(cmd.Process.Pid)
	for i := 0; err != nil && i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
		pid1, err = childOf(cmd.Process.Pid)
	}
	if err != nil {
		return false, "", "", err
	}
	if !hasWorker {
		// Wait until PID 1 runs the program itself, not a launcher script
		// such as pyenv's python3 shim, then give it a second to set up.
		for i := 0; ; i++ {
			exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid1))
			if strings.HasPrefix(filepath.Base(exe), filepath.Base(argv[0])) {
				break
			}
			if i == 300 {
				return false, "", "", fmt.Errorf("PID 1 still runs %s, not %s", exe, argv[0])
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Second)
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid1))
	comm = strings.TrimSpace(string(b))
	if err := syscall.Kill(pid1, syscall.SIGTERM); err != nil {
		return false, "", "", err
	}
	time.Sleep(time.Duration(drain+2) * time.Second)
	alive = syscall.Kill(pid1, 0) == nil
	if alive {
		// A zombie is dead: unshare reaps PID 1 only when it exits.
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid1)); err == nil && strings.Contains(string(b), ") Z ") {
			alive = false
		}
	}
	syscall.Kill(pid1, syscall.SIGKILL)
	b, _ = os.ReadFile(state)
	return alive, strings.TrimSpace(string(b)), comm, nil
}
