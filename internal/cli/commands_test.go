package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/gracelint/gracelint/rules"
	"go.yaml.in/yaml/v3"
)

func TestRulesCommand(t *testing.T) {
	code, stdout, _ := gracelint(t, "", "rules")
	if code != ExitClean || !strings.HasPrefix(stdout, "ID ") {
		t.Fatalf("exit %d, %q", code, stdout)
	}
	for _, r := range rules.All() {
		if !strings.Contains(stdout, r.ID+"  "+r.Name) {
			t.Errorf("%s is not listed", r.ID)
		}
	}
}

func TestExplainEveryRule(t *testing.T) {
	for _, r := range rules.All() {
		for _, arg := range []string{r.ID, strings.ToLower(r.ID), r.Name} {
			code, stdout, _ := gracelint(t, "", "explain", arg)
			if code != ExitClean || !strings.HasPrefix(stdout, "# "+r.ID+" "+r.Name) || !strings.Contains(stdout, "## Bad example") {
				t.Errorf("explain %s: exit %d, %.60q", arg, code, stdout)
			}
		}
	}
	if code, _, stderr := gracelint(t, "", "explain", "GL999"); code != ExitInput || !strings.Contains(stderr, "unknown rule") {
		t.Errorf("explain GL999: exit %d, %q", code, stderr)
	}
}

func TestConfigInitAndDiscovery(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	sub := filepath.Join(root, "deploy")
	t.Chdir(root)
	if code, stdout, _ := gracelint(t, "", "config", "init"); code != ExitClean || !strings.Contains(stdout, ".gracelint.yaml") {
		t.Fatalf("config init: exit %d, %q", code, stdout)
	}
	if code, stdout, _ := gracelint(t, "", "config", "schema"); code != ExitClean || !strings.Contains(stdout, `"$schema": "https://json-schema.org/draft/2020-12/schema"`) {
		t.Errorf("config schema: exit %d, %.80q", code, stdout)
	}
	if code, _, stderr := gracelint(t, "", "config", "init"); code != ExitInput || !strings.Contains(stderr, "already exists") {
		t.Errorf("a second config init: exit %d, %q", code, stderr)
	}
	write(t, sub, "worker.json", `{"containerDefinitions": [{"name": "w", "command": ["sleep", "infinity"]}]}`)
	write(t, sub, "vendor-ish/Dockerfile", "FROM ruby:3.3\nCMD sidekiq\n")
	if code, _, _ := gracelint(t, "", sub); code != ExitFindings {
		t.Fatalf("with the default config: exit %d", code)
	}
	write(t, root, ".gracelint.yaml", "rules:\n  missing-init: off\nignore: [\"deploy/vendor-ish/**\"]\n")
	t.Chdir(sub) // the file is found upward from here
	code, stdout, stderr := gracelint(t, "", ".")
	if code != ExitClean || stdout != "" {
		t.Errorf("GL103 off and the Dockerfile ignored: exit %d, %q %q", code, stdout, stderr)
	}
	write(t, root, ".gracelint.yaml", "rules:\n  missing-init: error\nfail-level: none\n")
	if code, stdout, _ := gracelint(t, "", "worker.json"); code != ExitClean || !strings.Contains(stdout, "error: no init process") {
		t.Errorf("severity override and fail-level from the file: exit %d, %q", code, stdout)
	}
	if code, _, _ := gracelint(t, "", "--fail-level", "warning", "worker.json"); code != ExitFindings {
		t.Errorf("--fail-level wins over the file: exit %d", code)
	}
	write(t, root, ".gracelint.yaml", "rules:\n  missing-init: sometimes\n")
	if code, _, stderr := gracelint(t, "", "worker.json"); code != ExitInput || !strings.Contains(stderr, ".gracelint.yaml:2:17: GL103 must be") {
		t.Errorf("a bad config: exit %d, %q", code, stderr)
	}
	other := write(t, sub, "other.yaml", "rules:\n  GL103: off\n")
	if code, _, _ := gracelint(t, "", "--config", other, "worker.json"); code != ExitClean {
		t.Errorf("--config: exit %d", code)
	}
}

