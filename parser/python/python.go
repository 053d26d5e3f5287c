// Package python reads what gracelint needs from a Python module of the
// app a container runs: the modules it imports, the names it uses (a
// SIGTERM handler names SIGTERM), and the literal timedelta a call passes
// as a keyword argument (Temporal's Worker(graceful_shutdown_timeout=
// timedelta(seconds=30))). It tokenizes rather than parses: strings,
// comments and brackets are told apart, so any Python 3 source reads, and
// a construct it does not know only hides a value; it runs nothing.
package python

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// File is a tokenized Python module.
type File struct {
	toks []token
}

type kind int

const (
	name kind = iota
	number
	str
	op
)

type token struct {
	kind       kind
	text       string
	start, end int  // byte offsets
	top        bool // it starts a line, at column 0: a module-level statement
	first      bool // it is the first on its line: it may start a statement
}

// maxTokens bounds the tokens kept of one file; the rest is not read.
const maxTokens = 1 << 20

// Parse tokenizes src. It never fails: an unterminated string ends at the
// end of the file.
func Parse(src []byte) *File {
	f := &File{}
	for i := 0; i < len(src) && len(f.toks) < maxTokens; {
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\\':
			i++
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || isLetter(src[j]) || src[j] == '_' || src[j] == '.' ||
				(src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E') && !strings.ContainsAny(string(src[i:j]), "xX")) {
				j++
			}
			f.toks = append(f.toks, token{kind: number, text: string(src[i:j]), start: i, end: j})
			i = j
		case c == '"' || c == '\'':
			j := stringEnd(src, i)
			f.toks = append(f.toks, token{kind: str, text: string(src[i:j]), start: i, end: j})
			i = j
		case isLetter(c) || c == '_' || c >= utf8.RuneSelf:
			j := i
			for j < len(src) {
				r, n := utf8.DecodeRune(src[j:])
				if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				j += n
			}
			if j == i { // a byte that starts no name: skip it
				_, n := utf8.DecodeRune(src[i:])
				i += n
				continue
			}
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && isPrefix(string(src[i:j])) {
				k := stringEnd(src, j)
				f.toks = append(f.toks, token{kind: str, text: string(src[i:k]), start: i, end: k})
				i = k
				continue
			}
			f.toks = append(f.toks, token{kind: name, text: string(src[i:j]), start: i, end: j})
			i = j
		default:
			j := i + 1
			if j < len(src) && strings.ContainsRune("=!<>:+-*/%&|^@", rune(c)) && src[j] == '=' ||
				c == '*' && j < len(src) && src[j] == '*' || c == '-' && j < len(src) && src[j] == '>' {
				j++
			}
			f.toks = append(f.toks, token{kind: op, text: string(src[i:j]), start: i, end: j})
			i = j
		}
	}
	// A token is first on its line when a line break (not a comment's
	// text) lies between it and the token before it.
	prev := 0
	for i := range f.toks {
		at := f.toks[i].start
		nl := bytes.LastIndexByte(src[prev:at], '\n')
		f.toks[i].first = i == 0 || nl >= 0
		f.toks[i].top = f.toks[i].first && (at == 0 || src[at-1] == '\n')
		prev = f.toks[i].end
	}
	return f
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isPrefix tells whether p is a string prefix: r, b, u, f, t and their
// pairs, in either case.
func isPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt":
		return true
	}
	return false
}

// stringEnd returns the offset just past the string literal whose quote is
// at i: single or triple quoted. A backslash keeps the next byte from
// ending it, in raw strings too.
func stringEnd(src []byte, i int) int {
	q := src[i]
	triple := i+2 < len(src) && src[i+1] == q && src[i+2] == q
	j := i + 1
	if triple {
		j = i + 3
	}
	for j < len(src) {
		switch {
		case src[j] == '\\':
			j += 2
			continue
		case !triple && src[j] == '\n':
			return j
		case src[j] == q && !triple:
			return j + 1
		case src[j] == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q:
			return j + 3
		}
		j++
	}
	return len(src)
}

