package jsonpos

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Insertion is text to insert at an offset of the source.
type Insertion struct {
	Offset int
	Text   string
}

// InsertMember returns how to add `"key": value` as the last member of obj,
// laid out the way the file lays out obj: one member per line with the same
// indentation and line ending, or all on one line with the same separators.
// value is raw JSON.
func InsertMember(src []byte, obj *Node, key, value string) Insertion {
	k, _ := json.Marshal(key)
	if len(obj.Members) == 0 {
		return Insertion{Offset: obj.Start + 1, Text: string(k) + ": " + value}
	}
	last := obj.Members[len(obj.Members)-1]
	member := string(k) + Colon(src, obj) + value
	// One member per line: copy the last member's line start.
	// Only within obj: a minified file has no newline to find, and
	// scanning back to its start for each object would cost the square.
	lineStart := obj.Start
	if obj.Start < last.KeyStart {
		lineStart += bytes.LastIndexByte(src[obj.Start:last.KeyStart], '\n') + 1
	}
	if lineStart > obj.Start {
		nl := "\n"
		if lineStart >= 2 && src[lineStart-2] == '\r' {
			nl = "\r\n"
		}
		return Insertion{Offset: last.Value.End, Text: "," + nl + string(src[lineStart:last.KeyStart]) + member}
	}
	sep := ","
	if prev := len(obj.Members) - 2; prev >= 0 && obj.Members[prev].Value.End <= last.KeyStart {
		// Members out of order are values written elsewhere (a Terraform
		// local): nothing to copy.
		sep = string(src[obj.Members[prev].Value.End:last.KeyStart])
	} else if obj.Start+1 < len(src) && src[obj.Start+1] == ' ' || Colon(src, obj) == ": " {
		// {"a": 1} as json.dumps and most people write it
		sep = ", "
	}
	return Insertion{Offset: last.Value.End, Text: sep + member}
}

// Colon returns what the file writes between a key of obj and its value:
// ": " or ":".
func Colon(src []byte, obj *Node) string {
	if obj == nil || len(obj.Members) == 0 {
		return ": "
	}
	last := obj.Members[len(obj.Members)-1]
	if last.KeyEnd > last.Value.Start || last.Value.Start > len(src) {
		return ": "
	}
	colon := src[last.KeyEnd:last.Value.Start]
	if bytes.ContainsAny(colon, "\r\n") {
		return ": "
	}
	return string(colon)
}

// StringOffset maps byte i of the decoded value of the JSON string token at
// src[start:end] to its offset in src. ok is false when i falls inside an
// escape sequence or past the string.
func StringOffset(src []byte, start, end, i int) (off int, ok bool) {
	if end-start < 2 || src[start] != '"' || src[end-1] != '"' {
		return 0, false
	}
	decoded := 0
	p := start + 1
	for p < end-1 {
		if decoded == i {
			return p, true
		}
		if decoded > i {
			return 0, false
		}
		if src[p] != '\\' {
			// encoding/json decodes an invalid UTF-8 byte to U+FFFD, three
			// bytes; everything else keeps its length.
			r, size := utf8.DecodeRune(src[p : end-1])
			if r == utf8.RuneError && size <= 1 {
				decoded += utf8.RuneLen(utf8.RuneError)
				p++
				continue
			}
			decoded += size
			p += size
			continue
		}
		if p+1 >= end-1 {
			return 0, false
		}
		if src[p+1] != 'u' {
			decoded++
			p += 2
			continue
		}
		r, n := unicodeEscape(src[p : end-1])
		if n == 0 {
			return 0, false
		}
		decoded += utf8.RuneLen(r)
		p += n
	}
	if decoded == i {
		return p, true
	}
	return 0, false
}

// unicodeEscape decodes \uXXXX, or a \uXXXX\uXXXX surrogate pair, at the
// start of b and returns the rune and the bytes it took.
func unicodeEscape(b []byte) (rune, int) {
	hex := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[2:6]), 16, 16)
		return rune(v), err == nil
	}
	r, ok := hex(b)
	if !ok {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex(b[6:]); ok {
			if c := utf16.DecodeRune(r, r2); c != utf8.RuneError {
				return c, 12
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

// DecodeString decodes a JSON string token, or reports false.
func DecodeString(tok []byte) (string, bool) {
	var s string
	err := json.Unmarshal(tok, &s)
	return s, err == nil
}
