package rules

import (
	"encoding/json"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/jsonpos"
)

// execInJSONString returns the edit that inserts "exec " before the main
// command of a -c script written as a JSON string (a Dockerfile exec-form
// array or an ECS command), keeping the string's escaping.
func execInJSONString(f *lint.File, sh *chain.Shell) (lint.TextEdit, bool) {
	if _, ok := sh.WithExec(); !ok {
		return lint.TextEdit{}, false
	}
	src, sp := f.Lines.Bytes(), sh.Script.Span
	at := sh.Result.Main.Args[0].Start
	if v, ok := jsonpos.DecodeString(src[sp.Start.Offset:sp.End.Offset]); ok && v == sh.Script.Value {
		off, ok := jsonpos.StringOffset(src, sp.Start.Offset, sp.End.Offset, at)
		if !ok {
			return lint.TextEdit{}, false
		}
		return f.Edit(off, off, "exec "), true
	}
	// A YAML scalar, plain or holding the script in quotes (a Compose
	// command string).
	if off, ok := execOffset(src, sh); ok {
		return f.Edit(off, off, "exec "), true
	}
	return lint.TextEdit{}, false
}

// execOffset is where "exec " goes in src for the shell's -c script, when
// the script stands in the text its span covers exactly once, as is (a
// YAML scalar, a Procfile line, a supervisord command).
func execOffset(src []byte, sh *chain.Shell) (int, bool) {
	sp := sh.Script.Span
	if sp.End.Offset > len(src) || sp.Start.Offset > sp.End.Offset || sh.Script.Value == "" {
		return 0, false
	}
	raw := string(src[sp.Start.Offset:sp.End.Offset])
	if i := strings.Index(raw, sh.Script.Value); i >= 0 && strings.Count(raw, sh.Script.Value) == 1 {
		return sp.Start.Offset + i + sh.Result.Main.Args[0].Start, true
	}
	return 0, false
}

// replaceJSONString returns the edit replacing the JSON string token at a's
// span, when a is written as a whole string of its own, with the string
// rewrite(decoded value).
func replaceJSONString(f *lint.File, a chain.Arg, rewrite func(string) (string, bool)) (lint.TextEdit, bool) {
	sp := a.Span
	src := f.Lines.Bytes()
	if sp.Start.Offset >= sp.End.Offset || src[sp.Start.Offset] != '"' {
		return lint.TextEdit{}, false
	}
	v, ok := jsonpos.DecodeString(src[sp.Start.Offset:sp.End.Offset])
	if !ok {
		return lint.TextEdit{}, false
	}
	nv, ok := rewrite(v)
	if !ok {
		return lint.TextEdit{}, false
	}
	return f.Edit(sp.Start.Offset, sp.End.Offset, jsonString(nv)), true
}

// jsonString encodes s as a JSON string the way people write one: without
// escaping <, > and &.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