func TestEntrypointScriptAcrossFiles(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	script := write(t, root, "docker/entrypoint.sh", "#!/bin/sh\nset -e\nbundle exec rails db:migrate\n\"$@\"\n")
	dockerfile := "FROM ruby:3.3-slim\nRUN apt-get install -y tini\nCOPY docker/entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"tini\", \"--\", \"entrypoint.sh\"]\nCMD [\"bundle\", \"exec\", \"sidekiq\"]\n"
	write(t, root, "worker/Dockerfile", dockerfile)
	write(t, root, "web/Dockerfile", dockerfile) // the same script, found twice, reported once
	t.Chdir(root)
	code, stdout, _ := gracelint(t, "", ".")
	if code != ExitFindings || strings.Count(stdout, "docker/entrypoint.sh:4:1: error:") != 1 || !strings.Contains(stdout, "4 | \"$@\"") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
	code, diff, _ := gracelint(t, "", "--diff", ".")
	if code != ExitFindings || strings.Count(diff, "+exec \"$@\"") != 1 {
		t.Errorf("--diff: exit %d:\n%s", code, diff)
	}
	if code, _, stderr := gracelint(t, "", "--fix", "."); code != ExitClean || !strings.Contains(stderr, "applied 1 fix in 1 file") {
		t.Errorf("--fix: exit %d, %q", code, stderr)
	}
	if b, _ := os.ReadFile(script); string(b) != "#!/bin/sh\nset -e\nbundle exec rails db:migrate\nexec \"$@\"\n" {
		t.Errorf("script after --fix:\n%s", b)
	}
	// Outside the lint root, the script is not read.
	if code, stdout, _ := gracelint(t, "", "--root", filepath.Join(root, "worker"), "worker/Dockerfile"); code != ExitClean || stdout != "" {
		t.Errorf("with --root worker: exit %d, %q", code, stdout)
	}
}

func TestTaskDefinitionWithTheImagesCommand(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	write(t, root, "docker/Dockerfile", "FROM ruby:3.3-slim\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"bundle\", \"exec\", \"sidekiq\", \"-t\", \"60\"]\n")
	write(t, root, "deploy/worker.json", `{"family": "w", "containerDefinitions": [{"name": "sidekiq", "image": "123.dkr.ecr.us-east-1.amazonaws.com/app:v1", "stopTimeout": 30}]}`)
	t.Chdir(root)
	// The only Dockerfile of the repository is no link: the image may be
	// anything, so nothing is claimed.
	if code, stdout, _ := gracelint(t, "", "deploy"); code != ExitClean || stdout != "" {
		t.Errorf("unlinked image: exit %d, %q", code, stdout)
	}
	check := func(how string) {
		t.Helper()
		code, stdout, _ := gracelint(t, "", "deploy")
		if code != ExitFindings || !strings.Contains(stdout, "deploy/worker.json:1:") || !strings.Contains(stdout, "[GL201 stop-timeout-too-short]") ||
			!strings.Contains(stdout, "= note: docker/Dockerfile:3:24: the image starts sidekiq here") || strings.Contains(stdout, "GL103") {
			t.Errorf("%s: exit %d:\n%s", how, code, stdout)
		}
	}
	// A Compose file that builds the image under that name links it.
	write(t, root, "compose.yaml", "services:\n  worker:\n    build: {context: ., dockerfile: docker/Dockerfile}\n    image: 123.dkr.ecr.us-east-1.amazonaws.com/app:v1\n    stop_grace_period: 70s\n")
	check("built by compose")
	os.Remove(filepath.Join(root, "compose.yaml"))
	write(t, root, ".gracelint.yaml", "images:\n  \"*.dkr.ecr.*.amazonaws.com/app:*\":\n    dockerfile: docker/Dockerfile\n")
	check("with the mapping")
}

func TestInitProcessEnabledSatisfiesTheDockerfile(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	write(t, root, "Dockerfile", "FROM ruby:3.3-slim\nCMD [\"sleep\", \"infinity\"]\n")
	write(t, root, ".gracelint.yaml", "images:\n  \"app:*\":\n    dockerfile: Dockerfile\n")
	t.Chdir(root)
	if code, stdout, _ := gracelint(t, "", "Dockerfile"); code != ExitClean || !strings.Contains(stdout, "info: no init process") {
		t.Fatalf("without a task definition: exit %d, %q", code, stdout)
	}
	write(t, root, "ecs/worker.json", `{"containerDefinitions": [{"name": "w", "image": "app:latest", "linuxParameters": {"initProcessEnabled": true}}]}`)
	if code, stdout, _ := gracelint(t, "", "."); code != ExitClean || stdout != "" {
		t.Errorf("ECS starts an init for the image: exit %d, %q", code, stdout)
	}
}

