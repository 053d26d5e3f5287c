package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type actionFile struct {
	Inputs  map[string]struct{ Default string }
	Outputs map[string]struct{ Value string }
	Runs    struct {
		Using string
		Steps []struct {
			ID, Uses, Shell, Run string
			WorkingDirectory     string `yaml:"working-directory"`
			Env                  map[string]string
		}
	}
}

var exprRe = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runAction runs action.yml's steps as the runner would, on this machine:
// "uses" steps are skipped (Go is already here), "run" steps get the
// GITHUB_* files and the expressions they use. It returns the action's
// outputs, the last step's standard output and its exit code.
func runAction(t *testing.T, inputs map[string]string, env map[string]string) (outputs map[string]string, stdout string, code int) {
	t.Helper()
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action runs %q", a.Runs.Using)
	}
	for name := range inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
	}
	steps := map[string]map[string]string{}
	eval := func(s string) string {
		return exprRe.ReplaceAllStringFunc(s, func(m string) string {
			expr := exprRe.FindStringSubmatch(m)[1]
			switch parts := strings.Split(expr, "."); {
			case expr == "github.action_path":
				return root
			case len(parts) == 2 && parts[0] == "inputs":
				if v, ok := inputs[parts[1]]; ok {
					return v
				}
				return a.Inputs[parts[1]].Default
			case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
				return steps[parts[1]][parts[3]]
			}
			t.Fatalf("unknown expression %q", expr)
			return ""
		})
	}
	tmp := t.TempDir()
	for i, step := range a.Runs.Steps {
		if step.Uses != "" {
			continue
		}
		if step.Shell != "bash" {
			t.Fatalf("step %d runs in %q", i, step.Shell)
		}
		outFile := filepath.Join(tmp, fmt.Sprintf("output-%d", i))
		os.WriteFile(outFile, nil, 0o644)
		script := filepath.Join(tmp, fmt.Sprintf("step-%d.sh", i))
		os.WriteFile(script, []byte(eval(step.Run)), 0o644)
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = root
		if step.WorkingDirectory != "" {
			cmd.Dir = eval(step.WorkingDirectory)
		}
		cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+outFile, "GITHUB_ACTION_PATH="+root, "RUNNER_TEMP="+tmp)
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		for k, v := range step.Env {
			cmd.Env = append(cmd.Env, k+"="+eval(v))
		}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		stdout, code = out.String(), cmd.ProcessState.ExitCode()
		if err != nil && i < len(a.Runs.Steps)-1 {
			t.Fatalf("step %s failed: %v\n%s", step.ID, err, errb.String())
		}
		steps[step.ID] = map[string]string{}
		written, _ := os.ReadFile(outFile)
		for _, line := range strings.Split(string(written), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				steps[step.ID][k] = v
			}
		}
	}
	outputs = map[string]string{}
	for name, o := range a.Outputs {
		outputs[name] = eval(o.Value)
	}
	return outputs, stdout, code
}

func TestActionOnFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gracelint")
	}
	dir := t.TempDir()
	summary, sarif := filepath.Join(dir, "summary.md"), filepath.Join(dir, "gracelint.sarif")
	outputs, stdout, code := runAction(t,
		map[string]string{"path": "fixtures/GL102 fixtures/GL104 fixtures/GL201", "sarif-file": sarif, "fail-level": "error"},
		map[string]string{"GITHUB_STEP_SUMMARY": summary})
	if code != 1 {
		t.Errorf("exit code %d, want 1: the fixtures hold errors", code)
	}
	annotations := 0
	for _, l := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if !strings.HasPrefix(l, "::") {
			t.Errorf("standard output holds more than workflow commands: %q", l)
		}
		if strings.HasPrefix(l, "::error file=fixtures/") {
			annotations++
		}
	}
	if annotations == 0 || fmt.Sprint(annotations) != outputs["errors"] {
		t.Errorf("annotations (%d errors) and outputs %v disagree:\n%s", annotations, outputs, stdout)
	}
	if outputs["exit-code"] != "1" || outputs["warnings"] == "0" || outputs["findings"] == "" {
		t.Errorf("outputs = %v", outputs)
	}
	if b, _ := os.ReadFile(summary); !strings.HasPrefix(string(b), "## gracelint\n") || !strings.Contains(string(b), "| error | fixtures/GL102/") {
		t.Errorf("summary:\n%s", b)
	}
	b, err := os.ReadFile(sarif)
	var log struct {
		Version string
		Runs    []struct{ Results []any }
	}
	if err != nil || json.Unmarshal(b, &log) != nil || log.Version != "2.1.0" || len(log.Runs[0].Results) == 0 {
		t.Errorf("SARIF file: %v\n%.200s", err, b)
	}
}

func TestActionOnCleanFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gracelint")
	}
	summary := filepath.Join(t.TempDir(), "summary.md")
	outputs, stdout, code := runAction(t, map[string]string{"path": "fixtures/GL102/ok-seed-fixed.json", "format": "none"},
		map[string]string{"GITHUB_STEP_SUMMARY": summary})
	if code != 0 || stdout != "" || outputs["findings"] != "0" || outputs["exit-code"] != "0" {
		t.Errorf("exit %d, stdout %q, outputs %v", code, stdout, outputs)
	}
	if b, _ := os.ReadFile(summary); !strings.Contains(string(b), "No findings.") {
		t.Errorf("summary:\n%s", b)
	}
}