// Imports returns the modules the file imports, anywhere in it (imports
// inside functions count): "a.b" for `import a.b` and `from a.b import
// c`, and "a.b.c" too for the latter, as c may be a module. Relative
// imports are left out.
func (f *File) Imports() []string {
	var out []string
	for i := 0; i < len(f.toks); i++ {
		t := f.toks[i]
		if t.kind != name || (t.text != "import" && t.text != "from") || i > 0 && f.toks[i-1].text == "." {
			continue
		}
		mod, j := f.dotted(i + 1)
		if mod == "" && t.text == "from" { // relative: skip its import list
			for i++; i < len(f.toks) && f.toks[i].text != "import"; i++ {
			}
			continue
		}
		if mod == "" {
			continue
		}
		out = append(out, mod)
		if t.text == "import" { // import a.b as c, d
			for j = f.skipAlias(j); j < len(f.toks) && f.toks[j].text == ","; j = f.skipAlias(j) {
				if mod, j = f.dotted(j + 1); mod != "" {
					out = append(out, mod)
				}
			}
			i = j - 1
			continue
		}
		if i = j - 1; j >= len(f.toks) || f.toks[j].text != "import" {
			continue
		}
		if j++; j < len(f.toks) && f.toks[j].text == "(" {
			j++
		}
		for j < len(f.toks) && f.toks[j].kind == name {
			out = append(out, mod+"."+f.toks[j].text)
			if j = f.skipAlias(j + 1); j >= len(f.toks) || f.toks[j].text != "," {
				break
			}
			j++
		}
		i = j - 1
	}
	return out
}

// skipAlias skips an "as NAME" at token i.
func (f *File) skipAlias(i int) int {
	if i+1 < len(f.toks) && f.toks[i].kind == name && f.toks[i].text == "as" {
		return i + 2
	}
	return i
}

// dotted reads a dotted name from token i; it returns "" when none starts
// there, and the index after it.
func (f *File) dotted(i int) (string, int) {
	var parts []string
	for i < len(f.toks) && f.toks[i].kind == name {
		parts = append(parts, f.toks[i].text)
		if i+1 < len(f.toks) && f.toks[i+1].text == "." {
			i += 2
			continue
		}
		i++
		break
	}
	return strings.Join(parts, "."), i
}

// Uses reports whether the file names id outside strings and comments.
func (f *File) Uses(id string) bool {
	for _, t := range f.toks {
		if t.kind == name && t.text == id {
			return true
		}
	}
	return false
}

// Duration is a timedelta a call passes.
type Duration struct {
	Seconds int
	// Known is false when the value is computed (a variable, a setting
	// read at run time); Text is then what is written.
	Known bool
	Text  string
	// Start and End are the byte offsets of the value.
	Start, End int
}

// KeywordDurations returns the value of every keyword argument kw in a call
// to a callable named callee (Worker, temporalio.worker.Worker), read as a
// timedelta: timedelta(...) or datetime.timedelta(...) of number literals.
func (f *File) KeywordDurations(callee, kw string) []Duration {
	var out []Duration
	for i := 0; i+1 < len(f.toks); i++ {
		if t := f.toks[i]; t.kind != name || t.text != callee || f.toks[i+1].text != "(" || i > 0 && f.toks[i-1].text == "def" {
			continue
		}
		end := f.closing(i + 1)
		for j := i + 2; j+1 < end; j++ {
			t := f.toks[j]
			if t.text == "(" || t.text == "[" || t.text == "{" {
				j = f.closing(j)
				continue
			}
			if t.kind != name || t.text != kw || f.toks[j+1].text != "=" {
				continue
			}
			from := j + 2
			to := from
			for to < end && f.toks[to].text != "," {
				if tk := f.toks[to].text; tk == "(" || tk == "[" || tk == "{" {
					to = f.closing(to)
				}
				to++
			}
			if from >= min(to, end) {
				continue
			}
			to = min(to, end)
			out = append(out, f.timedelta(from, to))
		}
	}
	return out
}