// TestSidekiqConfigFromTheBuildContext reads the configuration a worker's
// image holds, under its WORKDIR, not the one at the lint root.
func TestSidekiqConfigFromTheBuildContext(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	write(t, root, "config/sidekiq.yml", ":timeout: 8\n")
	write(t, root, "apps/worker/config/sidekiq.yml", ":timeout: 60\n")
	write(t, root, "apps/worker/Dockerfile", "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nCMD [\"bundle\", \"exec\", \"sidekiq\"]\n")
	write(t, root, "compose.yaml", "services:\n  worker:\n    build: apps/worker\n    stop_grace_period: 30s\n")
	t.Chdir(root)
	code, stdout, _ := gracelint(t, "", "compose.yaml")
	if code != ExitFindings || !strings.Contains(stdout, "[GL201 stop-timeout-too-short]") || !strings.Contains(stdout, "apps/worker/config/sidekiq.yml:1") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// TestECSThroughTheImagesEntrypointScript: the ECS command is followed
// through the image's tini and its entrypoint script's exec "$@" to Sidekiq,
// whose 40 s timeout the default 30 s stop timeout cuts.
func TestECSThroughTheImagesEntrypointScript(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	write(t, root, "Dockerfile", "FROM ruby:3.3-slim\nRUN apt-get update && apt-get install -y tini\nCOPY bin/docker-entrypoint /usr/local/bin/\nENTRYPOINT [\"tini\", \"--\", \"docker-entrypoint\"]\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
	write(t, root, "bin/docker-entrypoint", "#!/bin/sh\nset -e\nbundle exec rails db:prepare\nexec \"$@\"\n")
	write(t, root, ".github/workflows/deploy.yml", "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t 123.dkr.ecr.eu-west-1.amazonaws.com/app:${GITHUB_SHA} .\n")
	write(t, root, "ecs/worker.json", `{"family": "worker", "containerDefinitions": [{"name": "sidekiq", "image": "123.dkr.ecr.eu-west-1.amazonaws.com/app:latest", "command": ["bundle", "exec", "sidekiq", "--timeout", "40"]}]}`)
	t.Chdir(root)
	code, out := runJSON(t, "ecs")
	if code != ExitFindings || len(out.Findings) != 1 || out.Findings[0].Rule != "GL201" || out.Findings[0].Severity != "error" {
		t.Fatalf("exit %d: %+v", code, out.Findings)
	}
	// With a stop timeout that covers the drain, nothing is left.
	write(t, root, "ecs/worker.json", `{"family": "worker", "containerDefinitions": [{"name": "sidekiq", "image": "123.dkr.ecr.eu-west-1.amazonaws.com/app:latest", "stopTimeout": 45, "command": ["bundle", "exec", "sidekiq", "--timeout", "40"]}]}`)
	if code, out := runJSON(t, "ecs"); code != ExitClean || len(out.Findings) != 0 {
		t.Errorf("stopTimeout 45: exit %d: %+v", code, out.Findings)
	}
}

// TestSiblingComposeFilesLinkTheImage: one Compose file pulls the image,
// the one beside it builds the same service.
func TestSiblingComposeFilesLinkTheImage(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	write(t, root, "backend/Dockerfile", "ARG PYTHON_IMAGE=python:3.12-slim\nFROM ${PYTHON_IMAGE}\nWORKDIR /app\nCOPY . .\nCMD [\"gunicorn\", \"app.wsgi\"]\n")
	write(t, root, "docker-compose.yml", "services:\n  huey:\n    image: ghcr.io/acme/backend:latest\n    entrypoint: [\"/bin/sh\", \"-c\", \"python manage.py run_huey\"]\n")
	write(t, root, "docker-compose-build.yml", "services:\n  huey:\n    build:\n      context: ./backend\n    entrypoint: [\"/bin/sh\", \"-c\", \"python manage.py run_huey\"]\n")
	t.Chdir(root)
	code, out := runJSON(t, "docker-compose.yml")
	var got []string
	for _, f := range out.Findings {
		got = append(got, f.Rule+" "+f.Severity)
	}
	if code != ExitFindings || strings.Join(got, ",") != "GL105 error,GL102 error" {
		t.Errorf("exit %d: %v", code, got)
	}
}

// The pre-commit hooks pass every kind of file gracelint reads, and not
// the files it never reads.
func TestHookFilesCoverEveryKind(t *testing.T) {
	src, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID    string `yaml:"id"`
		Files string `yaml:"files"`
	}
	if err := yaml.Unmarshal(src, &hooks); err != nil || len(hooks) == 0 {
		t.Fatalf("%v", err)
	}
	for _, h := range hooks {
		re := regexp.MustCompile(h.Files)
		for _, name := range []string{"Dockerfile", "docker/Dockerfile.worker", "worker.dockerfile", "task-definition.json",
			"compose.production.yml", "k8s/deploy.yaml", "infra/main.tf", "infra/templates/worker.json.tpl", "worker.tftpl",
			"fly.toml", "config/deploy.yml", "render.yaml", "copilot/worker/manifest.yml", "deploy/sidekiq.service", "Procfile",
			"cfn/stack.template"} {
			if !re.MatchString(name) {
				t.Errorf("hook %s does not pass %s", h.ID, name)
			}
		}
		for _, name := range []string{"app/models/user.rb", "README.md", "bin/worker"} {
			if re.MatchString(name) {
				t.Errorf("hook %s passes %s", h.ID, name)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, "0.3.1"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "true"}}}, "0.1.0-dev+0123456789ab-dirty"},
		{&debug.BuildInfo{}, "0.1.0-dev"},
		{nil, "0.1.0"},
	} {
		got := buildVersion(func() (*debug.BuildInfo, bool) { return tc.info, tc.info != nil })
		if got != tc.want {
			t.Errorf("version = %q, want %q", got, tc.want)
		}
	}
	code, stdout, _ := gracelint(t, "", "version")
	if code != ExitClean || stdout != "gracelint version "+Version+"\n" {
		t.Errorf("gracelint version: exit %d, %q", code, stdout)
	}
}

