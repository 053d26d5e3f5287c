package jsonpos

import (
	"errors"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestSpans(t *testing.T) {
	src := `{"a": [1, "two", true, null], "b": {"c": "d\"e"}, "a2": -1.5e3}`
	n, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	at := func(n *Node) string { return src[n.Start:n.End] }
	if got := at(n); got != src {
		t.Errorf("root span = %q", got)
	}
	a := n.Get("a")
	if at(a) != `[1, "two", true, null]` || at(a.Elems[1]) != `"two"` || a.Elems[2].Kind != Bool || a.Elems[3].Kind != Null {
		t.Errorf("array = %q, elems %+v", at(a), a.Elems)
	}
	c := n.Get("b").Get("c")
	if at(c) != `"d\"e"` || c.Str != `d"e` {
		t.Errorf("c = %q (%q)", at(c), c.Str)
	}
	if m := n.Member("b"); src[m.KeyStart:m.KeyEnd] != `"b"` {
		t.Errorf("key span = %q", src[m.KeyStart:m.KeyEnd])
	}
	if at(n.Get("a2")) != "-1.5e3" {
		t.Errorf("number span = %q", at(n.Get("a2")))
	}
	if _, ok := n.Get("a2").Int(); ok {
		t.Error("-1.5e3 is not an integer")
	}
}

func TestDuplicateKeyLastWins(t *testing.T) {
	n, err := Parse([]byte(`{"k": 1, "k": 2}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := n.Get("k").Int(); v != 2 {
		t.Errorf("k = %d, want 2", v)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		src    string
		offset int
	}{
		{`{"a": 1 "b": 2}`, 8},
		{`{"a": [1, 2}`, 11},
		{`{"a": `, 6},
		{``, 0},
		{`{} {}`, 3},
		{strings.Repeat("[", MaxDepth+5) + strings.Repeat("]", MaxDepth+5), MaxDepth + 1},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%.20q) = %v, want a SyntaxError", tt.src, err)
			continue
		}
		if se.Offset != tt.offset {
			t.Errorf("Parse(%.20q): error at %d, want %d (%v)", tt.src, se.Offset, tt.offset, se)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"containerDefinitions": [{"name": "x", "command": ["a"]}]}`, `[1, {"a": null}]`, `"x"`, `{"a":`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		n, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("error %v has no offset in the input", err)
			}
			return
		}
		var walk func(*Node)
		walk = func(n *Node) {
			if n.Start < 0 || n.End > len(src) || n.Start > n.End {
				t.Fatalf("bad span %d..%d", n.Start, n.End)
			}
			for _, e := range n.Elems {
				walk(e)
			}
			for _, m := range n.Members {
				walk(m.Value)
			}
		}
		walk(n)
	})
}

func TestInsertMember(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"indented", "{\n  \"a\": 1,\n  \"b\": [2]\n}", "{\n  \"a\": 1,\n  \"b\": [2],\n  \"k\": true\n}"},
		{"tabs and CRLF", "{\r\n\t\"a\": 1\r\n}", "{\r\n\t\"a\": 1,\r\n\t\"k\": true\r\n}"},
		{"minified", `{"a":1,"b":2}`, `{"a":1,"b":2,"k":true}`},
		{"one line with spaces", `{"a": 1, "b": 2}`, `{"a": 1, "b": 2, "k": true}`},
		{"one member", `{ "a": 1 }`, `{ "a": 1, "k": true }`},
		{"one member, spaced colon", `{"a": 1}`, `{"a": 1, "k": true}`},
		{"one member, minified", `{"a":1}`, `{"a":1,"k":true}`},
		{"empty", `{}`, `{"k": true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			ins := InsertMember([]byte(tt.src), n, "k", "true")
			got := tt.src[:ins.Offset] + ins.Text + tt.src[ins.Offset:]
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if _, err := Parse([]byte(got)); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
		})
	}
}

func TestStringOffset(t *testing.T) {
	src := []byte(`"a\"b\\c\u00e9\ud83d\ude00d"`)
	decoded, _ := DecodeString(src)
	for i := 0; i <= len(decoded); i++ {
		off, ok := StringOffset(src, 0, len(src), i)
		if !ok {
			continue
		}
		// Inserting "X" at the mapped offset must insert it at i in the
		// decoded string.
		edited := string(src[:off]) + "X" + string(src[off:])
		got, ok := DecodeString([]byte(edited))
		if !ok || got != decoded[:i]+"X"+decoded[i:] {
			t.Errorf("offset %d -> %d gives %q", i, off, got)
		}
	}
	// a " b \ c é(2 bytes) 😀(4 bytes) d
	for _, i := range []int{0, 1, 2, 3, 4, 5, 7, 11, 12} {
		if _, ok := StringOffset(src, 0, len(src), i); !ok {
			t.Errorf("offset %d of %q has no source offset", i, decoded)
		}
	}
	for _, i := range []int{6, 8, 13} {
		if _, ok := StringOffset(src, 0, len(src), i); ok {
			t.Errorf("offset %d is inside an escape or past the end and must not map", i)
		}
	}
}

func TestParseTemplate(t *testing.T) {
	src := `{
  "name": "${name}",
  "image": "${repo}:${tag}",
  "command": ["sh", "-c", "bundle exec sidekiq"],
  "stopTimeout": ${stop_timeout},
  "environment": ${jsonencode(var.environment)},
  "cpu": {{ must_env "CPU" }},
  "essential": true
}`
	n, holes, err := ParseTemplate([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(holes) != 6 {
		t.Errorf("%d placeholders", len(holes))
	}
	for _, key := range []string{"name", "image", "stopTimeout", "environment", "cpu"} {
		if v := n.Get(key); v == nil || v.Kind != Expr {
			t.Errorf("%s = %+v, want an expression", key, v)
		}
	}
	cmd := n.Get("command")
	if cmd.Kind != Array || cmd.Elems[2].Str != "bundle exec sidekiq" || src[cmd.Start:cmd.End] != `["sh", "-c", "bundle exec sidekiq"]` {
		t.Errorf("literal parts must stay: %+v", cmd)
	}
	if v := n.Get("stopTimeout"); src[v.Start:v.End] != "${stop_timeout}" {
		t.Errorf("stopTimeout spans %q", src[v.Start:v.End])
	}
	if n.Get("essential").Kind != Bool {
		t.Error("a literal after placeholders is lost")
	}
}

func TestStringOffsetInvalidUTF8(t *testing.T) {
	src := []byte("\"a\xcab\"")
	decoded, _ := DecodeString(src) // "a\uFFFDb"
	off, ok := StringOffset(src, 0, len(src), len(decoded)-1)
	if !ok || src[off] != 'b' {
		t.Errorf("offset of b: %d %v", off, ok)
	}
}

func TestBind(t *testing.T) {
	vars := map[string]*Node{
		"t":   {Kind: Number, Num: "60"},
		"cmd": {Kind: Array, Elems: []*Node{{Kind: String, Str: "sh"}, {Kind: String, Str: `a "b"`}}},
		"q":   {Kind: String, Str: `say "hi"`},
	}
	lookup := func(name string) (*Node, bool) { v, ok := vars[name]; return v, ok }
	for _, tc := range []struct {
		src  string
		kind Kind
		want string // the string value, or the first element's for an array
	}{
		{`${t}`, Number, ""},
		{`${ jsonencode(cmd) }`, Array, "sh"},
		{`"-t ${t}"`, String, "-t 60"},
		{`"echo ${q}"`, String, `echo say "hi"`},
		{`"${t} ${other}"`, Expr, ""},
		{`${other}`, Expr, ""},
		{`${t + 1}`, Expr, ""},
		{`"%{ if t }x%{ endif }"`, Expr, ""},
	} {
		src := []byte(`{"v": ` + tc.src + `}`)
		doc, holes, err := ParseTemplate(src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		Bind(doc, src, holes, lookup)
		v := doc.Get("v")
		if v.Kind != tc.kind || string(src[v.Start:v.End]) != tc.src {
			t.Errorf("%s: %+v, want kind %v where the placeholder is", tc.src, v, tc.kind)
			continue
		}
		got := v.Str
		if v.Kind == Array {
			got = v.Elems[0].Str
			if v.Elems[1].Start != v.Start {
				t.Errorf("%s: an element is not placed at the placeholder", tc.src)
			}
		}
		if got != tc.want {
			t.Errorf("%s: value %q, want %q", tc.src, got, tc.want)
		}
	}
}

func FuzzBind(f *testing.F) {
	f.Add([]byte(`[{"a": ${x}, "b": "-t ${y}", "c": ${jsonencode(z)}}]`), "v")
	f.Fuzz(func(t *testing.T, src []byte, value string) {
		defer fuzzbudget.Check(t)()
		doc, holes, err := ParseTemplate(src)
		if err != nil {
			return
		}
		Bind(doc, src, holes, func(string) (*Node, bool) { return &Node{Kind: String, Str: value}, true })
	})
}

// A Terraform object's members may point at values written elsewhere, out
// of order: inserting after them must not fail.
func TestInsertMemberOutOfOrder(t *testing.T) {
	src := []byte(`module "w" { a = 1, b = 2 }`)
	obj := &Node{Kind: Object, Start: 0, End: 10, Members: []Member{
		{Key: "a", KeyStart: 17, KeyEnd: 18, Value: &Node{Kind: Number, Start: 21, End: 22}},
		{Key: "b", KeyStart: 0, KeyEnd: 10, Value: &Node{Kind: Number, Start: 0, End: 10}},
	}}
	if ins := InsertMember(src, obj, "c", "3"); ins.Offset != 10 {
		t.Errorf("insertion = %+v", ins)
	}
}
