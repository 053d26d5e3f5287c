package lint

import (
	"strconv"

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
