package lint

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// TestUnread: a followed file that is there but cannot be read safely is
// an input error of the run, and the input is still linted; one that is
// not there, or a directory, is no error.
func TestUnread(t *testing.T) {
	const runs = "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nCMD [\"/app/bin/start\"]\n"
	files := fstest.MapFS{
		"fifo/Dockerfile":   {Data: []byte(runs)},
		"fifo/bin/start":    {Mode: fs.ModeNamedPipe},
		"large/Dockerfile":  {Data: []byte(runs)},
		"large/bin/start":   {Data: []byte("#!/bin/sh\nexec sidekiq\n" + strings.Repeat("# padding\n", 120_000))},
		"env/compose.yaml":  {Data: []byte("services:\n  w:\n    image: ruby:3.3-slim\n    command: [\"bundle\", \"exec\", \"sidekiq\"]\n")},
		"env/.env":          {Mode: fs.ModeCharDevice | fs.ModeDevice},
		"absent/Dockerfile": {Data: []byte(runs)},
		"absent/bin/start":  {Mode: fs.ModeDir},
	}
	for name, want := range map[string]string{
		"fifo/Dockerfile":   "fifo/bin/start: a named pipe, not a regular file; not read",
		"large/Dockerfile":  "large/bin/start: larger than 1 MiB; not read",
		"env/compose.yaml":  "env/.env: a character device, not a regular file; not read",
		"absent/Dockerfile": "",
	} {
		l := &Linter{Options: DefaultOptions(), FS: files, Locate: func(n string) string { return n }, Display: func(p string) string { return p }}
		if _, errs := l.Run(name, files[name].Data, KindFromName(name)); len(errs) > 0 {
			t.Fatal(errs[0])
		}
		var got []string
		for _, e := range l.Unread() {
			got = append(got, e.Error())
		}
		if strings.Join(got, "\n") != want {
			t.Errorf("%s: unread %q, want %q", name, got, want)
		}
	}
}
