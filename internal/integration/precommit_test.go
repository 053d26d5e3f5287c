// Package integration tests gracelint where users meet it: the pre-commit
// hook and the GitHub Action, run for real against this checkout.
package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is this checkout.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (.ci/run installs it)", tool)
		}
	}
}

func run(t *testing.T, dir string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPreCommitHook runs the real pre-commit with try-repo against this
// checkout: the hook must block staged files with bugs and let the fixed
// ones through.
func TestPreCommitHook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the hook's environment")
	}
	need(t, "git", "pre-commit", "go")
	// pre-commit builds the hook in a GOPATH of its own, whose module cache
	// would download every module again at each try-repo; the modules are
	// the same, so it shares this machine's cache (the build is unchanged).
	if modcache, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil && len(strings.TrimSpace(string(modcache))) > 0 {
		t.Setenv("GOMODCACHE", strings.TrimSpace(string(modcache)))
	}
	root := snapshot(t, repoRoot(t))
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q"}, {"config", "user.email", "ci@example.com"}, {"config", "user.name", "ci"}} {
		if out, err := run(t, dir, "git", args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	fixtures := filepath.Join(root, "fixtures")
	copyFile(t, filepath.Join(fixtures, "GL102/bad-seed.json"), filepath.Join(dir, "worker-taskdef.json"))
	copyFile(t, filepath.Join(fixtures, "GL101/bad-debian.Dockerfile"), filepath.Join(dir, "Dockerfile"))
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name": "app"}`), 0o644)
	// The task definition runs the image the Dockerfile builds.
	os.WriteFile(filepath.Join(dir, ".gracelint.yaml"), []byte("images:\n  \"*/rails-app:*\":\n    dockerfile: Dockerfile\n"), 0o644)
	stageAndTry := func() (string, error) {
		if out, err := run(t, dir, "git", "add", "-A"); err != nil {
			t.Fatalf("git add: %v\n%s", err, out)
		}
		return run(t, dir, "pre-commit", "try-repo", root, "gracelint")
	}
	out, err := stageAndTry()
	if err == nil || !strings.Contains(out, "Failed") || !strings.Contains(out, "worker-taskdef.json:12:18: error:") || !strings.Contains(out, "[GL101 shell-form-command]") {
		t.Fatalf("the hook let the bugs through (%v):\n%s", err, out)
	}
	if strings.Contains(out, "package.json") {
		t.Errorf("JSON that is no task definition was reported:\n%s", out)
	}
	copyFile(t, filepath.Join(fixtures, "GL102/ok-seed-fixed.json"), filepath.Join(dir, "worker-taskdef.json"))
	copyFile(t, filepath.Join(fixtures, "GL101/bad-debian.Dockerfile.golden"), filepath.Join(dir, "Dockerfile"))
	if out, err := stageAndTry(); err != nil || !strings.Contains(out, "Passed") {
		t.Fatalf("the hook blocked the fixed files (%v):\n%s", err, out)
	}
	if out, err := run(t, dir, "git", "commit", "-q", "-m", "fixed"); err != nil {
		t.Fatalf("commit: %v\n%s", err, out)
	}
	// A compose file whose worker gets Compose's 10 s is blocked; with a
	// stop_grace_period above Sidekiq's timeout it passes.
	compose := "services:\n  worker:\n    build: .\n    command: [\"bundle\", \"exec\", \"sidekiq\", \"-C\", \"config/sidekiq.yml\"]\n"
	os.MkdirAll(filepath.Join(dir, "config"), 0o755)
	os.WriteFile(filepath.Join(dir, "config/sidekiq.yml"), []byte(":timeout: 20\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644)
	if out, err := stageAndTry(); err == nil || !strings.Contains(out, "compose.yaml:2:3: error:") {
		t.Fatalf("the hook let a compose worker without stop_grace_period through (%v):\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose+"    stop_grace_period: 30s\n"), 0o644)
	if out, err := stageAndTry(); err != nil {
		t.Fatalf("the hook blocked the fixed compose file (%v):\n%s", err, out)
	}
	if out, err := run(t, dir, "git", "commit", "-q", "-m", "compose"); err != nil {
		t.Fatalf("commit: %v\n%s", err, out)
	}
	// A commit that only raises Sidekiq's timeout above the grace is
	// blocked, though no target changed.
	os.WriteFile(filepath.Join(dir, "config/sidekiq.yml"), []byte(":timeout: 60\n"), 0o644)
	if out, err := stageAndTry(); err == nil || !strings.Contains(out, "compose.yaml:") || !strings.Contains(out, "GL201") {
		t.Fatalf("the hook let a raised Sidekiq timeout through (%v):\n%s", err, out)
	}
}

// snapshot commits the working tree of the checkout at root (tracked and
// untracked files that git does not ignore) to a new repository, so that
// pre-commit, which clones, sees work not committed yet.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	out, err := run(t, root, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if err != nil {
		t.Fatalf("git ls-files: %v\n%s", err, out)
	}
	dir := t.TempDir()
	for _, name := range strings.Split(strings.TrimSuffix(out, "\x00"), "\x00") {
		src := filepath.Join(root, name)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the working tree, or not a file
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-q", "-m", "snapshot"}} {
		if out, err := run(t, dir, "git", args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}
