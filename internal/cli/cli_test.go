package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func gracelint(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

type jsonOut struct {
	Version  string `json:"version"`
	Findings []struct {
		Rule, Name, Severity, File, Message, Suggestion string
		Line, Column, EndLine, EndColumn                int
	} `json:"findings"`
	Errors []struct {
		File         string
		Line, Column int
		Message      string
	} `json:"errors"`
}

func runJSON(t *testing.T, args ...string) (int, jsonOut) {
	t.Helper()
	code, stdout, stderr := gracelint(t, "", append([]string{"--format", "json"}, args...)...)
	var out jsonOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s\n%s", err, stdout, stderr)
	}
	return code, out
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSeed(t *testing.T) {
	// Alone, the task definition does not say which shell the image has:
	// gracelint says what it assumes, at info.
	code, out := runJSON(t, "../../fixtures/GL102/bad-seed.json")
	if code != ExitClean || len(out.Findings) != 1 || out.Findings[0].Severity != "info" || !strings.Contains(out.Findings[0].Message, "assuming /bin/sh is dash") {
		t.Errorf("without the image: exit %d, %+v", code, out.Findings)
	}
	code, out = runJSON(t, "--config", seedConfig, "../../fixtures/GL102/bad-seed.json")
	if code != ExitFindings {
		t.Errorf("exit %d, want 1", code)
	}
	var got []string
	for _, f := range out.Findings {
		got = append(got, f.Rule+" "+f.Severity)
		if f.Line != 12 || f.Column != 18 || f.EndLine != 12 || f.EndColumn != 81 {
			t.Errorf("%s at %d:%d-%d:%d, want the command array at 12:18-12:81", f.Rule, f.Line, f.Column, f.EndLine, f.EndColumn)
		}
	}
	if strings.Join(got, ",") != "GL102 error" {
		t.Errorf("findings = %v", got)
	}
	code, stdout, stderr := gracelint(t, "", "../../fixtures/GL102/ok-seed-fixed.json")
	if code != ExitClean || stdout != "" || stderr != "gracelint: 1 file, no findings\n" {
		t.Errorf("fixed seed: exit %d, output %q %q", code, stdout, stderr)
	}
}

func TestBadJSONDoesNotStopTheRun(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a/broken.json", "{\n  \"containerDefinitions\": [\n    {\"name\": \"w\" \"command\": []}\n  ]\n}\n")
	write(t, dir, "b/worker.json", `{"containerDefinitions": [{"name": "w", "command": ["sh", "-c", "sidekiq"]}]}`)
	code, out := runJSON(t, dir)
	if code != ExitInput {
		t.Errorf("exit %d, want 2", code)
	}
	if len(out.Errors) != 1 || out.Errors[0].Line != 3 || out.Errors[0].Column != 18 || !strings.Contains(out.Errors[0].Message, "invalid JSON") {
		t.Errorf("errors = %+v, want invalid JSON at 3:18", out.Errors)
	}
	if len(out.Findings) == 0 || !strings.HasSuffix(out.Findings[0].File, "b/worker.json") {
		t.Errorf("the other file must still be linted: %+v", out.Findings)
	}
	code, _, stderr := gracelint(t, "", dir)
	if code != ExitInput || !strings.Contains(stderr, "broken.json:3:18: invalid JSON") {
		t.Errorf("text: exit %d, stderr %q", code, stderr)
	}
}

func TestWalk(t *testing.T) {
	dir := t.TempDir()
	bad := "FROM ruby:3.3\nCMD sidekiq\n"
	for _, name := range []string{"Dockerfile", "Containerfile", "Dockerfile.worker", "worker.Dockerfile", "x.dockerfile", "Containerfile.dev",
		"node_modules/Dockerfile", "vendor/Dockerfile", ".git/Dockerfile", ".devcontainer/Dockerfile", "notes.txt", "Dockerfile.txt/../Dockerfilex"} {
		write(t, dir, name, bad)
	}
	write(t, dir, "package.json", `{"name": "app", "containerDefinitions": 1}`)
	write(t, dir, "tsconfig.json", `{"compilerOptions": {}}`)
	write(t, dir, "broken-other.json", `{not json`)
	write(t, dir, "deploy/describe.json", `{"taskDefinition": {"containerDefinitions": [{"name": "w", "command": ["sh", "-c", "sidekiq"]}]}}`)
	_, out := runJSON(t, dir)
	files := map[string]bool{}
	for _, f := range out.Findings {
		files[filepath.Base(f.File)] = true
	}
	for _, want := range []string{"Dockerfile", "Containerfile", "Dockerfile.worker", "worker.Dockerfile", "x.dockerfile", "Containerfile.dev", "describe.json"} {
		if !files[want] {
			t.Errorf("%s was not linted", want)
		}
	}
	if len(files) != 7 {
		t.Errorf("linted %v", files)
	}
	if len(out.Errors) != 1 || !strings.HasSuffix(out.Errors[0].File, "package.json") {
		t.Errorf("package.json holds containerDefinitions of the wrong type, so it is reported: %+v", out.Errors)
	}
	for _, f := range out.Findings {
		if strings.Contains(f.File, "node_modules") || strings.Contains(f.File, "vendor") || strings.Contains(f.File, ".git") || strings.Contains(f.File, ".devcontainer") {
			t.Errorf("%s must be skipped", f.File)
		}
	}
}

func TestDevcontainerIsSkipped(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".devcontainer/Dockerfile", "FROM ruby:3.3\nCMD sleep infinity\n")
	write(t, dir, ".devcontainer/docker-compose.yml", "services:\n  app:\n    image: ruby\n    command: sleep infinity\n")
	write(t, dir, "app/.devcontainer/compose.yaml", "services:\n  app:\n    image: ruby\n    command: sleep infinity\n")
	if code, stdout, stderr := gracelint(t, "", dir); code != ExitClean || stdout != "" || !strings.Contains(stderr, "note: no file to lint") {
		t.Errorf("a walk skips .devcontainer, and says it found nothing to lint: exit %d, %q %q", code, stdout, stderr)
	}
	if code, out := runJSON(t, filepath.Join(dir, ".devcontainer", "Dockerfile")); code != ExitFindings || len(out.Findings) == 0 {
		t.Errorf("a file in .devcontainer named on the command line is linted: exit %d, %+v", code, out)
	}
	if code, out := runJSON(t, filepath.Join(dir, ".devcontainer")); code != ExitFindings || len(out.Findings) == 0 {
		t.Errorf(".devcontainer named on the command line is walked: exit %d, %+v", code, out)
	}
}

