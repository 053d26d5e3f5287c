package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	code, out := runJSON(t, "../../fixtures/GL102/bad-seed.json")
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
	if strings.Join(got, ",") != "GL102 error,GL103 warning" {
		t.Errorf("findings = %v", got)
	}
	code, stdout, stderr := gracelint(t, "", "../../fixtures/GL102/ok-seed-fixed.json")
	if code != ExitClean || stdout != "" || stderr != "" {
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
		"node_modules/Dockerfile", "vendor/Dockerfile", ".git/Dockerfile", "notes.txt", "Dockerfile.txt/../Dockerfilex"} {
		write(t, dir, name, bad)
	}
	write(t, dir, "package.json", `{"name": "app", "containerDefinitions": 1}`)
	write(t, dir, "tsconfig.json", `{"compilerOptions": {}}`)
	write(t, dir, "broken-other.json", `{not json`)
	write(t, dir, "deploy/describe.json", `{"taskDefinition": {"containerDefinitions": [{"name": "w", "command": ["sidekiq"]}]}}`)
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
		if strings.Contains(f.File, "node_modules") || strings.Contains(f.File, "vendor") || strings.Contains(f.File, ".git") {
			t.Errorf("%s must be skipped", f.File)
		}
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
	code, stdout, _ = gracelint(t, `{"containerDefinitions": [{"name": "w", "command": ["sidekiq"]}]}`, "-")
	if code != ExitFindings || !strings.HasPrefix(stdout, "stdin:1:") {
		t.Errorf("JSON on stdin: exit %d, output %q", code, stdout)
	}
}

func TestFailLevel(t *testing.T) {
	warnOnly := "../../fixtures/GL103/bad-no-init.json"
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
			golden := filepath.Join("testdata", "fixtures."+format+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != string(want) {
				t.Errorf("output differs from %s (go test ./internal/cli -update rewrites it)\n%s", golden, stdout)
			}
		})
	}
}
