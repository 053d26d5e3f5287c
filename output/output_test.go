package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
)

var rule = &lint.Rule{ID: "GL999", Name: "test-rule", Severity: lint.Error}

func report(src, file string, start, end int, msg string) *Report {
	lines := source.NewLines([]byte(src))
	return &Report{
		Version:  "test",
		Findings: []lint.Finding{{Rule: rule, Severity: lint.Error, File: file, Span: lines.Span(start, end), Message: msg, Suggestion: "do this"}},
		Sources:  map[string]*source.Lines{file: lines},
	}
}

func TestTextCaretUnderTabs(t *testing.T) {
	src := "FROM x\n\tCMD  [\"a\"]\n"
	var out, errb bytes.Buffer
	if err := Text(&out, &errb, report(src, "Dockerfile", 13, 18, "m"), Color{}); err != nil {
		t.Fatal(err)
	}
	want := "Dockerfile:2:7: error: m [GL999 test-rule]\n" +
		"  |\n" +
		"2 | \tCMD  [\"a\"]\n" +
		"  | \t     ^~~~~\n" +
		"  = suggestion: do this\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestTextMultiLineSpanStopsAtLineEnd(t *testing.T) {
	src := "CMD [\"a\", \\\n  \"b\"]\n"
	var out bytes.Buffer
	Text(&out, &out, report(src, "f", 4, len(src)-1, "m"), Color{})
	if !strings.Contains(out.String(), "1 | CMD [\"a\", \\\n  |     ^~~~~~~\n") {
		t.Errorf("got:\n%s", out.String())
	}
}

func TestTextCleansControlCharacters(t *testing.T) {
	src := "CMD x\x1b[31m\n"
	var out bytes.Buffer
	Text(&out, &out, report(src, "f\x1b]0;pwned\x07", 0, 5, "evil \x1b[2J message\nnext"), Color{})
	if strings.ContainsAny(out.String(), "\x1b\x07") || strings.Count(out.String(), "\n") != 5 {
		t.Errorf("control characters leaked:\n%q", out.String())
	}
}

func TestTextColor(t *testing.T) {
	var out bytes.Buffer
	Text(&out, &out, report("CMD x\n", "f", 0, 5, "m"), Color{Out: true, Err: true})
	if !strings.Contains(out.String(), "\x1b[31merror\x1b[0m") {
		t.Errorf("no color:\n%q", out.String())
	}
}

func TestJSONShape(t *testing.T) {
	r := report("CMD x\n", "f", 4, 5, "m")
	r.Findings[0].Fix = &lint.Fix{Description: "Do it", Safe: true, Edits: []lint.TextEdit{{Span: r.Findings[0].Span, NewText: "y"}}}
	r.Errors = []*lint.InputError{{File: "bad.json", Line: 4, Col: 31, Msg: "invalid JSON"}}
	var out bytes.Buffer
	if err := JSON(&out, r); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	f := got["findings"].([]any)[0].(map[string]any)
	for key, want := range map[string]any{"rule": "GL999", "name": "test-rule", "severity": "error", "file": "f",
		"line": 1.0, "column": 5.0, "endLine": 1.0, "endColumn": 6.0, "message": "m", "suggestion": "do this"} {
		if f[key] != want {
			t.Errorf("%s = %v, want %v", key, f[key], want)
		}
	}
	edit := f["fix"].(map[string]any)["edits"].([]any)[0].(map[string]any)
	if edit["newText"] != "y" || edit["file"] != "f" || edit["column"] != 5.0 {
		t.Errorf("edit = %v", edit)
	}
	e := got["errors"].([]any)[0].(map[string]any)
	if e["line"] != 4.0 || e["column"] != 31.0 || e["message"] != "invalid JSON" {
		t.Errorf("error = %v", e)
	}
	out.Reset()
	JSON(&out, &Report{Version: "v"})
	if !strings.Contains(out.String(), `"findings": []`) || !strings.Contains(out.String(), `"errors": []`) {
		t.Errorf("empty report must hold empty arrays: %s", out.String())
	}
}

func TestTextWindowsLongLines(t *testing.T) {
	src := `{"family": "` + strings.Repeat("x", 100000) + `", "containerDefinitions": [{"name": "é", "command": ["sh", "-c", "sidekiq"]}]}`
	at := strings.Index(src, `["sh"`)
	var out bytes.Buffer
	Text(&out, &out, report(src, "min.json", at, at+25, "m"), Color{})
	lines := strings.Split(out.String(), "\n")
	if len(out.String()) > 1000 || !strings.Contains(lines[2], `…`) || !strings.Contains(lines[2], `["sh", "-c", "sidekiq"]`) {
		t.Fatalf("excerpt not windowed:\n%s", out.String())
	}
	caret := len([]rune(lines[3][:strings.Index(lines[3], "^")])) // columns count runes
	if under := string([]rune(lines[2])[caret : caret+5]); under != `["sh"` {
		t.Errorf("caret under %q, not the span:\n%s\n%s", under, lines[2], lines[3])
	}
}