func TestWalkDockerfileNames(t *testing.T) {
	dir := t.TempDir()
	bad := "# syntax=docker/dockerfile:1\nFROM ruby:3.3\nCMD sidekiq\n"
	linted := []string{"Dockerfile-worker", "Dockerfile_prod", "worker-Dockerfile", "worker_Dockerfile", "Dockerfile.prod", "Containerfile-dev"}
	for _, name := range linted {
		write(t, dir, name, bad)
	}
	// Names like a Dockerfile's whose extension says otherwise: never read.
	write(t, dir, "config/dockerfile.yml", "# generated by dockerfile-rails\n\n---\noptions:\n  jemalloc: true\n")
	write(t, dir, "Dockerfile.dockerignore", "node_modules\n.git\n")
	write(t, dir, "internal/dockerfile.go", "package internal\n")
	write(t, dir, "docs/Dockerfile.md", "FROM is the first instruction\n")
	// A name like a Dockerfile's whose first instruction is not FROM or ARG.
	write(t, dir, "Dockerfile.notes", "Build with make image.\n")
	code, stdout, stderr := gracelint(t, "", "--format", "json", dir)
	var out jsonOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if code != ExitFindings || len(out.Errors) != 0 {
		t.Errorf("exit %d, errors %+v, want 1 and none", code, out.Errors)
	}
	files := map[string]bool{}
	for _, f := range out.Findings {
		files[filepath.Base(f.File)] = true
	}
	for _, want := range linted {
		if !files[want] {
			t.Errorf("%s was not linted", want)
		}
	}
	if len(files) != len(linted) {
		t.Errorf("linted %v", files)
	}
	if !strings.Contains(stderr, "note: skipped 1 file named like a Dockerfile ("+filepath.ToSlash(filepath.Join(dir, "Dockerfile.notes"))+"): the first instruction is not FROM or ARG") {
		t.Errorf("stderr %q", stderr)
	}
	// Named on the command line, each is a Dockerfile, and its error shows.
	for _, name := range []string{"config/dockerfile.yml", "Dockerfile.dockerignore", "Dockerfile.notes"} {
		if code, out := runJSON(t, filepath.Join(dir, name)); code != ExitInput || len(out.Errors) != 1 {
			t.Errorf("%s named: exit %d, %+v", name, code, out)
		}
	}
	// --skip-unknown skips what a walk skips.
	if code, stdout, _ := gracelint(t, "", "--skip-unknown", filepath.Join(dir, "config/dockerfile.yml"), filepath.Join(dir, "Dockerfile.notes")); code != ExitClean || stdout != "" {
		t.Errorf("--skip-unknown: exit %d, %q", code, stdout)
	}
}

