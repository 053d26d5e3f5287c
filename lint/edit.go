package lint

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"github.com/gracelint/gracelint/parser/jsonpos"
)

// InsertJSONMember returns the edit adding `"key": value` to a JSON object
// of the file, in the file's layout and line endings.
func (f *File) InsertJSONMember(obj *jsonpos.Node, key, value string) TextEdit {
	ins := jsonpos.InsertMember(f.Lines.Bytes(), obj, key, value)
	text := ins.Text
	if f.Newline() == "\r\n" {
		text = crlf(text)
	}
	return f.Edit(ins.Offset, ins.Offset, text)
}

// SetJSONNumber returns the edit that sets obj[key] to n, replacing the
// value or adding the member.
func (f *File) SetJSONNumber(obj *jsonpos.Node, key string, n int) TextEdit {
	if v := obj.Get(key); v != nil {
		return f.Edit(v.Start, v.End, strconv.Itoa(n))
	}
	return f.InsertJSONMember(obj, key, strconv.Itoa(n))
}

// crlf turns lone "\n" into "\r\n".
func crlf(s string) string {
	out := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' && (i == 0 || s[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// InsertYAMLKey returns the edit adding `key: value` to a YAML mapping of
// the file: on a line of its own after the mapping's last entry (and after
// that line's comment), at the entries' indentation, or before the closing
// brace of a flow mapping; in a mapping with JSON's quoted keys, as a JSON
// member laid out like the others. ok is false for an empty mapping.
func (f *File) InsertYAMLKey(m *jsonpos.Node, key, value string) (TextEdit, bool) {
	if len(m.Members) == 0 {
		return TextEdit{}, false
	}
	src := f.Lines.Bytes()
	last := m.Members[len(m.Members)-1]
	if m.Start < len(src) && src[m.Start] == '{' {
		if quoted(src, last.KeyStart) { // JSON, or YAML written like it
			return f.InsertJSONMember(m, key, yamlScalar(value, true)), true
		}
		sep := ", "
		if i := bytes.LastIndexFunc(src[:m.End-1], func(r rune) bool { return !unicode.IsSpace(r) }); i >= 0 && src[i] == ',' {
			sep = " " // a trailing comma: {a: 1,}
			if i < m.End-2 {
				sep = "" // {a: 1, }
			}
		}
		return f.Edit(m.End-1, m.End-1, sep+key+": "+value), true
	}
	keyLine := f.Lines.Pos(last.KeyStart).Line
	indent := strings.Repeat(" ", last.KeyStart-f.Lines.LineStart(keyLine))
	endLine := f.Lines.Pos(max(last.Value.End-1, last.KeyStart)).Line
	at := f.Lines.LineEnd(endLine)
	return f.Edit(at, at, f.Newline()+indent+key+": "+value), true
}

// SetYAMLValue returns the edit that sets key of a YAML mapping to value:
// the scalar replaced, or the key added.
func (f *File) SetYAMLValue(m *jsonpos.Node, key, value string) (TextEdit, bool) {
	// A key a merge (<<: *base) gives is written at the anchor, which other
	// mappings share: the mapping gets a key of its own instead.
	if mem := m.Member(key); mem != nil && mem.KeyStart >= m.Start && mem.KeyEnd <= m.End {
		v := mem.Value
		src := f.Lines.Bytes()
		text := yamlScalar(value, quoted(src, v.Start))
		if v.Start == v.End && v.Start > 0 && src[v.Start-1] == ':' {
			text = " " + text // an empty value sits right after the colon: "key:" becomes "key: value"
		}
		return f.Edit(v.Start, v.End, text), true
	}
	return f.InsertYAMLKey(m, key, value)
}

// quoted tells whether the text at offset i of src opens a double-quoted
// scalar; an empty value may sit at the very end of the file.
func quoted(src []byte, i int) bool {
	return i < len(src) && src[i] == '"'
}

// yamlScalar writes value as the file writes its scalars: bare, or
// double-quoted where the file quotes them, as a JSON document (which is YAML
// too) must. Numbers and booleans stay bare so that they keep their type.
func yamlScalar(value string, quoted bool) string {
	if _, err := strconv.Atoi(value); err == nil || !quoted || value == "true" || value == "false" {
		return value
	}
	return strconv.Quote(value)
}

// SetHCLNumber returns the edit setting key = n in an HCL object of the
// file (a jsonencode() argument): in place where the value is a number
// written there, else as a new member after the last one, on a line of its
// own at its indentation, or after a comma in a one-line object. ok is
// false where neither can be done without guessing (an empty object, a
// value computed elsewhere).
func (f *File) SetHCLNumber(obj *jsonpos.Node, key string, n int) (TextEdit, bool) {
	src := f.Lines.Bytes()
	if v := obj.Get(key); v != nil {
		if v.Kind != jsonpos.Number || v.Start < obj.Start || v.End > obj.End {
			return TextEdit{}, false
		}
		return f.Edit(v.Start, v.End, strconv.Itoa(n)), true
	}
	if len(obj.Members) == 0 {
		return TextEdit{}, false
	}
	last := obj.Members[len(obj.Members)-1]
	end := last.Value.End
	if end < obj.Start || end > obj.End {
		return TextEdit{}, false // the value is written elsewhere (a local)
	}
	if f.Lines.Pos(last.KeyStart).Line == f.Lines.Pos(obj.Start).Line {
		return f.Edit(end, end, ", "+key+" = "+strconv.Itoa(n)), true
	}
	lineStart := f.Lines.LineStart(f.Lines.Pos(last.KeyStart).Line)
	indent := string(src[lineStart:last.KeyStart])
	if strings.TrimLeft(indent, " \t") != "" {
		return TextEdit{}, false
	}
	// terraform fmt aligns the = of consecutive attributes: line the new
	// one up with the last.
	name := key
	if eq := strings.IndexByte(string(src[last.KeyEnd:last.Value.Start]), '='); eq >= 0 {
		for width := last.KeyEnd + eq - last.KeyStart; len(name)+1 < width; {
			name += " "
		}
	}
	return f.Edit(end, end, f.Newline()+indent+name+" = "+strconv.Itoa(n)), true
}
