// Package dockerfile parses Dockerfiles with BuildKit's own parser and adds
// what BuildKit leaves out: the byte span of every instruction and of every
// argument of CMD, ENTRYPOINT and SHELL.
package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// File is a parsed Dockerfile.
type File struct {
	Lines  *source.Lines
	Escape rune
	Stages []*Stage
}

// Stage returns the stage named name (as `docker build --target` names
// it: case-insensitive), or nil.
func (f *File) Stage(name string) *Stage {
	for _, s := range f.Stages {
		if s.Name != "" && strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// Stage is one FROM and the instructions under it.
type Stage struct {
	Index int
	Name  string // the AS name, lower-cased; empty when unnamed
	// Base is the FROM argument with the ARGs declared before the first FROM
	// expanded.
	Base string
	// BaseStage is the earlier stage Base names, or nil for an image.
	BaseStage    *Stage
	From         *Instruction
	Instructions []*Instruction // after FROM, in file order
}

// Instruction is one Dockerfile instruction with its position.
type Instruction struct {
	Keyword string               // upper case: "CMD", "ENTRYPOINT", ...
	Command instructions.Command // BuildKit's typed instruction
	Span    source.Span          // the whole instruction, continuation lines included
	// ArgsSpan covers the arguments, after the keyword and any flags.
	ArgsSpan source.Span
	// Args holds, for CMD, ENTRYPOINT and SHELL, each exec-form array element
	// with its own span, or for the shell form the one command string.
	Args []Arg
	// ShellForm is true for a CMD or ENTRYPOINT that /bin/sh -c (or SHELL) runs.
	ShellForm bool
	// JSONError says why arguments that look like an exec-form array are not
	// one: BuildKit then silently runs them as shell form.
	JSONError string
	// Heredoc is the body of the instruction's one here-document
	// (COPY <<EOF /usr/local/bin/start.sh), where it stands verbatim in the
	// file; nil otherwise.
	Heredoc *Heredoc
}

// Heredoc is a here-document body and where it is written.
type Heredoc struct {
	Content    string
	Start, End int // byte offsets of the body in the file
}

// Arg is one argument and where it is written.
type Arg struct {
	Value string
	Span  source.Span
}

// Error is a Dockerfile that BuildKit rejects, at a 1-based line.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Parse parses src. BuildKit's own errors come back as *Error.
func Parse(src []byte) (*File, error) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, locate(src, err)
	}
	// BuildKit's own lint warnings are not ours to report: a linter without a
	// Warn callback stays silent (a nil one crashes on "# check=").
	stages, metaArgs, err := instructions.Parse(res.AST, linter.New(&linter.Config{}))
	if err != nil {
		return nil, locate(src, err)
	}
	f := &File{Lines: source.NewLines(src), Escape: res.EscapeToken}
	if len(stages) == 0 {
		return nil, &Error{Line: 1, Msg: "no FROM instruction"}
	}
	nodes := res.AST.Children
	// Instructions before the first FROM are global ARGs.
	next := 0
	for next < len(nodes) && !strings.EqualFold(nodes[next].Value, "from") {
		next++
	}
	lex := shell.NewLex(res.EscapeToken)
	env := metaEnv(metaArgs)
	byName := map[string]*Stage{} // the last stage of each name, as a later FROM finds it
	for i, st := range stages {
		s := &Stage{Index: i, Name: strings.ToLower(st.Name), Base: st.BaseName}
		if w, _, err := lex.ProcessWord(st.BaseName, env); err == nil {
			s.Base = w
		}
		s.BaseStage = byName[strings.ToLower(s.Base)]
		s.From = f.instruction(nodes[next], nil)
		next++
		for _, c := range st.Commands {
			s.Instructions = append(s.Instructions, f.instruction(nodes[next], c))
			next++
		}
		f.Stages = append(f.Stages, s)
		if s.Name != "" {
			byName[s.Name] = s
		}
	}
	return f, nil
}

// metaEnv holds the defaults of the ARGs declared before the first FROM,
// which FROM may use.
type metaEnv []instructions.ArgCommand

func (m metaEnv) Get(key string) (string, bool) {
	for i := len(m) - 1; i >= 0; i-- {
		for _, kv := range m[i].Args {
			if kv.Key == key && kv.Value != nil {
				return *kv.Value, true
			}
		}
	}
	return "", false
}

func (m metaEnv) Keys() []string {
	var keys []string
	for _, a := range m {
		for _, kv := range a.Args {
			keys = append(keys, kv.Key)
		}
	}
	return keys
}

func locate(src []byte, err error) error {
	line := 1
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		line = max(1, le.Locations[0][0].Start.Line)
	}
	msg := err.Error()
	if le != nil && le.Unwrap() != nil {
		msg = le.Unwrap().Error()
	}
	// A custom frontend may accept what the Dockerfile syntax does not.
	if syntax, _, _, ok := parser.DetectSyntax(src); ok && !isDockerFrontend(syntax) {
		msg += fmt.Sprintf(" (the file asks for the frontend %q, whose syntax BuildKit's Dockerfile parser does not cover)", syntax)
	}
	return &Error{Line: line, Msg: msg}
}

// isDockerFrontend reports whether a "# syntax=" image is Docker's own
// Dockerfile frontend.
func isDockerFrontend(ref string) bool {
	name, _, _ := strings.Cut(ref, ":")
	name, _, _ = strings.Cut(name, "@")
	name = strings.TrimPrefix(strings.TrimPrefix(name, "docker.io/"), "registry-1.docker.io/")
	return name == "docker/dockerfile" || name == "docker/dockerfile-upstream"
}

