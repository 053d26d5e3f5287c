package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// within runs gracelint and fails the test if it does not finish in time:
// no input may hang a run.
func within(t *testing.T, d time.Duration, args ...string) (int, string, string) {
	t.Helper()
	type res struct {
		code           int
		stdout, stderr string
	}
	done := make(chan res, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Main(args, strings.NewReader(""), &out, &errb)
		done <- res{code, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(d):
		t.Fatalf("gracelint %v did not finish in %v", args, d)
		return 0, "", ""
	}
}

// TestHostileInputs lints a tree of hostile files next to a real finding:
// each gets a clear message or is skipped, and the real finding is still
// reported.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "good/worker.json", `{"containerDefinitions": [{"name": "w", "command": ["sh", "-c", "sidekiq"]}]}`)
	write(t, dir, "empty/Dockerfile", "")
	write(t, dir, "empty.json", "")
	write(t, dir, "binary/Dockerfile", "\x00\x01\x02\xff\xfe ELF \x7f\x00")
	write(t, dir, "utf8/Dockerfile", "FROM ruby:3.3\nCMD [\"sleep\", \"infinity\", \"\xff\xfe caf\xc3\xa9\"]\n")
	write(t, dir, "bom/Dockerfile", "\xef\xbb\xbfFROM ruby:3.3\r\nCMD [\"sleep\", \"infinity\"]\r\n")
	write(t, dir, "deep.json", `{"containerDefinitions": `+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"}")
	write(t, dir, "long/task.json", `{"family": "`+strings.Repeat("x", 1<<20)+`", "containerDefinitions": [{"name": "w", "command": ["sh", "-c", "sidekiq"]}]}`)
	big := filepath.Join(dir, "big/Dockerfile")
	os.MkdirAll(filepath.Dir(big), 0o755)
	f, _ := os.Create(big)
	f.Truncate(50 << 20) // sparse: 50 MB without writing them
	f.Close()
	os.MkdirAll(filepath.Join(dir, "links"), 0o755)
	os.Symlink("Dockerfile.b", filepath.Join(dir, "links/Dockerfile.a"))
	os.Symlink("Dockerfile.a", filepath.Join(dir, "links/Dockerfile.b"))
	os.Symlink("missing", filepath.Join(dir, "links/Dockerfile.dangling"))
	os.Symlink("..", filepath.Join(dir, "links/loop-dir")) // a directory loop: not followed
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo/Dockerfile"), 0o644); err != nil {
		os.MkdirAll(filepath.Join(dir, "fifo"), 0o755)
		if err := syscall.Mkfifo(filepath.Join(dir, "fifo/Dockerfile"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(t, dir, "Dockerfile/Dockerfile", "FROM ruby:3.3\nCMD sidekiq\n") // a directory named Dockerfile
	write(t, dir, "odd names/with space/Dockerfile", "FROM ruby:3.3\nCMD sidekiq\n")
	write(t, dir, "odd names/new\nline/Dockerfile", "FROM ruby:3.3\nCMD sidekiq\n")
	write(t, dir, "odd names/ünïcödé/Dockerfile", "FROM ruby:3.3\nCMD sidekiq\n")

	code, stdout, _ := within(t, 30*time.Second, "--format", "json", dir)
	if code != ExitInput {
		t.Errorf("exit %d, want 2 (unreadable inputs)", code)
	}
	if !utf8.ValidString(stdout) {
		t.Error("JSON output is not valid UTF-8")
	}
	var out jsonOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	errs := map[string]string{}
	for _, e := range out.Errors {
		errs[strings.TrimPrefix(filepath.ToSlash(e.File), filepath.ToSlash(dir)+"/")] = e.Message
	}
	for file, want := range map[string]string{
		"deep.json":                 "nested more than",
		"big/Dockerfile":            "larger than 16 MiB",
		"links/Dockerfile.a":        "too many levels of symbolic links",
		"links/Dockerfile.dangling": "no such file",
	} {
		if msg, ok := errs[file]; !ok || !strings.Contains(msg, want) {
			t.Errorf("%s: error %q, want one saying %q", file, msg, want)
		}
	}
	// An empty or binary Dockerfile does not start with FROM or ARG: a walk
	// skips it with a note, and names it when it is named.
	for _, skipped := range []string{"empty.json", "fifo/Dockerfile", "empty/Dockerfile", "binary/Dockerfile"} {
		if _, ok := errs[skipped]; ok {
			t.Errorf("%s must be skipped in a walk", skipped)
		}
	}
	files := map[string]bool{}
	for _, f := range out.Findings {
		files[strings.TrimPrefix(filepath.ToSlash(f.File), filepath.ToSlash(dir)+"/")] = true
	}
	for _, want := range []string{"good/worker.json", "utf8/Dockerfile", "bom/Dockerfile", "long/task.json", "Dockerfile/Dockerfile",
		"odd names/with space/Dockerfile", "odd names/new\nline/Dockerfile", "odd names/ünïcödé/Dockerfile"} {
		if !files[want] {
			t.Errorf("%q was not linted", want)
		}
	}
	// Text output escapes what it prints and windows the 1 MB line.
	_, text, errText := within(t, 30*time.Second, dir)
	if strings.Contains(text, "new\nline") || len(text) > 100_000 {
		t.Errorf("text output: a raw newline from a file name, or %d bytes", len(text))
	}
	if !strings.Contains(errText, "larger than 16 MiB") || !strings.Contains(errText, "note: skipped 2 files named like a Dockerfile") {
		t.Errorf("errors:\n%s", errText)
	}
	for file, want := range map[string]string{"empty/Dockerfile": "file with no instructions", "binary/Dockerfile": ""} {
		code, _, errText := within(t, 10*time.Second, filepath.Join(dir, file))
		if code != ExitInput || !strings.Contains(errText, want) {
			t.Errorf("%s named: exit %d, %q, want an error saying %q", file, code, errText, want)
		}
	}
}

func TestNamedSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "Dockerfile")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, "/dev/null"} {
		code, _, stderr := within(t, 10*time.Second, p)
		if code != ExitInput || !strings.Contains(stderr, "not a regular file") {
			t.Errorf("%s: exit %d, %q", p, code, stderr)
		}
	}
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	p := write(t, t.TempDir(), "Dockerfile", "FROM ruby:3.3\nCMD sidekiq\n")
	os.Chmod(p, 0)
	if code, _, stderr := within(t, 10*time.Second, p); code != ExitInput || !strings.Contains(stderr, "permission denied") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

func TestLargeStdin(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"--stdin-filename", "Dockerfile", "-"}, bytes.NewReader(make([]byte, 17<<20)), &out, &errb)
	if code != ExitInput || !strings.Contains(errb.String(), "larger than 16 MiB") {
		t.Errorf("exit %d, %q", code, errb.String())
	}
}