func TestWalkComposeByContent(t *testing.T) {
	dir := t.TempDir()
	svc := "services:\n  worker:\n    image: ruby:3.3-slim\n    command: [bundle, exec, sidekiq]\n"
	composes := []string{"compose.production.yml", "docker-compose-production.yml", "docker-compose.prod.yml",
		"compose.example.yml", "docker-compose.example.yml", "docker/docker-compose.yml", "deploy/stack.yaml"}
	for _, name := range composes {
		write(t, dir, name, "name: app\n"+svc)
	}
	write(t, dir, "chart/values.yaml", "replicaCount: 1\n"+svc)
	write(t, dir, "convox.yml", "services:\n  worker:\n    build: .\n    command: bundle exec sidekiq\n    scale: {count: 1}\n    drain: 60\n")
	write(t, dir, "render.yaml", "services:\n  - type: worker\n    name: sidekiq\n")
	write(t, dir, "config/settings.yml", "services:\n  mail:\n    host: smtp.example.com\n")
	code, out := runJSON(t, dir)
	if code != ExitFindings || len(out.Errors) != 0 {
		t.Errorf("exit %d, errors %+v", code, out.Errors)
	}
	files := map[string]bool{}
	for _, f := range out.Findings {
		rel, _ := filepath.Rel(dir, f.File)
		files[filepath.ToSlash(rel)] = true
	}
	for _, want := range composes {
		if !files[want] {
			t.Errorf("%s was not linted", want)
		}
	}
	if len(files) != len(composes) {
		t.Errorf("linted %v", files)
	}
}

func TestWalkSkipsHelmTpl(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "charts/app/Chart.yaml", "apiVersion: v2\nname: app\n")
	helpers := write(t, dir, "charts/app/templates/_helpers.tpl", "{{/* vim: set filetype=mustache: */}}\n{{- define \"app.image\" -}}\n\"image\": {{ .Values.image | quote }}\n{{- end }}\n")
	write(t, dir, "charts/app/templates/_env.tpl", "{{ define \"app.env\" }}\n\"image\": x\n{{ end }}\n")
	write(t, dir, "charts/app/templates/sub/ports.tpl", "\"image\": [{{ .Values.port }}\n")
	write(t, dir, "helm/_shared.tpl", "{{- define \"x\" }}\"image\": 1{{ end }}\n")
	// A Terraform template of a task definition is still linted.
	write(t, dir, "infra/templates/task.json.tpl", `[{"name": "w", "image": "ruby:3.3", "command": ["sh", "-c", "sidekiq"]}]`)
	code, stdout, stderr := gracelint(t, "", "--format", "json", dir)
	var out jsonOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if code != ExitFindings || len(out.Errors) != 0 {
		t.Errorf("exit %d, errors %+v", code, out.Errors)
	}
	for _, f := range out.Findings {
		if !strings.HasSuffix(f.File, "infra/templates/task.json.tpl") {
			t.Errorf("finding in %s", f.File)
		}
	}
	if len(out.Findings) == 0 {
		t.Error("the task definition template was not linted")
	}
	// A chart's partials are read through its manifests; one outside a
	// chart is not YAML until rendered.
	if !strings.Contains(stderr, "note: skipped 1 Helm template (") || !strings.Contains(stderr, "_shared.tpl") {
		t.Errorf("stderr %q", stderr)
	}
	// Named, the partial of a chart that makes no manifest says what it is.
	code, _, stderr = gracelint(t, "", helpers)
	if code != ExitInput || !strings.Contains(stderr, "a Helm template") || strings.Contains(stderr, "invalid JSON") {
		t.Errorf("named: exit %d, %q", code, stderr)
	}
}

