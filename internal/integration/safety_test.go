package integration

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCannotRunOrDial: the binary links no way to start a program
// (os/exec; os.StartProcess only in internal/monitor, which starts
// gracelint itself: TestStartsOnlyItself) and no network client; net comes only from pflag's IP-address
// flag types, google/uuid's interface addresses (for Sprig's uuid
// functions), and Sprig's getHostByName, which parser/helm replaces with a
// function that resolves nothing (TestRenderOffline there). One
// exception: go-shellwords, which splits Compose's string commands as
// compose-go does, links os/exec for backtick substitution, which its Parse
// leaves off (ParseBacktick is false); parser/compose calls only Parse, and
// TestShellwordsOnlyParse keeps it so.
func TestCannotRunOrDial(t *testing.T) {
	need(t, "go")
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "../../cmd/gracelint").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		for _, imp := range fields[1:] {
			switch {
			case imp == "os/exec" && fields[0] == "github.com/mattn/go-shellwords":
			case imp == "os/exec" || imp == "net/http" || imp == "plugin":
				t.Errorf("%s imports %s", fields[0], imp)
			case imp == "net" && strings.Contains(strings.Split(fields[0], "/")[0], ".") && // the standard library's own uses (crypto/x509's IP addresses) aside
				!slices.Contains([]string{"github.com/spf13/pflag", "github.com/Masterminds/sprig/v3", "github.com/google/uuid"}, fields[0]):
				t.Errorf("%s imports net", fields[0])
			}
		}
	}
}

// TestReadOnlyWithoutFix lints the fixtures in every format, and with
// --diff: not one byte of the tree changes.
func TestReadOnlyWithoutFix(t *testing.T) {
	bin := gracelintBinary(t)
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-r", filepath.Join(repoRoot(t), "fixtures"), dir).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	before := treeHash(t, dir)
	for _, args := range [][]string{{"."}, {"--diff", "--unsafe-fixes", "."}, {"-f", "sarif", "."}, {"-f", "json", "."}, {"-f", "gitlab", "."}, {"-f", "checkstyle", "."}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Run() // findings exit 1
	}
	if treeHash(t, dir) != before {
		t.Error("a run without --fix changed the tree")
	}
}

func treeHash(t *testing.T, dir string) string {
	h := sha256.New()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := d.Info()
		h.Write([]byte(p + info.Mode().String() + info.ModTime().String()))
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	return string(h.Sum(nil))
}

// TestShellwordsOnlyParse: gracelint uses go-shellwords through Parse alone,
// whose parser runs no backticks.
func TestShellwordsOnlyParse(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "*", "*", "*.go"))
	more, _ := filepath.Glob(filepath.Join(repoRoot(t), "*", "*.go"))
	for _, f := range append(files, more...) {
		b, _ := os.ReadFile(f)
		for _, use := range []string{"shellwords.NewParser", "ParseBacktick", "shellwords.ParseWithEnvs"} {
			if strings.Contains(string(b), use) && !strings.HasSuffix(f, "safety_test.go") {
				t.Errorf("%s uses %s", f, use)
			}
		}
	}
}

// TestStartsOnlyItself: the one process gracelint starts is its own
// executable, the child internal/monitor watches for a runtime crash.
func TestStartsOnlyItself(t *testing.T) {
	root := repoRoot(t)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, call := range []string{"StartProcess(", "ForkExec(", "syscall.Exec(", "StartProcess,"} {
			if !strings.Contains(string(b), call) {
				continue
			}
			rel, _ := filepath.Rel(root, p)
			if rel != filepath.Join("internal", "monitor", "monitor.go") {
				t.Errorf("%s calls %s", rel, call)
			}
		}
		return nil
	})
	b, err := os.ReadFile(filepath.Join(root, "internal", "monitor", "monitor.go"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "os.StartProcess("); n != 1 || !strings.Contains(string(b), "os.StartProcess(exe, os.Args,") || !strings.Contains(string(b), "exe, err := os.Executable()") {
		t.Error("internal/monitor must start os.Executable() with gracelint's own arguments, once")
	}
}