func (f *File) instruction(n *parser.Node, c instructions.Command) *Instruction {
	l, s := f.Lines, f.Lines.Bytes()
	start, end := l.LineStart(n.StartLine), l.LineEnd(n.EndLine)
	if len(n.Heredocs) > 0 {
		end = l.LineEnd(n.StartLine)
	}
	for start < end && isSpace(s[start]) {
		start++
	}
	for end > start && isSpace(s[end-1]) {
		end--
	}
	in := &Instruction{Keyword: strings.ToUpper(n.Value), Command: c, Span: l.Span(start, end)}
	if len(n.Heredocs) == 1 && n.StartLine < n.EndLine {
		// The body follows the instruction's line, as written (the tabs of
		// a <<- body go only at build time).
		body, content := l.LineStart(n.StartLine+1), n.Heredocs[0].Content
		if body+len(content) <= len(s) && string(s[body:body+len(content)]) == content {
			in.Heredoc = &Heredoc{Content: content, Start: body, End: body + len(content)}
		}
	}

	// The arguments start after the keyword and the flags: like BuildKit's
	// extractBuilderFlags, skip every leading word that starts with "--"
	// (quotes may hold blanks), so that an argument such as "-" or "-t" is
	// no flag, and a bare "--", which BuildKit drops from Flags, is one.
	a := start + len(n.Value)
	for a = f.skipBlank(a, end); a+1 < end && s[a] == '-' && s[a+1] == '-'; a = f.skipBlank(a, end) {
		var quote byte
		for ; a < end && (quote != 0 || !isSpace(s[a])); a++ {
			switch {
			case quote == 0 && (s[a] == '"' || s[a] == '\''):
				quote = s[a]
			case s[a] == quote:
				quote = 0
			}
		}
	}
	a = f.skipBlank(a, end)
	in.ArgsSpan = l.Span(a, end)

	var line instructions.ShellDependantCmdLine
	switch c := c.(type) {
	case *instructions.CmdCommand:
		line = c.ShellDependantCmdLine
	case *instructions.EntrypointCommand:
		line = c.ShellDependantCmdLine
	case *instructions.ShellCommand:
		line = instructions.ShellDependantCmdLine{CmdLine: c.Shell}
	default:
		return in
	}
	in.ShellForm = line.PrependShell
	if line.PrependShell {
		for _, v := range line.CmdLine {
			in.Args = append(in.Args, Arg{Value: v, Span: in.ArgsSpan})
		}
		if text := strings.TrimSpace(strings.Join(line.CmdLine, " ")); strings.HasPrefix(text, "[") {
			var v []string
			if err := json.Unmarshal([]byte(text), &v); err != nil {
				in.JSONError = err.Error()
			} else {
				in.JSONError = "it is not a single-line JSON array of strings"
			}
		}
		return in
	}
	spans := f.arraySpans(a, end)
	for i, v := range line.CmdLine {
		sp := in.ArgsSpan
		if len(spans) == len(line.CmdLine) {
			sp = spans[i]
		}
		in.Args = append(in.Args, Arg{Value: v, Span: sp})
	}
	return in
}

// isSpace tells the blanks BuildKit splits an instruction on (its
// reWhitespace, [\t\v\f\r ]) and newlines.
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\v' || b == '\f' || b == '\r' || b == '\n'
}

// skipBlank skips spaces, line continuations and the comment and empty lines
// BuildKit drops inside a continued instruction.
func (f *File) skipBlank(i, end int) int {
	s := f.Lines.Bytes()
	atLineStart := false
	for i < end {
		switch {
		case isSpace(s[i]):
			if s[i] == '\n' {
				atLineStart = true
			}
			i++
		case atLineStart && s[i] == '#':
			for i < end && s[i] != '\n' {
				i++
			}
		case rune(s[i]) == f.Escape && onlySpaceToEOL(s, i+1, end):
			i++
		default:
			return i
		}
	}
	return i
}

func onlySpaceToEOL(s []byte, i, end int) bool {
	for ; i < end; i++ {
		if s[i] == '\n' {
			return true
		}
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// arraySpans returns the spans of the strings of the JSON array in
// [start, end), or nil if the bytes are not laid out as expected.
func (f *File) arraySpans(start, end int) []source.Span {
	s := f.Lines.Bytes()
	i := f.skipBlank(start, end)
	if i >= end || s[i] != '[' {
		return nil
	}
	var spans []source.Span
	for i++; ; {
		i = f.skipBlank(i, end)
		if i >= end {
			return nil
		}
		switch s[i] {
		case ']':
			return spans
		case ',':
			i++
		case '"':
			j := i + 1
			for j < end && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= end {
				return nil
			}
			spans = append(spans, f.Lines.Span(i, j+1))
			i = j + 1
		default:
			return nil
		}
	}
}

// ArgsValues returns the values of the instruction's arguments.
func (in *Instruction) ArgsValues() []string {
	out := make([]string, len(in.Args))
	for i, a := range in.Args {
		out[i] = a.Value
	}
	return out
}

// LooksLike reports whether src starts as a Dockerfile does: its first
// instruction, after blank lines, comments and parser directives, is FROM
// or ARG. It reads only up to that instruction, so a walk can tell a
// Dockerfile from a file that merely has a Dockerfile's name.
func LooksLike(src []byte) bool {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		line = bytes.TrimLeft(line, " \t\r\v\f")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		end := 0
		for end < len(line) && ('a' <= line[end]|0x20 && line[end]|0x20 <= 'z') {
			end++
		}
		if end < len(line) && !isSpace(line[end]) && line[end] != '\\' {
			return false // FROM=x or FROMx is no instruction
		}
		word := line[:end]
		return bytes.EqualFold(word, []byte("FROM")) || bytes.EqualFold(word, []byte("ARG"))
	}
	return false
}