func TestWalkRespectsGitignore(t *testing.T) {
	dir := t.TempDir()
	bad := "FROM ruby:3.3\nCMD sidekiq\n"
	write(t, dir, ".gitignore", "# build output\nbuild/\nout\n*.generated.json\n!keep.generated.json\n/Dockerfile.local\nDockerfile.dev\ncdk.out\r\n")
	write(t, dir, "svc/.gitignore", "tmp/\nDockerfile.scratch\n!Dockerfile.dev\n")
	ignored := []string{"build/Dockerfile", "sub/build/Dockerfile", "out/Dockerfile", "Dockerfile.local",
		"svc/tmp/Dockerfile", "svc/Dockerfile.scratch", "cdk.out/Dockerfile", "x.generated.json", "sub/Dockerfile.dev"}
	linted := []string{"Dockerfile", "build.Dockerfile", "sub/Dockerfile.local", "svc/Dockerfile.local",
		"other/Dockerfile.scratch", "keep.generated.json", "svc/tmp.Dockerfile", "svc/Dockerfile.dev"}
	td := `{"containerDefinitions": [{"name": "w", "command": ["sh", "-c", "sidekiq"]}]}`
	for _, name := range append(ignored, linted...) {
		if strings.HasSuffix(name, ".json") {
			write(t, dir, name, td)
		} else {
			write(t, dir, name, bad)
		}
	}
	write(t, dir, "sub/out/Dockerfile", bad) // "out" ignores the directory too
	_, out := runJSON(t, dir)
	files := map[string]bool{}
	for _, f := range out.Findings {
		rel, _ := filepath.Rel(dir, f.File)
		files[filepath.ToSlash(rel)] = true
	}
	for _, name := range linted {
		if !files[name] {
			t.Errorf("%s was not linted", name)
		}
	}
	for _, name := range append(ignored, "sub/out/Dockerfile") {
		if files[name] {
			t.Errorf("%s is ignored, but was linted", name)
		}
	}
	// Named on the command line, an ignored file is linted, and an ignored
	// directory is walked.
	if code, out := runJSON(t, filepath.Join(dir, "build/Dockerfile")); code != ExitFindings || len(out.Findings) == 0 {
		t.Errorf("an ignored file named: exit %d, %+v", code, out)
	}
	if code, out := runJSON(t, filepath.Join(dir, "cdk.out")); code != ExitFindings || len(out.Findings) == 0 {
		t.Errorf("an ignored directory named: exit %d, %+v", code, out)
	}
}

func TestExplicitFiles(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "worker-image", "FROM ruby:3.3\nCMD sidekiq\n")
	if code, out := runJSON(t, p); code != ExitFindings || len(out.Findings) == 0 {
		t.Errorf("a Dockerfile named on the command line is linted whatever its name: exit %d, %+v", code, out)
	}
	p = write(t, dir, "README", "hello\n")
	if code, out := runJSON(t, p); code != ExitInput || len(out.Errors) != 1 {
		t.Errorf("an unknown file named on the command line is an error: exit %d, %+v", code, out)
	}
	if code, out := runJSON(t, filepath.Join(dir, "missing")); code != ExitInput || len(out.Errors) != 1 {
		t.Errorf("a missing path is an error: exit %d, %+v", code, out)
	}
	p = write(t, dir, "other.json", `{"a": 1}`)
	if code, out := runJSON(t, p); code != ExitInput || !strings.Contains(out.Errors[0].Message, "not an ECS task definition") {
		t.Errorf("JSON that is not a task definition, named explicitly: exit %d, %+v", code, out)
	}
}

func TestStdin(t *testing.T) {
	code, stdout, _ := gracelint(t, "FROM ruby:3.3\nCMD sidekiq\n", "--stdin-filename", "deploy/Dockerfile", "-")
	if code != ExitFindings || !strings.HasPrefix(stdout, "deploy/Dockerfile:2:1: error:") {
		t.Errorf("exit %d, output %q", code, stdout)
	}
	code, stdout, _ = gracelint(t, `{"containerDefinitions": [{"name": "w", "image": "ruby:3.3", "command": ["sh", "-c", "sidekiq"]}]}`, "-")
	if code != ExitFindings || !strings.HasPrefix(stdout, "stdin:1:") {
		t.Errorf("JSON on stdin: exit %d, output %q", code, stdout)
	}
}

