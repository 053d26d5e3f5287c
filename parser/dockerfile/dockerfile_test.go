package dockerfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

// text returns the source bytes a span covers.
func text(f *File, a Arg) string {
	return string(f.Lines.Bytes()[a.Span.Start.Offset:a.Span.End.Offset])
}

func TestSpans(t *testing.T) {
	src := "FROM ruby:3.3 AS base\n" +
		"ENTRYPOINT [\"tini\", \\\n" +
		"# a comment inside the continuation\n" +
		"            \"--\"]\n" +
		"  CMD   [\"sh\", \"-c\", \"echo \\\"hi\\\" && exec sidekiq\"]  \n" +
		"FROM base\n" +
		"HEALTHCHECK --interval=5s CMD true\n" +
		"CMD bundle exec \\\n    sidekiq\n"
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Stages) != 2 || f.Stages[1].BaseStage != f.Stages[0] || f.Stages[0].Name != "base" {
		t.Fatalf("stages not linked: %+v", f.Stages)
	}
	ep := f.Stages[0].Instructions[0]
	if ep.Keyword != "ENTRYPOINT" || ep.ShellForm || len(ep.Args) != 2 {
		t.Fatalf("ENTRYPOINT = %+v", ep)
	}
	if got := text(f, ep.Args[1]); got != `"--"` || ep.Args[1].Span.Start.Line != 4 || ep.Args[1].Span.Start.Col != 13 {
		t.Errorf("second ENTRYPOINT arg at %+v = %q", ep.Args[1].Span.Start, got)
	}
	if ep.Span.Start.Line != 2 || ep.Span.End.Line != 4 {
		t.Errorf("ENTRYPOINT spans lines %d..%d", ep.Span.Start.Line, ep.Span.End.Line)
	}
	cmd := f.Stages[0].Instructions[1]
	if cmd.Span.Start.Col != 3 || cmd.ArgsSpan.Start.Col != 9 {
		t.Errorf("CMD starts at col %d, args at col %d", cmd.Span.Start.Col, cmd.ArgsSpan.Start.Col)
	}
	if got := text(f, cmd.Args[2]); got != `"echo \"hi\" && exec sidekiq"` || cmd.Args[2].Value != `echo "hi" && exec sidekiq` {
		t.Errorf("CMD script = %q (%q)", got, cmd.Args[2].Value)
	}
	hc := f.Stages[1].Instructions[0]
	if got := string(f.Lines.Bytes()[hc.ArgsSpan.Start.Offset:hc.ArgsSpan.End.Offset]); got != "CMD true" {
		t.Errorf("HEALTHCHECK args = %q, flags not skipped", got)
	}
	shellCmd := f.Stages[1].Instructions[1]
	if !shellCmd.ShellForm || shellCmd.Args[0].Value != "bundle exec     sidekiq" && shellCmd.Args[0].Value != "bundle exec sidekiq" {
		t.Errorf("shell-form CMD = %+v", shellCmd)
	}
	if shellCmd.Span.End.Line != 9 {
		t.Errorf("continued CMD ends on line %d", shellCmd.Span.End.Line)
	}
}

func TestEscapeDirectiveAndArgs(t *testing.T) {
	src := "# escape=`\nARG BASE=ruby:3.3-alpine\nFROM ${BASE}\nCMD [\"a\", `\n  \"b\"]\n"
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.Escape != '`' || f.Stages[0].Base != "ruby:3.3-alpine" {
		t.Errorf("escape %q, base %q", f.Escape, f.Stages[0].Base)
	}
	cmd := f.Stages[0].Instructions[0]
	if len(cmd.Args) != 2 || text(f, cmd.Args[1]) != `"b"` || cmd.Args[1].Span.Start.Line != 5 {
		t.Errorf("args = %+v", cmd.Args)
	}
}

func TestHeredocAndCRLF(t *testing.T) {
	src := "FROM debian\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nCMD [\"sidekiq\"]\r\n"
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cmd := f.Stages[0].Instructions[1]
	if cmd.Keyword != "CMD" || cmd.Span.Start.Line != 5 || text(f, cmd.Args[0]) != `"sidekiq"` {
		t.Errorf("CMD after heredoc = %+v", cmd)
	}
	if f.Stages[0].Instructions[0].Span.End.Line != 2 {
		t.Errorf("heredoc RUN span ends on line %d", f.Stages[0].Instructions[0].Span.End.Line)
	}
}

