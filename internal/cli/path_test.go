package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// seedBehindTini writes the seed's task definition behind an image whose
// ENTRYPOINT is tini -- bin/docker-entrypoint (ending in exec "$@").
func seedBehindTini(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, ".git/HEAD", "ref: refs/heads/main\n")
	b, err := os.ReadFile("../../fixtures/GL102/bad-seed.json")
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "worker.json", string(b))
	write(t, dir, "Dockerfile", "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"tini\", \"--\", \"bin/docker-entrypoint\"]\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
	write(t, dir, "bin/docker-entrypoint", "#!/bin/bash -e\nbin/rails db:prepare\nexec \"$@\"\n")
	write(t, dir, ".gracelint.yaml", "images:\n  \"*/rails-app:*\":\n    dockerfile: Dockerfile\n")
	return dir
}

// TestPathAcrossFiles: a finding shows the process tree it is about, in
// text, JSON and SARIF, across the task definition, the Dockerfile and
// the entrypoint script.
func TestPathAcrossFiles(t *testing.T) {
	dir := seedBehindTini(t)
	worker := filepath.Join(dir, "worker.json")
	cfg := filepath.Join(dir, ".gracelint.yaml")
	_, text, _ := gracelint(t, "", "--config", cfg, worker)
	for _, want := range []string{
		"  = path: PID 1: tini (" + filepath.Join(dir, "Dockerfile") + ":4)\n",
		"       -> the image's ENTRYPOINT tini -- bin/docker-entrypoint (",
		"       -> docker-entrypoint runs \"$@\" with exec (" + filepath.Join(dir, "bin/docker-entrypoint") + ":3)\n",
		"       -> stopTimeout is not set: ECS sends SIGKILL after 30 s (" + worker + ":9)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text has no %q:\n%s", want, text)
		}
	}
	_, stdout, _ := gracelint(t, "", "--config", cfg, "--format", "json", worker)
	var out struct {
		Findings []struct {
			Rule string
			Path []struct {
				File string
				Line int
				Role string
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, h := range out.Findings[0].Path {
		files[filepath.Base(h.File)] = true
	}
	if len(out.Findings) != 1 || !files["worker.json"] || !files["Dockerfile"] || !files["docker-entrypoint"] {
		t.Errorf("json path: %+v", out.Findings)
	}
	_, stdout, _ = gracelint(t, "", "--config", cfg, "--format", "sarif", worker)
	var log struct {
		Runs []struct {
			Results []struct {
				CodeFlows []struct {
					ThreadFlows []struct {
						Locations []struct {
							Location struct {
								PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
								Message          struct{ Text string }
							}
						}
					}
				}
				RelatedLocations []struct{ ID int }
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results[0]
	if len(res.CodeFlows) != 1 || len(res.CodeFlows[0].ThreadFlows[0].Locations) != len(out.Findings[0].Path) || len(res.RelatedLocations) == 0 {
		t.Errorf("sarif code flow: %+v", res)
	}
	if _, err := os.Stat(sarifSchema); err == nil {
		schema, err := jsonschema.NewCompiler().Compile(sarifSchema)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
		if err := schema.Validate(doc); err != nil {
			t.Errorf("SARIF with a code flow does not validate: %v", err)
		}
	}
}

// TestTrace: gracelint trace prints each container's tree and stop
// timeline, then the findings, on stdout (golden).
func TestTrace(t *testing.T) {
	code, stdout, stderr := gracelint(t, "", "trace", "--config", "testdata/trace/gracelint.yaml", "testdata/trace/worker.json", "testdata/trace/Dockerfile")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkGolden(t, "testdata/trace.golden", stdout)
}