// closing returns the index of the bracket that closes the one at i, or
// the end of the tokens.
func (f *File) closing(i int) int {
	depth := 0
	for j := i; j < len(f.toks); j++ {
		switch f.toks[j].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return len(f.toks)
}

// constant returns the tokens [from, to) of the value a module-level
// statement `id = value` assigns, when that statement alone assigns id
// (one in a branch or a function may change it at run time).
func (f *File) constant(id string) (from, to int, ok bool) {
	found := 0
	for i := 0; i+2 < len(f.toks); i++ {
		t := f.toks[i]
		if t.kind != name || !t.first || t.text != id || f.toks[i+1].text != "=" {
			continue
		}
		if found++; !t.top {
			return 0, 0, false
		}
		from, to = i+2, i+2
		for to < len(f.toks) && !f.toks[to].top {
			if tk := f.toks[to].text; tk == "(" || tk == "[" || tk == "{" {
				to = f.closing(to)
			}
			to++
		}
		to = min(to, len(f.toks))
	}
	return from, to, found == 1 && to > from
}

// timedeltaUnits are timedelta's arguments in positional order, in seconds.
var timedeltaUnits = []struct {
	name    string
	seconds float64
}{{"days", 86400}, {"seconds", 1}, {"microseconds", 1e-6}, {"milliseconds", 1e-3}, {"minutes", 60}, {"hours", 3600}, {"weeks", 604800}}

// timedelta reads tokens [from, to) as a timedelta of literals.
func (f *File) timedelta(from, to int) Duration {
	d := Duration{Start: f.toks[from].start, End: f.toks[to-1].end}
	var words []string
	for _, t := range f.toks[from:to] {
		words = append(words, t.text)
	}
	d.Text = strings.Join(words, "")
	if to == from+1 && f.toks[from].kind == name {
		// A module-level constant: GRACE = timedelta(seconds=30). One
		// level only: GRACE = OTHER is not followed (nor GRACE = GRACE).
		if vf, vt, ok := f.constant(f.toks[from].text); ok && !(vt == vf+1 && f.toks[vf].kind == name) {
			v := f.timedelta(vf, vt)
			d.Seconds, d.Known = v.Seconds, v.Known
		}
		return d
	}
	call := from
	for call+2 < to && f.toks[call+1].text == "." {
		call += 2 // datetime.timedelta
	}
	if f.toks[call].text != "timedelta" || call+1 >= to || f.toks[call+1].text != "(" || f.closing(call+1) != to-1 {
		return d
	}
	total := 0.0
	pos := 0
	for j := call + 2; j < to-1; j++ {
		unit := -1
		if f.toks[j].kind == name && j+1 < to-1 && f.toks[j+1].text == "=" {
			for u, tu := range timedeltaUnits {
				if tu.name == f.toks[j].text {
					unit = u
				}
			}
			if unit < 0 {
				return d
			}
			j += 2
		} else {
			unit, pos = pos, pos+1
		}
		if unit >= len(timedeltaUnits) || j >= to-1 {
			return d
		}
		lit := f.toks[j]
		if lit.kind == name { // a module-level constant: DRAIN_SECONDS = 30
			if vf, vt, ok := f.constant(lit.text); ok && vt == vf+1 {
				lit = f.toks[vf]
			}
		}
		if lit.kind != number {
			return d
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(lit.text, "_", ""), 64)
		if err != nil || v < 0 {
			return d
		}
		total += v * timedeltaUnits[unit].seconds
		if j+1 < to-1 {
			if f.toks[j+1].text != "," {
				return d // an expression: not read
			}
			j++
		}
	}
	if total > math.MaxInt32 {
		return d
	}
	d.Seconds, d.Known = int(math.Ceil(total)), true
	return d
}
