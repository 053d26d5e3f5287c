package rules_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
)

// signalRows are the measured table of how signals reach a worker, plus rows
// measured while building the shell analysis. WORKER stands
// for a worker that traps TERM and needs time to drain; drains says whether
// it finishes draining when PID 1 gets SIGTERM.
var signalRows = []struct {
	argv   []string
	drains bool
}{
	// signals.md
	{[]string{"WORKER"}, true},
	{[]string{"sh", "-c", "WORKER"}, false},
	{[]string{"sh", "-c", "cd /tmp && WORKER"}, false},
	{[]string{"sh", "-c", "exec WORKER"}, true},
	{[]string{"bash", "-c", "WORKER"}, true},
	{[]string{"bash", "-c", "cd /tmp; WORKER"}, true},
	{[]string{"bash", "-c", "cd /tmp && WORKER"}, true},
	{[]string{"bash", "-c", "WORKER; echo done"}, false},
	{[]string{"busybox", "sh", "-c", "WORKER"}, true},
	{[]string{"busybox", "sh", "-c", "cd /tmp && WORKER"}, true},
	{[]string{"bash", "-c", "WORKER | cat"}, false},
	{[]string{"sh", "-c", "exec WORKER | cat"}, false},
	{[]string{"tini", "--", "WORKER"}, true},
	{[]string{"tini", "-s", "--", "WORKER"}, true},
	{[]string{"dumb-init", "WORKER"}, true},
	{[]string{"tini", "--", "sh", "-c", "WORKER"}, false},
	{[]string{"tini", "-g", "--", "sh", "-c", "WORKER"}, false},
	{[]string{"dumb-init", "sh", "-c", "WORKER"}, false},
	{[]string{"tini", "--", "sh", "-c", "exec WORKER"}, true},
	// measured for the shell analysis
	{[]string{"bash", "-lc", "WORKER"}, true},
	{[]string{"bash", "-ec", "cd /tmp && WORKER"}, true},
	{[]string{"bash", "-c", "false || WORKER"}, true},
	{[]string{"bash", "-c", "FOO=1 WORKER"}, true},
	{[]string{"bash", "-c", "trap '' INT; WORKER"}, true},
	{[]string{"bash", "-c", "trap 'echo bye' EXIT; WORKER"}, false},
	{[]string{"bash", "-c", "trap 'echo t' TERM; WORKER"}, false},
	{[]string{"bash", "-c", "WORKER > /dev/null 2>&1"}, false},
	{[]string{"bash", "-c", "WORKER < /dev/null"}, false},
	{[]string{"bash", "-c", "cd /tmp && WORKER 2>&1"}, false},
	{[]string{"bash", "-c", "if true; then WORKER; fi"}, false},
	{[]string{"bash", "-c", "(WORKER)"}, false},
	{[]string{"bash", "-c", "{ WORKER; }"}, false},
	{[]string{"bash", "-c", "WORKER &"}, false},
	{[]string{"busybox", "sh", "-c", "WORKER; echo done"}, false},
	{[]string{"busybox", "sh", "-c", "WORKER | cat"}, false},
	{[]string{"busybox", "sh", "-c", "false || WORKER"}, true},
	{[]string{"busybox", "sh", "-c", "WORKER > /dev/null"}, true},
	{[]string{"busybox", "sh", "-c", "if true; then WORKER; fi"}, true},
	{[]string{"busybox", "sh", "-c", "(WORKER)"}, true},
	{[]string{"sh", "-c", "exec WORKER; echo done"}, true},
	{[]string{"sh", "-c", "exec WORKER > /dev/null"}, true},
	{[]string{"sh", "-c", "cd /tmp && exec \"$@\"", "--", "WORKER"}, true},
	{[]string{"dumb-init", "bash", "-c", "WORKER"}, true},
	{[]string{"tini", "-s", "--", "sh", "-c", "exec WORKER"}, true},
	// bash execs the last command of a -c string only when its last line
	// is a simple command, an && or || list, or a ; list ending in a simple
	// command: an & just before the last command stops the exec, an &
	// earlier on the line or on an earlier line does not.
	{[]string{"bash", "-c", "sleep 100 & WORKER"}, false},
	{[]string{"bash", "-c", "sleep 100 & cd /tmp && WORKER"}, false},
	{[]string{"bash", "-c", "cd /tmp && sleep 100 & WORKER"}, false},
	{[]string{"bash", "-c", "sleep 100 & exec WORKER"}, true},
	{[]string{"bash", "-c", "sleep 100 & cd /tmp; WORKER"}, true},
	{[]string{"bash", "-c", "sleep 100 &\nWORKER"}, true},
	{[]string{"bash", "-c", "{ sleep 100 & }; WORKER"}, true},
	{[]string{"bash", "-c", "cd /tmp; true && WORKER"}, false},
	{[]string{"bash", "-c", "cd /tmp\ntrue && WORKER"}, true},
	{[]string{"bash", "-c", "true && cd /tmp; WORKER"}, true},
	{[]string{"bash", "-c", "true && true && WORKER"}, true},
	{[]string{"sh", "-c", "sleep 100 & WORKER"}, false},
	{[]string{"busybox", "sh", "-c", "sleep 100 & WORKER"}, true},
	{[]string{"busybox", "sh", "-c", "sleep 100 & true && WORKER"}, true},
	// BusyBox ash runs a trailing subshell in place (no fork); dash and bash
	// fork for it and stay as its parent.
	{[]string{"busybox", "sh", "-c", "( exec WORKER )"}, true},
	{[]string{"sh", "-c", "( exec WORKER )"}, false},
	{[]string{"bash", "-c", "( exec WORKER )"}, false},
	{[]string{"bash", "-c", "cd /tmp; ( exec WORKER )"}, false},
	{[]string{"sh", "-c", "(WORKER)"}, false},
	{[]string{"busybox", "sh", "-c", "cd /tmp; ( WORKER )"}, true},
	{[]string{"busybox", "sh", "-c", "cd /tmp; (exec WORKER)"}, true},
	{[]string{"busybox", "sh", "-c", "(cd /tmp; WORKER)"}, true},
	{[]string{"busybox", "sh", "-c", "(cd /tmp && WORKER)"}, true},
	{[]string{"busybox", "sh", "-c", "(WORKER) > /dev/null"}, true},
	{[]string{"busybox", "sh", "-c", "(exec WORKER) > /dev/null"}, true},
	{[]string{"busybox", "sh", "-c", "( exec WORKER ); echo done"}, false},
	{[]string{"busybox", "sh", "-c", "{ WORKER; }"}, true},
	// BusyBox ash, like bash, stays for a trap with an action and for !.
	// The INT and QUIT rows need a PID 1 that starts with them at their
	// default action, as in a container: a shell's background job (as under
	// pid1-probe) starts with them ignored, and bash cannot trap a signal
	// ignored at its start, so it execs.
	{[]string{"busybox", "sh", "-c", "trap 'echo t' TERM; WORKER"}, false},
	{[]string{"busybox", "sh", "-c", "trap 'echo bye' EXIT; WORKER"}, false},
	{[]string{"busybox", "sh", "-c", "trap 'echo i' INT; WORKER"}, false},
	{[]string{"busybox", "sh", "-c", "trap 'echo h' HUP; WORKER"}, false},
	{[]string{"busybox", "sh", "-c", "trap 'echo t' TERM; (WORKER)"}, false},
	{[]string{"busybox", "sh", "-c", "trap 'echo t' TERM; (exec WORKER)"}, false},
	{[]string{"busybox", "sh", "-c", "trap 'echo t' TERM; exec WORKER"}, true},
	{[]string{"busybox", "sh", "-c", "trap '' INT; WORKER"}, true},
	{[]string{"busybox", "sh", "-c", "trap - INT; WORKER"}, true},
	{[]string{"busybox", "sh", "-c", "! WORKER"}, false},
	{[]string{"busybox", "sh", "-c", "f() { :; }; WORKER"}, true},
	{[]string{"bash", "-c", "trap 'echo i' INT; WORKER"}, false},
	{[]string{"bash", "-c", "trap 'echo q' QUIT; WORKER"}, false},
	{[]string{"bash", "-c", "trap 'echo r' RETURN; WORKER"}, true},
	{[]string{"bash", "-c", "trap 'echo d' DEBUG; WORKER"}, true},
	{[]string{"bash", "-c", "trap 'echo h' HUP; WORKER"}, false},
	{[]string{"bash", "-c", "trap 'echo u' USR1; WORKER"}, false},
	{[]string{"bash", "-c", "trap 'echo e' ERR; WORKER"}, false},
	// No shell execs a command inside a loop: it stays to run the loop again.
	{[]string{"sh", "-c", "while true; do WORKER; done"}, false},
	{[]string{"bash", "-c", "while true; do WORKER; done"}, false},
	{[]string{"busybox", "sh", "-c", "while true; do WORKER; done"}, false},
	{[]string{"busybox", "sh", "-c", "until false; do WORKER; done"}, false},
	{[]string{"sh", "-c", "for i in 1; do WORKER; done"}, false},
	{[]string{"bash", "-c", "for i in 1; do WORKER; done"}, false},
	{[]string{"busybox", "sh", "-c", "for i in 1; do WORKER; done"}, false},
	{[]string{"sh", "-c", "while true; do exec WORKER; done"}, true},
}

