package rules_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gracelint/gracelint/parser/shell"
)

// scriptRows are entrypoint script files measured as PID 1: the shell runs
// the script with the worker as its only argument, "$@". drains says whether
// the worker finishes draining when PID 1 gets SIGTERM.
var scriptRows = []struct {
	shell  []string
	script string
	drains bool
}{
	// A trap that forwards TERM, then a single wait: the trap interrupts the
	// wait, the script ends, and the worker dies with the namespace.
	{[]string{"sh"}, trapOnce, false},
	{[]string{"bash"}, trapOnce, false},
	{[]string{"busybox", "sh"}, trapOnce, false},
	{[]string{"sh"}, strings.Replace(trapOnce, "'kill -TERM $pid'", `"kill -TERM \$pid"`, 1), false},
	{[]string{"sh"}, "term() { kill -TERM \"$pid\"; }\ntrap term TERM\n\"$@\" &\npid=$!\nwait \"$pid\"\n", false},
	// ... and the ways to wait again after the trap.
	{[]string{"sh"}, trapOnce + "trap - TERM\nwait $pid\n", true},
	{[]string{"bash"}, trapOnce + "trap - TERM\nwait $pid\n", true},
	{[]string{"busybox", "sh"}, trapOnce + "trap - TERM\nwait $pid\n", true},
	{[]string{"sh"}, trapOnce + "wait\n", true},
	{[]string{"sh"}, strings.Replace(trapOnce, "'kill -TERM $pid'", "'kill -TERM $pid; wait $pid'", 1), true},
	{[]string{"bash"}, strings.Replace(trapOnce, "'kill -TERM $pid'", "'kill -TERM $pid; wait $pid'", 1), true},
	{[]string{"sh"}, "term() { kill -TERM \"$pid\"; wait \"$pid\"; }\ntrap term TERM\n\"$@\" &\npid=$!\nwait \"$pid\"\n", true},
	{[]string{"bash"}, "term() { kill -TERM \"$pid\"; wait \"$pid\"; }\ntrap term TERM\n\"$@\" &\npid=$!\nwait \"$pid\"\n", true},
	{[]string{"busybox", "sh"}, "term() { kill -TERM \"$pid\"; wait \"$pid\"; }\ntrap term TERM\n\"$@\" &\npid=$!\nwait \"$pid\"\n", true},
	{[]string{"sh"}, strings.Replace(trapOnce, "wait $pid\n", "while kill -0 $pid 2>/dev/null; do wait $pid; done\n", 1), true},
	{[]string{"busybox", "sh"}, strings.Replace(trapOnce, "wait $pid\n", "while kill -0 $pid 2>/dev/null; do wait $pid; done\n", 1), true},
	// A shell runs a trap only once its foreground command ends: a sleep
	// before the wait holds the signal back (the stop ends first here); a
	// short one, or one in the background with a wait, does not.
	{[]string{"sh"}, trapDelayed("sleep 5\n"), false},
	{[]string{"bash"}, trapDelayed("sleep 5\n"), false},
	{[]string{"busybox", "sh"}, trapDelayed("sleep 5\n"), false},
	{[]string{"sh"}, trapDelayed("sleep 1\n"), true},
	{[]string{"sh"}, trapDelayed("sleep 5 & wait $!\n"), true},
	// A restart loop: the worker never gets TERM.
	{[]string{"sh"}, "while true; do \"$@\"; done\n", false},
	{[]string{"bash"}, "while true; do \"$@\"; done\n", false},
	{[]string{"busybox", "sh"}, "while true; do \"$@\"; done\n", false},
	// No shell execs the last command of a script file, nor runs its
	// trailing subshell in place.
	{[]string{"sh"}, "cd /tmp\n\"$@\"\n", false},
	{[]string{"bash"}, "cd /tmp\n\"$@\"\n", false},
	{[]string{"busybox", "sh"}, "cd /tmp\n\"$@\"\n", false},
	{[]string{"sh"}, "cd /tmp\nexec \"$@\"\n", true},
	{[]string{"sh"}, "cd /tmp\n( exec \"$@\" )\n", false},
	{[]string{"busybox", "sh"}, "cd /tmp\n( exec \"$@\" )\n", false},
}

const trapOnce = "trap 'kill -TERM $pid' TERM\n\"$@\" &\npid=$!\nwait $pid\n"

// trapDelayed is a script that forwards TERM and waits twice, running
// before ahead of its first wait.
func trapDelayed(before string) string {
	return "trap 'kill -TERM $pid' TERM\n\"$@\" &\npid=$!\n" + before + "wait $pid\ntrap - TERM\nwait $pid\n"
}

// shellSaysDrains is parser/shell's verdict on a script file whose worker is
// "$@": it drains when the script forwards TERM by hand (Traps) or execs it.
func shellSaysDrains(t *testing.T, script string) bool {
	t.Helper()
	s, err := shell.Parse(script)
	if err != nil {
		t.Fatal(err)
	}
	r := s.AnalyzeFile(func(c *shell.Command) bool { return len(c.Args) > 0 && c.Args[0].AllArgs })
	return s.Traps() && s.TrapDelay() == nil || r.Verdict == shell.Replaces
}

func scriptRowName(shellArgv []string, script string) string {
	return strings.Join(shellArgv, " ") + " " + strings.ReplaceAll(strings.TrimSpace(script), "\n", "; ")
}

func TestScriptFiles(t *testing.T) {
	for _, row := range scriptRows {
		t.Run(scriptRowName(row.shell, row.script), func(t *testing.T) {
			if got := shellSaysDrains(t, row.script); got != row.drains {
				t.Errorf("parser/shell says drains=%v, measured drains=%v", got, row.drains)
			}
		})
	}
}

// TestScriptFilesAsPID1 runs each script file as PID 1, the way
// TestSignalTableAsPID1 runs -c strings, and checks the outcome against
// parser/shell's verdict.
func TestScriptFilesAsPID1(t *testing.T) {
	needPIDNamespace(t)
	type outcome struct {
		missing string
		drained bool
		err     error
	}
	outcomes := make([]outcome, len(scriptRows))
	running := make(chan struct{}, pid1Parallel)
	var wg sync.WaitGroup
	for i, row := range scriptRows {
		if _, err := exec.LookPath(row.shell[0]); err != nil {
			outcomes[i].missing = row.shell[0]
			continue
		}
		dir, err := os.MkdirTemp("", "gracelint-pid1-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		entry := filepath.Join(dir, "entry.sh")
		if err := os.WriteFile(entry, []byte(row.script), 0o755); err != nil {
			t.Fatal(err)
		}
		argv := append(append([]string(nil), row.shell...), entry, filepath.Join(dir, "sidekiq"))
		wg.Add(1)
		go func() {
			defer wg.Done()
			running <- struct{}{}
			defer func() { <-running }()
			outcomes[i].drained, outcomes[i].err = runAsPID1(dir, argv)
		}()
	}
	wg.Wait()
	for i, row := range scriptRows {
		o := outcomes[i]
		t.Run(scriptRowName(row.shell, row.script), func(t *testing.T) {
			measured(t, o.missing, o.err)
			if verdict := shellSaysDrains(t, row.script); o.drained != verdict {
				t.Errorf("measured drains=%v, parser/shell says drains=%v", o.drained, verdict)
			}
			if o.drained != row.drains {
				t.Errorf("measured drains=%v, the table says %v", o.drained, row.drains)
			}
		})
	}
}