func TestFailLevel(t *testing.T) {
	warnOnly := "../../fixtures/GL104/bad-tini-under-init.json"
	for _, tt := range []struct {
		level string
		code  int
	}{{"warning", 1}, {"info", 1}, {"error", 0}, {"none", 0}, {"bogus", 2}} {
		if code, _, _ := gracelint(t, "", "--fail-level", tt.level, warnOnly); code != tt.code {
			t.Errorf("--fail-level %s: exit %d, want %d", tt.level, code, tt.code)
		}
	}
}

func TestUsage(t *testing.T) {
	if code, _, stderr := gracelint(t, "", "--format", "xml", "."); code != ExitInput || !strings.Contains(stderr, "unknown --format") {
		t.Errorf("bad format: exit %d, %q", code, stderr)
	}
	if code, _, stderr := gracelint(t, "", "--no-such-flag"); code != ExitInput || !strings.Contains(stderr, "unknown flag") {
		t.Errorf("bad flag: exit %d, %q", code, stderr)
	}
	if code, stdout, _ := gracelint(t, "", "--version"); code != ExitClean || !strings.Contains(stdout, Version) {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}

func TestNoColorWhenNotATerminal(t *testing.T) {
	_, stdout, _ := gracelint(t, "", "../../fixtures/GL101")
	if strings.Contains(stdout, "\x1b[") {
		t.Error("color written to a pipe")
	}
}

// TestGolden pins the whole text and JSON output on the fixtures.
func TestGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			_, stdout, _ := gracelint(t, "", "--format", format, "../../fixtures")
			checkGolden(t, filepath.Join("testdata", "fixtures."+format+".golden"), stdout)
		})
	}
}

// fixturesDir is absolute so that tests may change directory.
var fixturesDir, _ = filepath.Abs("../../fixtures")

// copyFixture copies a fixture into dir and returns its new path.
func copyFixture(t *testing.T, dir, fixture string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(fixturesDir, fixture))
	if err != nil {
		t.Fatal(err)
	}
	return write(t, dir, filepath.Base(fixture), string(src))
}

// seedConfig tells gracelint the shell of the seed's image.
const seedConfig = "testdata/seed.gracelint.yaml"