func TestInvalidJSONBecomesShellForm(t *testing.T) {
	f, err := Parse([]byte("FROM debian\nCMD ['sidekiq']\n"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := f.Stages[0].Instructions[0]
	if !cmd.ShellForm || cmd.JSONError == "" {
		t.Errorf("CMD = %+v, want shell form with a JSON error", cmd)
	}
}

func TestErrors(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "FROM debian\nFOO bar\n", "CMD [\"x\"]\n"} {
		_, err := Parse([]byte(src))
		var e *Error
		if !errors.As(err, &e) || e.Line < 1 {
			t.Errorf("Parse(%q) = %v, want an *Error with a line", src, err)
		}
	}
	_, err := Parse([]byte("FROM debian\nRUN true\nFOO bar\n"))
	var e *Error
	if errors.As(err, &e) && e.Line != 3 {
		t.Errorf("unknown instruction reported on line %d, want 3", e.Line)
	}
}

// corpusFiles returns the real-world Dockerfiles of the shared corpus, if it
// is there.
func corpusFiles(t testing.TB) []string {
	files, _ := filepath.Glob("../../../shared/corpus/dockerfiles/*")
	return files
}

func TestCorpusParses(t *testing.T) {
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("../shared/corpus is not beside the repository")
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(src)
		if err != nil {
			// Only a file written for another frontend may fail, and the
			// error must say so.
			if !strings.Contains(err.Error(), "asks for the frontend") {
				t.Errorf("%s: %v", filepath.Base(path), err)
			}
			continue
		}
		for _, s := range f.Stages {
			for _, in := range s.Instructions {
				if in.Span.IsZero() || in.Span.End.Offset < in.Span.Start.Offset {
					t.Errorf("%s: %s has no span", filepath.Base(path), in.Keyword)
				}
				for _, a := range in.Args {
					if !in.ShellForm && !strings.HasPrefix(text(f, a), `"`) {
						t.Errorf("%s:%d: exec-form arg %q not located", filepath.Base(path), in.Span.Start.Line, a.Value)
					}
				}
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, path := range append(corpusFiles(f), mustGlob(f, "../../fixtures/*/*ockerfile")...) {
		if src, err := os.ReadFile(path); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		df, err := Parse(src)
		if err != nil {
			return
		}
		for _, s := range df.Stages {
			for _, in := range s.Instructions {
				for _, a := range in.Args {
					if a.Span.Start.Offset > a.Span.End.Offset || a.Span.End.Offset > len(src) {
						t.Fatalf("bad span %+v", a.Span)
					}
				}
			}
		}
	})
}

func mustGlob(f *testing.F, pattern string) []string {
	m, err := filepath.Glob(pattern)
	if err != nil {
		f.Fatal(err)
	}
	return m
}

// TestArgsSpan checks that only BuildKit's flags, the leading words that
// start with "--", are skipped before the arguments.
func TestArgsSpan(t *testing.T) {
	tests := []struct{ src, want string }{
		{"FROM x\nSTOPSIGNAL -\n", "-"},
		{"FROM x\nCMD -t 25\n", "-t 25"},
		{"FROM x\nCMD\f\vsidekiq\n", "sidekiq"},
		{"FROM x\nRUN --mount=type=cache,target=\"/a b\" --network=none make\n", "make"},
		{"FROM x\nHEALTHCHECK --interval=5s CMD true\n", "CMD true"},
	}
	for _, tt := range tests {
		f, err := Parse([]byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		in := f.Stages[0].Instructions[0]
		if got := tt.src[in.ArgsSpan.Start.Offset:in.ArgsSpan.End.Offset]; got != tt.want {
			t.Errorf("%q: args %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestLooksLike(t *testing.T) {
	for src, want := range map[string]bool{
		"FROM ruby:3.3\nCMD x\n":      true,
		"from ruby\n":                 true,
		"ARG BASE=ruby\nFROM $BASE\n": true,
		"# syntax=docker/dockerfile:1\n# escape=`\n\nFROM ruby\n": true,
		"\xef\xbb\xbf\r\n  \t# comment\r\n\tFROM\truby\r\n":       true,
		"FROM \\\n  ruby\n":     true,
		"FROM\n":                true, // a broken Dockerfile is still reported
		"":                      false,
		"\n# only a comment\n":  false,
		"RUN echo\nFROM ruby\n": false,
		"package dockerfile\n":  false,
		"---\nbin_path: bin\n":  false,
		"FROMAGE\n":             false,
		"FROM=1\n":              false,
		"node_modules\n.git\n":  false,
		"\x00\x01ELF":           false,
	} {
		if got := LooksLike([]byte(src)); got != want {
			t.Errorf("LooksLike(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestHeredoc(t *testing.T) {
	src := "FROM debian\nCOPY --chmod=755 <<EOF /usr/local/bin/start.sh\n#!/bin/sh\nexec sidekiq\nEOF\nCOPY <<-EOT /x\n\tindented\n\tEOT\nCMD [\"start.sh\"]\n"
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	copy1, copy2 := f.Stages[0].Instructions[0], f.Stages[0].Instructions[1]
	if h := copy1.Heredoc; h == nil || src[h.Start:h.End] != "#!/bin/sh\nexec sidekiq\n" {
		t.Errorf("heredoc = %+v", h)
	}
	// The parser keeps a <<- body as written; its tabs go at build time.
	if h := copy2.Heredoc; h == nil || src[h.Start:h.End] != "\tindented\n" {
		t.Errorf("heredoc = %+v", h)
	}
}