func substitute(argv []string, worker string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = strings.ReplaceAll(a, "WORKER", worker)
	}
	return out
}

// ruleSaysDrains lints argv as an ECS container command on a Debian image
// (so sh is dash, as where the table was measured): the worker drains unless
// GL102 reports the chain.
func ruleSaysDrains(t *testing.T, argv []string) bool {
	t.Helper()
	cmd, _ := json.Marshal(argv)
	src := fmt.Sprintf(`{"family": "probe", "containerDefinitions": [{"name": "probe", "image": "debian:bookworm", "command": %s}]}`, cmd)
	findings, errs := lint.Run(rules.All(), "probe.json", []byte(src), lint.TaskDef)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return !slices.ContainsFunc(findings, func(f lint.Finding) bool { return f.Rule.ID == "GL102" })
}

func TestSignalTable(t *testing.T) {
	for _, row := range signalRows {
		t.Run(strings.Join(row.argv, " "), func(t *testing.T) {
			if got := ruleSaysDrains(t, substitute(row.argv, "/usr/local/bin/sidekiq")); got != row.drains {
				t.Errorf("rules say drains=%v, measured drains=%v", got, row.drains)
			}
		})
	}
}

// TestSignalTableAsPID1 runs every row as PID 1 of a new PID namespace with a
// stub worker named sidekiq, sends SIGTERM to PID 1 as an orchestrator does,
// and checks the outcome against the rules' verdict. The rows mostly sleep,
// so they all run at once.
func TestSignalTableAsPID1(t *testing.T) {
	needPIDNamespace(t)
	type outcome struct {
		argv    []string
		missing string
		drained bool
		err     error
	}
	outcomes := make([]outcome, len(signalRows))
	var wg sync.WaitGroup
	// Each row's worker polls every 0.1 s; a few dozen at once on two CPUs
	// are slow enough to miss the deadlines below (bash -l alone can take
	// seconds to read a login profile).
	running := make(chan struct{}, pid1Parallel)
	for i, row := range signalRows {
		for _, bin := range []string{"sh", "bash", "busybox", "tini", "dumb-init"} {
			if _, err := exec.LookPath(bin); err != nil && slices.Contains(row.argv, bin) {
				outcomes[i].missing = bin
			}
		}
		if outcomes[i].missing != "" {
			continue
		}
		// The directory name must hold no shell syntax: it ends up in -c
		// scripts.
		dir, err := os.MkdirTemp("", "gracelint-pid1-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		outcomes[i].argv = substitute(row.argv, filepath.Join(dir, "sidekiq"))
		wg.Add(1)
		go func() {
			defer wg.Done()
			running <- struct{}{}
			defer func() { <-running }()
			outcomes[i].drained, outcomes[i].err = runAsPID1(dir, outcomes[i].argv)
		}()
	}
	wg.Wait()
	for i, row := range signalRows {
		o := outcomes[i]
		t.Run(strings.Join(row.argv, " "), func(t *testing.T) {
			measured(t, o.missing, o.err)
			if rule := ruleSaysDrains(t, o.argv); o.drained != rule {
				t.Errorf("measured drains=%v, rules say drains=%v", o.drained, rule)
			}
			if o.drained != row.drains {
				t.Errorf("measured drains=%v, the table says %v", o.drained, row.drains)
			}
		})
	}
}

const drainSeconds = 1

// pid1Parallel is how many rows run as PID 1 at once.
const pid1Parallel = 16

func runAsPID1(dir string, argv []string) (bool, error) {
	state := filepath.Join(dir, "state")
	stub := workerStub(state, drainSeconds)
	if err := os.WriteFile(filepath.Join(dir, "sidekiq"), []byte(stub), 0o755); err != nil {
		return false, err
	}
	cmd := exec.Command("unshare", append([]string{"--pid", "--fork", "--mount-proc"}, argv...)...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		return false, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() { cmd.Process.Kill(); <-exited }()
	for i := 0; ; i++ {
		if _, err := os.Stat(state); err == nil {
			break
		}
		select {
		case <-exited:
			return false, nil // PID 1 exited at once, taking the namespace with it
		default:
		}
		if i == 300 { // 15 s
			return false, fmt.Errorf("the worker never started")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// An orchestrator stops a container long after it started: let PID 1
	// get past the worker's start (a script's pid=$! and wait) first.
	time.Sleep(300 * time.Millisecond)
	pid1, err := childOf(cmd.Process.Pid)
	if err != nil {
		select {
		case <-exited:
			return false, nil // PID 1 exited right after starting the worker
		case <-time.After(time.Second):
			return false, err
		}
	}
	if err := syscall.Kill(pid1, syscall.SIGTERM); err != nil {
		return false, err
	}
	// The stop timeout is the drain and 3 s more: slack for a loaded
	// machine (CI runs these beside other packages), still short of the 5 s
	// a script's foreground sleep holds its trap back (trapDelayed). A
	// drain that ends sooner ends the wait.
	drained := func() bool {
		b, _ := os.ReadFile(state)
		return strings.TrimSpace(string(b)) == "drained"
	}
	deadline := time.After((drainSeconds + 3) * time.Second)
	for !drained() {
		select {
		case <-exited:
			return drained(), nil // PID 1 is gone, and the namespace with it
		case <-deadline:
			syscall.Kill(pid1, syscall.SIGKILL) // the orchestrator's SIGKILL at the stop timeout
			return drained(), nil
		case <-time.After(50 * time.Millisecond):
		}
	}
	syscall.Kill(pid1, syscall.SIGKILL)
	return true, nil
}

// childOf returns the process unshare forked to be PID 1.
func childOf(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, fmt.Errorf("unshare has no child")
	}
	return strconv.Atoi(f[0])
}

// needPIDNamespace skips a test that runs processes as PID 1 where no PID
// namespace can be made, or under -short.
func needPIDNamespace(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs processes for seconds")
	}
	if err := exec.Command("unshare", "--pid", "--fork", "--mount-proc", "true").Run(); err != nil {
		t.Skipf("cannot create a PID namespace here (unshare: %v)", err)
	}
}

// measured skips a row whose program is not installed and fails one whose
// run went wrong, before its outcome is compared.
func measured(t *testing.T, missing string, err error) {
	t.Helper()
	switch {
	case missing != "":
		t.Skipf("%s is not installed", missing)
	case err != nil:
		t.Fatal(err)
	}
}

// workerStub is a worker that traps TERM and drains for drain seconds,
// recording in the file state "running", "got-term" or "drained".
func workerStub(state string, drain int) string {
	return fmt.Sprintf(`#!/bin/bash
trap 'echo got-term > %[1]s; sleep %[2]d; echo drained > %[1]s; exit 0' TERM
echo running > %[1]s
while :; do sleep 0.1; done
`, state, drain)
}
