package integration

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCannotRunOrDial: gracelint's own packages link no way to start a
// program (os/exec) and no network client; net comes only from pflag's
// IP-address flag types. Two exceptions, each held to a use that cannot
// reach them:
//   - go-shellwords, which splits Compose's string commands as compose-go
//     does, links os/exec for backtick substitution, which its Parse leaves
//     off (ParseBacktick is false); parser/compose calls only Parse, and
//     TestShellwordsOnlyParse keeps it so.
//   - Helm's engine, which parser/helm renders charts with, links the
//     Kubernetes client (net/http, and os/exec for kubeconfig credential
//     plugins) for the lookup function, and net for getHostByName and for
//     values.schema.json references. parser/helm gives the engine no client
//     and no DNS and validates no schema; TestHelmOnlyOffline keeps it so,
//     and parser/helm's TestRenderOffline shows nothing dials.
//
// Every package that imports one of them is in the dependencies of Helm's
// packages, and parser/helm is the only package here that imports Helm.
func TestCannotRunOrDial(t *testing.T) {
	need(t, "go")
	helmDeps := map[string]bool{}
	out, err := exec.Command("go", "list", "-deps", "../../parser/helm").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		if !strings.HasPrefix(p, "github.com/gracelint/") {
			helmDeps[p] = true
		}
	}
	out, err = exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "../../cmd/gracelint").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		own := strings.HasPrefix(pkg, "github.com/gracelint/")
		for _, imp := range fields[1:] {
			switch {
			case own && pkg != "github.com/gracelint/gracelint/parser/helm" && (strings.HasPrefix(imp, "helm.sh/") || strings.HasPrefix(imp, "github.com/Masterminds/sprig")):
				t.Errorf("%s imports %s: only parser/helm may", pkg, imp)
			case imp != "os/exec" && imp != "net/http" && imp != "plugin" && imp != "net":
			case imp == "os/exec" && pkg == "github.com/mattn/go-shellwords":
			case imp == "net" && pkg == "github.com/spf13/pflag":
			case imp != "plugin" && !own && helmDeps[pkg]:
			default:
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}

// TestHelmOnlyOffline: parser/helm never hands Helm's engine what would
// let it reach a cluster, the DNS or a schema's URL.
func TestHelmOnlyOffline(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "parser", "helm", "*.go"))
	if len(files) == 0 {
		t.Fatal("parser/helm not found")
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, use := range []string{"engine.New", "RenderWithClient", "EnableDNS", "ToRenderValues(", "LoadDir", "rest.Config", "clientProvider"} {
			if strings.Contains(string(b), use) {
				t.Errorf("%s uses %s", f, use)
			}
		}
	}
}

// TestReadOnlyWithoutFix lints the fixtures in every format, and with
// --diff: not one byte of the tree changes.
func TestReadOnlyWithoutFix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gracelint")
	}
	bin := filepath.Join(t.TempDir(), "gracelint")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/gracelint").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
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