func TestFixSeed(t *testing.T) {
	dir := t.TempDir()
	p := copyFixture(t, dir, "GL102/bad-seed.json")
	code, stdout, stderr := gracelint(t, "", "--fix", p)
	if code != ExitClean || stdout != "" || !strings.Contains(stderr, "applied 1 fix in 1 file") {
		t.Errorf("--fix: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	got, _ := os.ReadFile(p)
	want, _ := os.ReadFile("../../fixtures/GL102/bad-seed.json.golden")
	if !bytes.Equal(got, want) {
		t.Errorf("fixed file:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(string(got), `"command": ["sh", "-c", "exec bundle exec sidekiq -C config/sidekiq.yml -t 20"],`) {
		t.Errorf("the seed's fix is not the expected one:\n%s", got)
	}
	if code, stdout, _ := gracelint(t, "", "--diff", p); code != ExitClean || stdout != "" {
		t.Errorf("second run: exit %d, diff %q", code, stdout)
	}
}

func TestDiffAppliesLikeFix(t *testing.T) {
	for _, fixture := range []string{"GL102/bad-seed.json", "GL102/bad-crlf-tabs.json", "GL102/bad-minified.json", "GL101/bad-escape.Dockerfile", "GL101/bad-debian.Dockerfile"} {
		t.Run(fixture, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			p := filepath.Base(copyFixture(t, dir, fixture))
			before, _ := os.ReadFile(p)
			code, diff, stderr := gracelint(t, "", "--diff", "--unsafe-fixes", p)
			if code != ExitFindings || !strings.HasPrefix(diff, "--- "+p+"\n+++ "+p+"\n") {
				t.Fatalf("--diff: exit %d, %q, %q", code, diff, stderr)
			}
			if after, _ := os.ReadFile(p); !bytes.Equal(after, before) {
				t.Fatal("--diff wrote the file")
			}
			if code, _, stderr := gracelint(t, "", "--fix", "--unsafe-fixes", p); code == ExitInternal || code == ExitInput {
				t.Fatalf("--fix: exit %d: %s", code, stderr)
			}
			fixed, _ := os.ReadFile(p)
			for _, tool := range [][]string{{"patch", "-p0", "--quiet"}, {"git", "apply", "-p0"}} {
				if _, err := exec.LookPath(tool[0]); err != nil {
					t.Logf("%s is not installed", tool[0])
					continue
				}
				if err := os.WriteFile(p, before, 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(tool[0], tool[1:]...)
				cmd.Stdin = strings.NewReader(diff)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s\n%s", tool[0], err, out, diff)
				}
				if patched, _ := os.ReadFile(p); !bytes.Equal(patched, fixed) {
					t.Errorf("%s result differs from --fix:\n%q\n%q", tool[0], patched, fixed)
				}
			}
		})
	}
}

func TestFixKeepsModeAndWritesThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := copyFixture(t, dir, "GL102/bad-seed.json")
	if err := os.Chmod(target, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := gracelint(t, "", "--fix", link); code != ExitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	fi, _ := os.Stat(target)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(target); !strings.Contains(string(b), "exec bundle") {
		t.Error("the target was not fixed")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*gracelint*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestFixWritesOnlyChangedFiles(t *testing.T) {
	dir := t.TempDir()
	clean := copyFixture(t, dir, "GL102/ok-seed-fixed.json")
	unfixable := copyFixture(t, dir, "GL101/bad-bash-followed.Dockerfile")
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{clean, unfixable} {
		os.Chtimes(p, old, old)
	}
	code, stdout, _ := gracelint(t, "", "--fix", dir)
	if code != ExitFindings || !strings.Contains(stdout, "GL101") {
		t.Errorf("exit %d, remaining findings %q", code, stdout)
	}
	for _, p := range []string{clean, unfixable} {
		if fi, _ := os.Stat(p); !fi.ModTime().Equal(old) {
			t.Errorf("%s was written", filepath.Base(p))
		}
	}
}

func TestUnsafeFixesNeedTheFlag(t *testing.T) {
	dir := t.TempDir()
	p := copyFixture(t, dir, "GL202/bad-300.json")
	if code, diff, _ := gracelint(t, "", "--diff", p); code != ExitClean || diff != "" {
		t.Errorf("without --unsafe-fixes: exit %d, diff %q", code, diff)
	}
	if code, diff, _ := gracelint(t, "", "--diff", "--unsafe-fixes", p); code != ExitFindings || !strings.Contains(diff, `+    {"name": "nginx", "image": "nginx:1.27", "stopTimeout": 120}`) {
		t.Errorf("with --unsafe-fixes: exit %d, diff %q", code, diff)
	}
}

func TestFixFlagsUsage(t *testing.T) {
	if code, _, stderr := gracelint(t, "", "--fix", "-"); code != ExitInput || !strings.Contains(stderr, "--diff") {
		t.Errorf("--fix on stdin: exit %d, %q", code, stderr)
	}
	if code, _, _ := gracelint(t, "", "--fix", "--diff", "."); code != ExitInput {
		t.Errorf("--fix --diff: exit %d", code)
	}
	code, diff, _ := gracelint(t, "FROM ruby:3.3\nENTRYPOINT [\"tini\", \"--\"]\nCMD sidekiq -t 5\n", "--diff", "--stdin-filename", "Dockerfile", "-")
	if code != ExitFindings || !strings.Contains(diff, `+CMD ["sidekiq", "-t", "5"]`) {
		t.Errorf("--diff on stdin: exit %d, %q", code, diff)
	}
}

// TestSummary: a run ends with one line on stderr that counts files,
// findings by severity and the fixes --fix would apply.
func TestSummary(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM ruby:3.3-slim\nCMD bundle exec sidekiq\n")
	write(t, dir, "worker.json", `{"containerDefinitions": [{"name": "w", "image": "ruby:3.3", "command": ["sh", "-c", "bundle exec sidekiq -t 60"]}]}`)
	_, stdout, stderr := gracelint(t, "", "--format", "json", dir)
	var out jsonOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range out.Findings {
		counts[f.Severity]++
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	want := fmt.Sprintf("gracelint: 2 files, %d findings (", len(out.Findings))
	if !strings.HasPrefix(last, want) || !strings.Contains(last, fmt.Sprintf("%d error", counts["error"])) || !strings.Contains(last, "fixable with --fix") {
		t.Errorf("summary %q, findings %v", last, counts)
	}
	// Nothing to lint: a note, and no summary.
	empty := t.TempDir()
	code, _, stderr := gracelint(t, "", empty)
	if code != ExitClean || !strings.HasPrefix(stderr, "note: no file to lint") || strings.Contains(stderr, "gracelint:") {
		t.Errorf("empty: exit %d, %q", code, stderr)
	}
}

// TestVerbose: -v names, for each service of a compose file beside two
// Dockerfiles, the image it runs and why, and the chain and stop.
func TestVerbose(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "api/Dockerfile", "FROM ruby:3.3-slim\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
	write(t, dir, "jobs/Dockerfile", "FROM ruby:3.3-slim\nCMD [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"4\"]\n")
	write(t, dir, "compose.yaml", "services:\n  api:\n    build: ./api\n  jobs:\n    build:\n      context: jobs\n  cache:\n    image: redis:7\n  other:\n    image: acme/other:1\n")
	code, _, stderr := gracelint(t, "", "-v", dir)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"compose.yaml: read as Compose file",
		"container api\n    image: built from api/Dockerfile (its build)\n    runs: bundle exec puma",
		"container jobs\n    image: built from jobs/Dockerfile (its build)",
		"program: sidekiq, a drain of 4 s (-t 4)",
		"stop: Docker Compose sends the image's STOPSIGNAL, then SIGKILL; stop_grace_period is not set: 10 s",
		"container other\n    image: no file of the run builds its image",
		"api/Dockerfile: read as Dockerfile",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-v does not say %q:\n%s", want, stderr)
		}
	}
	if _, _, quiet := gracelint(t, "", dir); strings.Contains(quiet, "read as") {
		t.Errorf("without -v: %q", quiet)
	}
}

// TestNamedFileReadByATarget: a file that is no target (a script, Sidekiq's
// configuration) named alone, as a pre-commit hook passes a change, lints
// the targets of the repository that read it.
func TestNamedFileReadByATarget(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".git/HEAD", "ref: refs/heads/main\n")
	write(t, dir, "Dockerfile", "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nCMD [\"bin/start\"]\n")
	write(t, dir, "bin/start", "#!/bin/sh\nexec bundle exec sidekiq -C config/sidekiq.yml\n")
	write(t, dir, "compose.yaml", "services:\n  worker:\n    build: .\n    stop_grace_period: 30s\n")
	write(t, dir, "config/sidekiq.yml", ":timeout: 20\n")
	write(t, dir, "other/Dockerfile", "FROM ruby:3.3-slim\nCMD [\"sleep\", \"infinity\"]\n")
	cfg := filepath.Join(dir, "config/sidekiq.yml")
	for _, args := range [][]string{{cfg}, {"--skip-unknown", cfg}} {
		code, stdout, stderr := gracelint(t, "", args...)
		if code != ExitClean || stdout != "" || !strings.HasPrefix(stderr, "gracelint: 1 file, no findings") {
			t.Errorf("%v with the timeout under the grace: exit %d, %q, %q", args, code, stdout, stderr)
		}
	}
	// Raised above compose's 30 s: the compose file that reads it fails.
	write(t, dir, "config/sidekiq.yml", ":timeout: 60\n")
	code, stdout, _ := gracelint(t, "", "--skip-unknown", cfg)
	if code != ExitFindings || !strings.Contains(stdout, "compose.yaml:") || !strings.Contains(stdout, "GL201") || strings.Contains(stdout, "other/Dockerfile") {
		t.Errorf("raised timeout: exit %d, %q", code, stdout)
	}
	// The script the image runs, without exec now.
	write(t, dir, "bin/start", "#!/bin/sh\nbundle exec sidekiq -C config/sidekiq.yml\n")
	code, stdout, _ = gracelint(t, "", "--skip-unknown", filepath.Join(dir, "bin/start"))
	if code != ExitFindings || !strings.Contains(stdout, "bin/start:2:1: error:") {
		t.Errorf("script: exit %d, %q", code, stdout)
	}
	// A file no target reads: skipped with --skip-unknown, an error without.
	notes := write(t, dir, "notes.txt", "x\n")
	if code, _, _ := gracelint(t, "", "--skip-unknown", notes); code != ExitClean {
		t.Errorf("unread, --skip-unknown: exit %d", code)
	}
	if code, _, stderr := gracelint(t, "", notes); code != ExitInput || !strings.Contains(stderr, "not a kind of file gracelint reads") {
		t.Errorf("unread: exit %d, %q", code, stderr)
	}
}

// checkGolden compares got with the golden file, which -update rewrites.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./internal/cli -update rewrites it)\n%s", golden, got)
	}
}