// --color always colours both streams even into a pipe (a CI log that
// renders ANSI); never and NO_COLOR do not; a value it does not know is a
// usage error.
func TestColorSwitch(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", "FROM ruby:3.3-slim\nCMD bundle exec sidekiq\n")
	write(t, dir, "notes.txt", "hello\n")
	_, stdout, stderr := within(t, 10*time.Second, "--color", "always", p, filepath.Join(dir, "notes.txt"))
	if !strings.Contains(stdout, "\x1b[") || !strings.Contains(stderr, "\x1b[") {
		t.Errorf("--color always: no colour in\n%q\n%q", stdout, stderr)
	}
	for _, args := range [][]string{{"--color", "never", p}, {"--no-color", p}} {
		if _, stdout, _ := within(t, 10*time.Second, args...); strings.Contains(stdout, "\x1b[") {
			t.Errorf("%v: colour in %q", args, stdout)
		}
	}
	if code, _, stderr := within(t, 10*time.Second, "--color", "sometimes", p); code != ExitInput || !strings.Contains(stderr, "auto, always or never") {
		t.Errorf("--color sometimes: exit %d, %q", code, stderr)
	}
}

// --select runs only the rules named, --ignore leaves those out; names and
// IDs both work, and a rule that does not exist is a usage error.
func TestSelectAndIgnore(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "task.json", `{"containerDefinitions":[{"name":"w","image":"ruby:3.3-slim","command":["sh","-c","bundle exec sidekiq -t 60"]}]}`)
	rulesOf := func(args ...string) string {
		_, stdout, _ := within(t, 10*time.Second, append(args, p)...)
		var ids []string
		for _, id := range []string{"GL102", "GL201"} {
			if strings.Contains(stdout, "["+id) {
				ids = append(ids, id)
			}
		}
		return strings.Join(ids, ",")
	}
	for args, want := range map[string]string{
		"":                                    "GL102,GL201",
		"--select=GL201":                      "GL201",
		"--select=shell-wrapper-without-exec": "GL102",
		"--ignore=gl102":                      "GL201",
		"--select=GL102,GL201 --ignore=GL201": "GL102",
	} {
		if got := rulesOf(strings.Fields(args)...); got != want {
			t.Errorf("%q: rules %q, want %q", args, got, want)
		}
	}
	if code, _, stderr := within(t, 10*time.Second, "--ignore", "GL999", p); code != ExitInput || !strings.Contains(stderr, "no such rule") {
		t.Errorf("--ignore GL999: exit %d, %q", code, stderr)
	}
}

// ignore and overrides match the file a finding is in, not only the file
// linted: a script's finding obeys the configuration's globs for scripts.
func TestIgnoreMatchesTheFindingsFile(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	write(t, root, "bin/docker-entrypoint.sh", "#!/bin/sh\nbundle exec rails db:migrate\n\"$@\"\n")
	write(t, root, "Dockerfile", "FROM ruby:3.3-slim\nCOPY bin/docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"tini\", \"--\", \"docker-entrypoint.sh\"]\nCMD [\"bundle\", \"exec\", \"sidekiq\"]\n")
	t.Chdir(root)
	if _, stdout, _ := gracelint(t, "", "."); !strings.Contains(stdout, "bin/docker-entrypoint.sh:3:1") {
		t.Fatalf("no finding in the script:\n%s", stdout)
	}
	for _, cfg := range []string{"ignore: [\"bin/**\"]\n", "overrides:\n  - files: [\"bin/*.sh\"]\n    ignore: [GL106]\n"} {
		write(t, root, ".gracelint.yaml", cfg)
		if code, stdout, stderr := gracelint(t, "", "."); code == ExitInput || strings.Contains(stdout, "bin/docker-entrypoint.sh") {
			t.Errorf("%q: exit %d, or the script's finding survives:\n%s%s", cfg, code, stdout, stderr)
		}
	}
}
