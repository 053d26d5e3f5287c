package lint

import (
	"strings"
	"testing"
	"testing/fstest"
)

// described lints src, with files as the lint root when there are any,
// and returns the rest of each line of its targets' descriptions that
// starts with prefix.
func described(t *testing.T, files fstest.MapFS, name string, src []byte, kind Kind, prefix string) ([]string, []Finding) {
	t.Helper()
	var got []string
	l := &Linter{Options: DefaultOptions(), Explain: func(_ string, _ Kind, ts []*Target) {
		for _, tg := range ts {
			for _, line := range tg.Describe() {
				if s, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
					got = append(got, s)
				}
			}
		}
	}}
	if files != nil {
		l.FS, l.Locate, l.Display = files, func(n string) string { return n }, func(p string) string { return p }
	}
	findings, errs := l.Run(name, src, kind)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return got, findings
}

// TestTimeline: the stop timeline follows the signal as the measured
// table has it (docs/pid1.md): an init forwards it, a shell that does not
// exec ignores it as PID 1 and dies of it under an init, taking the
// container down.
func TestTimeline(t *testing.T) {
	tests := []struct {
		command string
		want    string
	}{
		{`["bundle", "exec", "sidekiq", "-t", "20"]`,
			"t=0 s SIGTERM (the image's STOPSIGNAL) to PID 1 (sidekiq); sidekiq gets it and drains; sidekiq's drain would end at t=20 s; t=10 s SIGKILL to every process left, sidekiq among them, mid-drain"},
		{`["sh", "-c", "bundle exec sidekiq -t 5"]`,
			"t=0 s SIGTERM (the image's STOPSIGNAL) to PID 1 (sh); sh is PID 1, does not exec and ignores it: sidekiq never gets it; t=10 s SIGKILL to every process left"},
		{`["tini", "--", "sh", "-c", "bundle exec sidekiq -t 5"]`,
			"t=0 s SIGTERM (the image's STOPSIGNAL) to PID 1 (tini); tini forwards it to its child; sh, which does not exec, exits at once, tini exits with it and the container stops: sidekiq is SIGKILLed at once"},
		{`["tini", "-g", "--", "sh", "-c", "bundle exec sidekiq -t 5"]`,
			"t=0 s SIGTERM (the image's STOPSIGNAL) to PID 1 (tini); tini passes it to its child's process group; sh, which does not exec, exits at once, tini exits with it and the container stops: sidekiq is SIGKILLed at once"},
		{`["tini", "--", "sh", "-c", "exec bundle exec sidekiq -t 5"]`,
			"t=0 s SIGTERM (the image's STOPSIGNAL) to PID 1 (tini); tini forwards it to its child; sidekiq gets it and drains; t=5 s sidekiq's drain ends; t=10 s SIGKILL to every process left"},
		{`["bundle", "exec", "unicorn"]`,
			"t=0 s SIGTERM (the image's STOPSIGNAL) to PID 1 (unicorn); unicorn gets it and stops at once, its work cut"},
	}
	for _, tt := range tests {
		src := []byte("services:\n  w:\n    image: ruby:3.3-slim\n    command: " + tt.command + "\n")
		got, _ := described(t, nil, "compose.yaml", src, Compose, "timeline: ")
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.command, got, tt.want)
		}
	}
}

// TestTimelineManager: a process manager's own wait comes before the
// platform's SIGKILL.
func TestTimelineManager(t *testing.T) {
	files := fstest.MapFS{
		"Dockerfile": {Data: []byte("FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\n")},
		"Procfile":   {Data: []byte("web: bundle exec puma\nworker: bundle exec sidekiq -t 20\n")},
	}
	src := []byte("services:\n  app:\n    build: .\n    command: [\"foreman\", \"start\"]\n")
	got, _ := described(t, files, "compose.yaml", src, Compose, "timeline: ")
	want := "t=0 s SIGTERM (the image's STOPSIGNAL) to PID 1 (foreman); foreman gets it and stops its processes (web, worker), each with its own signal; t=5 s foreman SIGKILLs web, worker, if still running; t=10 s SIGKILL to every process left"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestScriptNotRead: a script gracelint cannot parse is named with the
// reason, so that the silence of the rules on it is explained.
func TestScriptNotRead(t *testing.T) {
	files := fstest.MapFS{
		"Dockerfile": {Data: []byte("FROM ruby:3.3-slim\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n")},
		"start.sh":   {Data: []byte("#!/bin/sh\n" + strings.Repeat("{ ", 2000) + "bundle exec sidekiq" + strings.Repeat(" ; }", 2000) + "\n")},
	}
	got, findings := described(t, files, "Dockerfile", files["Dockerfile"].Data, Dockerfile, "script: ")
	if len(findings) > 0 {
		t.Fatalf("findings %v", findings)
	}
	want := "start.sh, not read: shell constructs nested more than 1000 deep; what it starts is not judged"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
