package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A Dockerfile whose one finding has a safe fix: CMD in shell form.
const fixable = "FROM ruby:3.3-slim\nCMD bundle exec sidekiq\n"

func fixedOK(t *testing.T, p string) bool {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), `CMD ["bundle", "exec", "sidekiq"]`)
}

func TestWriteFixedRefusesAChangedFile(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", "edited meanwhile\n")
	err := writeFixed(dir, p, []byte(fixable), []byte("fixed\n"))
	if err != errChanged {
		t.Fatalf("err = %v, want errChanged", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "edited meanwhile\n" {
		t.Errorf("the edit made meanwhile was lost: %q", b)
	}
}

func TestFixKeepsLinksModesAndOwner(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", fixable)
	link := filepath.Join(dir, "Dockerfile.link")
	if err := os.Link(p, link); err != nil {
		t.Fatal(err)
	}
	q := write(t, dir, "mode/Dockerfile", fixable)
	if err := os.Chmod(q, 0o640|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	owned := write(t, dir, "owned/Dockerfile", fixable)
	root := os.Getuid() == 0
	if root {
		if err := os.Chown(owned, 1234, 5678); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := within(t, 20*time.Second, "--fix", p, q, owned)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{p, link, q, owned} {
		if !fixedOK(t, f) {
			t.Errorf("%s was not fixed", f)
		}
	}
	if a, b := inode(t, p), inode(t, link); a != b {
		t.Error("the hard link was broken")
	}
	if fi, _ := os.Stat(q); fi.Mode()&(os.ModePerm|os.ModeSetgid) != 0o640|os.ModeSetgid {
		t.Errorf("mode %v, want -rw-r----- with setgid", fi.Mode())
	}
	if st := stat(t, owned); root && (st.Uid != 1234 || st.Gid != 5678) {
		t.Errorf("owner %d:%d, want 1234:5678", st.Uid, st.Gid)
	}
}

func TestFixRefusesReadOnlyAndOutsideTheRoot(t *testing.T) {
	outside := t.TempDir()
	real := write(t, outside, "Dockerfile", fixable)
	dir := t.TempDir()
	if err := os.Symlink(real, filepath.Join(dir, "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	ro := write(t, dir, "ro/Dockerfile", fixable)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	good := write(t, dir, "good/Dockerfile", fixable)
	code, _, stderr := within(t, 20*time.Second, "--fix", "--root", dir, filepath.Join(dir, "Dockerfile"), ro, good)
	if code != ExitInput {
		t.Errorf("exit %d, want 2", code)
	}
	if fixedOK(t, real) {
		t.Error("a file outside the lint root was written through a symlink")
	}
	if fixedOK(t, ro) {
		t.Error("a read-only file was rewritten")
	}
	if !fixedOK(t, good) {
		t.Error("the other file was not fixed")
	}
	for _, want := range []string{"outside the lint root", "read-only"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}

func inode(t *testing.T, p string) uint64 { return stat(t, p).Ino }

func stat(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t)
}

// The lint root is the repository of the path named, not of the current
// directory: linting one file from $HOME must not walk $HOME.
func TestLintRootOfTheNamedPath(t *testing.T) {
	home := t.TempDir()
	app := filepath.Join(home, "src", "app")
	write(t, app, "worker.json", `{"containerDefinitions": []}`)
	os.MkdirAll(filepath.Join(app, ".git"), 0o755)
	write(t, home, "notes/readme.txt", "x")
	for name, want := range map[string]string{
		"src/app/worker.json": app,
		"src/app":             app,
		"notes/readme.txt":    filepath.Join(home, "notes"),
		"-":                   home,
	} {
		if got := repoRoot(namedDir(home, name)); got != want {
			t.Errorf("root for %q = %s, want %s", name, got, want)
		}
	}
	// Paths named in two places: the directory that holds both.
	if got := lintRootOf(home, []string{"src/app/worker.json", "notes/readme.txt"}); got != home {
		t.Errorf("root for two places = %s, want %s", got, home)
	}
	if got := lintRootOf(home, []string{"src/app/worker.json", "src/app"}); got != app {
		t.Errorf("root for one repository = %s, want %s", got, app)
	}
	code, _, stderr := within(t, 10*time.Second, "--root", filepath.Join(home, "nonexistent"), filepath.Join(app, "worker.json"))
	if code != ExitInput || !strings.Contains(stderr, "not a directory") {
		t.Errorf("--root that does not exist: exit %d, %q", code, stderr)
	}
}

// A repository cannot make gracelint read, or print, files outside the
// lint root: not by a symlinked input on a walk, nor by a symlinked script
// or configuration a Dockerfile follows.
func TestNothingReadOutsideTheRoot(t *testing.T) {
	outside := t.TempDir()
	secret := write(t, outside, "secret", "SECRET_TOKEN=hunter2\nFROM x\n")
	script := write(t, outside, "entrypoint.sh", "#!/bin/sh\n# SECRET_TOKEN=hunter2\nbundle exec sidekiq\n")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.MkdirAll(filepath.Join(dir, "evil"), 0o755)
	if err := os.Symlink(secret, filepath.Join(dir, "evil", "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(script, filepath.Join(dir, "entrypoint.sh")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "Dockerfile", "FROM ruby:3.3-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n")
	for _, format := range []string{"text", "json", "github", "sarif"} {
		code, stdout, stderr := within(t, 20*time.Second, "--format", format, dir)
		if strings.Contains(stdout+stderr, "hunter2") {
			t.Errorf("%s: a file outside the root was printed:\n%s%s", format, stdout, stderr)
		}
		if code != ExitInput || !strings.Contains(stdout+stderr, "outside the lint root") {
			t.Errorf("%s: exit %d, want 2 and the symlink named:\n%s%s", format, code, stdout, stderr)
		}
	}
}

// No byte of a file name or of input reaches a terminal or a CI log raw: a
// name that holds a newline and a workflow command forges nothing.
func TestNoRawControlCharacters(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	forged := "x\n::error file=forged::owned\x1b[31m\a"
	write(t, dir, "chart/Chart.yaml", "name: c\n")
	write(t, dir, "chart/templates/"+forged+".tpl", "{{- define \"x\" -}}\nimage: {{ .Values.image }}\n{{- end }}\n")
	write(t, dir, forged+"/Dockerfile", "FROM ruby:3.3\nCMD [\"sh\", \"-c\", \"sidekiq\"]\n")
	write(t, dir, "bad/Dockerfile", "FROM ruby:3.3\nCMD [\"sh\"\x1b]\x07\n")
	for _, format := range []string{"text", "github", "markdown"} {
		_, stdout, stderr := within(t, 20*time.Second, "--format", format, dir)
		for _, out := range []string{stdout, stderr} {
			if strings.ContainsAny(out, "\x1b\a") || strings.Contains(out, "\n::error file=forged") {
				t.Errorf("%s: raw control characters or a forged command:\n%q", format, out)
			}
		}
	}
}

// Every hunk of a diff gives the new file's line numbers right: edits that
// change no line count keep each hunk where it was (go-udiff 0.4.1 did
// not, from the second hunk on).
func TestDiffHunkHeaders(t *testing.T) {
	var before, after strings.Builder
	for i := 1; i <= 40; i++ {
		line := fmt.Sprintf("line %d\n", i)
		before.WriteString(line)
		if i == 12 || i == 19 || i == 30 {
			line = fmt.Sprintf("changed %d\n", i)
		}
		after.WriteString(line)
	}
	d, err := unifiedDiff("f", []byte(before.String()), []byte(after.String()))
	if err != nil {
		t.Fatal(err)
	}
	hunks := 0
	for _, line := range strings.Split(d, "\n") {
		var a, b, c, e int
		if n, _ := fmt.Sscanf(line, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &e); n == 4 {
			hunks++
			if a != c || b != e {
				t.Errorf("hunk %q: the new file's lines differ from the old's", line)
			}
		}
	}
	if hunks < 2 {
		t.Fatalf("want several hunks:\n%s", d)
	}
}

// A directory named through a symlink is walked, and a file named twice (or
// reached again through the walk) is linted once.
func TestNamedSymlinkDirAndDuplicates(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	task := write(t, dir, "real/task.json", `{"containerDefinitions":[{"name":"w","image":"ruby:3.3-slim","command":["sh","-c","bundle exec sidekiq"]}]}`)
	link := filepath.Join(dir, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := within(t, 10*time.Second, link)
	if code != ExitFindings || !strings.Contains(stdout, "GL102") {
		t.Errorf("symlinked directory: exit %d:\n%s", code, stdout)
	}
	_, stdout, _ = within(t, 10*time.Second, task, task, filepath.Join(dir, "real"))
	if n := strings.Count(stdout, "[GL102"); n != 1 {
		t.Errorf("the file was reported %d times:\n%s", n, stdout)
	}
}

// A FIFO or a device reached as a followed file (an entrypoint script, a
// Sidekiq configuration, a Compose .env) neither blocks the run nor fills
// memory: it is not read, and the rest is linted.
func TestFollowedSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(dir, "entrypoint.sh"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, ".env"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "config"), 0o755)
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "config", "sidekiq.yml")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "Dockerfile", "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"/app/entrypoint.sh\"]\nCMD [\"bundle\", \"exec\", \"sidekiq\", \"-C\", \"config/sidekiq.yml\"]\n")
	write(t, dir, "compose.yaml", "services:\n  worker:\n    image: ruby:3.3-slim\n    command: [\"sh\", \"-c\", \"bundle exec sidekiq -C config/sidekiq.yml\"]\n")
	code, stdout, stderr := within(t, 5*time.Second, dir)
	if code != ExitInput || !strings.Contains(stdout, "GL102") || !strings.Contains(stderr, "sidekiq.yml: a symlink to /dev/zero") {
		t.Errorf("exit %d, want 2 for the symlink the walk met, and the compose finding:\n%s%s", code, stdout, stderr)
	}
}
