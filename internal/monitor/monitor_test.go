package monitor

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
)

// mainEnv selects, in a test binary run as gracelint would be, the main
// that Run watches.
const mainEnv = "MONITOR_TEST_MAIN"

func TestMain(m *testing.M) {
	mains := map[string]func() int{
		"overflow": func() int {
			debug.SetMaxStack(1 << 20)
			return overflow(0)
		},
		"input": func() int { return 2 },
		"killed": func() int {
			syscall.Kill(os.Getpid(), syscall.SIGKILL) // as the out-of-memory killer does
			select {}
		},
		"echo": func() int {
			io.Copy(os.Stdout, os.Stdin)
			return 0
		},
		"child": func() int {
			if _, ok := os.LookupEnv(crashFD); ok {
				return 10 // the variable leaked to the code watched
			}
			return 0
		},
	}
	if name := os.Getenv(mainEnv); name != "" {
		os.Exit(Run(mains[name], os.Stderr))
	}
	os.Exit(m.Run())
}

// overflow recurses until the runtime stops it: the fatal error the
// monitor is for.
func overflow(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	//lint:ignore SA5007 the recursion has no end on purpose
	return overflow(n+1) + int(pad[0])
}

func run(t *testing.T, main, stdin string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainEnv+"="+main)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// TestRuntimeFatalExits3: a stack overflow, which no recover stops and
// which the runtime exits 2 for, exits 3 with the runtime's report and a
// line that says gracelint failed.
func TestRuntimeFatalExits3(t *testing.T) {
	code, _, stderr := run(t, "overflow", "")
	if code != Internal {
		t.Errorf("exit %d, want %d", code, Internal)
	}
	for _, want := range []string{"goroutine stack exceeds", "gracelint: internal error: the Go runtime stopped the run"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%.2000s", want, stderr)
		}
	}
}

// TestKilledExits3: a child killed by a signal nobody sent gracelint
// (the kernel's out-of-memory killer sends SIGKILL) is gracelint's failure.
func TestKilledExits3(t *testing.T) {
	code, _, stderr := run(t, "killed", "")
	if code != Internal || !strings.Contains(stderr, "killed by signal 9") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestExitCodePassesThrough: the child's own exit 2 (bad input) stays 2,
// and its standard streams are the parent's.
func TestExitCodePassesThrough(t *testing.T) {
	if code, _, stderr := run(t, "input", ""); code != 2 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 2 and nothing", code, stderr)
	}
	if code, stdout, _ := run(t, "echo", "services: {}\n"); code != 0 || stdout != "services: {}\n" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if code, _, _ := run(t, "child", ""); code != 0 {
		t.Errorf("exit %d: the child still sees %s", code, crashFD)
	}
}

func TestSmall(t *testing.T) {
	dir := t.TempDir()
	smallFile, bigFile := dir+"/Dockerfile", dir+"/big.json"
	os.WriteFile(smallFile, []byte("FROM scratch\n"), 0o644)
	os.WriteFile(bigFile, make([]byte, 2<<20), 0o644)
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{smallFile}, true},
		{[]string{"--fail-level=error", smallFile, smallFile}, true},
		{[]string{}, false},        // the current directory
		{[]string{dir}, false},     // a walk
		{[]string{"-"}, false},     // standard input
		{[]string{bigFile}, false}, // memory may run out
		{[]string{"-f", "json", smallFile}, false},
		{[]string{dir + "/missing"}, false},
	} {
		if got := small(tt.args); got != tt.want {
			t.Errorf("small(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
