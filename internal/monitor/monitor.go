// Package monitor runs gracelint in a child process of its own and
// watches it. A Go runtime fatal error (a stack overflow, running out of
// memory, a concurrent map write) cannot be recovered, and the runtime
// exits 2 for it: the code gracelint gives bad input. Seen from a parent
// that knows the child crashed, the run exits 3 instead, the code for
// gracelint's own failure, so CI blames the tool and not the repository.
//
// A second process costs about 10 ms, half again a one-file run, which a
// pre-commit hook makes on every commit. So a run whose arguments name
// only small regular files runs unwatched: each such input is bounded in
// size, and every parser bounds its nesting, so a fatal error there would
// be a bug the fuzz targets look for. Directory walks, standard input and
// large files, where memory can run out, are watched.
package monitor

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"syscall"
)

// crashFD names, in the child's environment, the file descriptor its crash
// report goes to (the runtime writes it to stderr as well).
const crashFD = "GRACELINT_CRASH_FD"

// stops are the signals a terminal or a platform stops a run with; the
// watcher passes them on.
var stops = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// Internal is the exit code of a run that crashed.
const Internal = 3

// smallFile is the largest file a run may name and still run unwatched.
const smallFile = 1 << 20

// small reports whether every argument is a flag or names a regular file
// under smallFile bytes, and one names a file: a flag's value that is no
// file ("-f json") makes the run watched, which costs time, not safety.
func small(args []string) bool {
	files := 0
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' {
			continue
		}
		fi, err := os.Stat(a)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() >= smallFile {
			return false
		}
		files++
	}
	return files > 0
}

// Run runs main in a child process started from the same executable with
// the same arguments and environment, and returns the code to exit with:
// the child's, or Internal when the runtime reported a crash. In the child
// it sets the crash report's destination and returns main(). A run that
// names only small files, and one where no child can be started (the
// executable is gone), runs main unwatched.
func Run(main func() int, stderr io.Writer) int {
	if fd, ok := os.LookupEnv(crashFD); ok {
		os.Unsetenv(crashFD)
		if n, err := strconv.Atoi(fd); err == nil {
			f := os.NewFile(uintptr(n), "crash report")
			if f != nil {
				debug.SetCrashOutput(f, debug.CrashOptions{}) // it keeps a duplicate
				f.Close()
			}
		}
		return main()
	}
	if small(os.Args[1:]) {
		return main()
	}
	exe, err := os.Executable()
	if err != nil {
		return main()
	}
	r, w, err := os.Pipe()
	if err != nil {
		return main()
	}
	// Signals a terminal or a platform sends the group reach the child
	// too; those sent to this process alone are passed on.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, stops...)
	defer signal.Stop(sigs)
	p, err := os.StartProcess(exe, os.Args, &os.ProcAttr{
		Env:   append(os.Environ(), crashFD+"=3"),
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr, w},
	})
	w.Close()
	if err != nil {
		r.Close()
		signal.Stop(sigs) // main runs here: the signals are its own again
		return main()
	}
	go func() {
		for s := range sigs {
			p.Signal(s)
		}
	}()
	report := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(io.Discard, r) // ends when the child's copy closes with it
		r.Close()
		report <- n
	}()
	st, err := p.Wait()
	crashed := <-report > 0
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "gracelint: internal error: %v\n", err)
		return Internal
	case crashed:
		fmt.Fprintln(stderr, "gracelint: internal error: the Go runtime stopped the run (its report is above); please report it")
		return Internal
	}
	if ws, ok := st.Sys().(interface {
		Signaled() bool
		Signal() syscall.Signal
	}); ok && ws.Signaled() {
		if !slices.Contains(stops, os.Signal(ws.Signal())) {
			// Not a stop a user or a platform asks for: the kernel's
			// out-of-memory killer's SIGKILL, or a fault.
			fmt.Fprintf(stderr, "gracelint: internal error: the run was killed by signal %d (%v)\n", int(ws.Signal()), ws.Signal())
			return Internal
		}
		return 128 + int(ws.Signal()) // stopped from outside: as a shell reports it
	}
	return st.ExitCode()
}
