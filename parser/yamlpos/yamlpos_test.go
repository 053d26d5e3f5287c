package yamlpos

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gracelint/gracelint/parser/jsonpos"
)

func TestParse(t *testing.T) {
	src := `# a comment
kind: Deployment
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: worker   # trailing comment
          command: ["sh", "-c", 'bundle exec sidekiq']
          args:
            - -t
            - "60"
          ready: true
          ref: !Ref Thing
---
kind: Service
`
	docs, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[1].Get("kind").Str != "Service" {
		t.Fatalf("documents = %d", len(docs))
	}
	at := func(n *jsonpos.Node) string { return src[n.Start:n.End] }
	c := docs[0].Get("spec").Get("template").Get("spec").Get("containers").Elems[0]
	if at(c.Get("name")) != "worker" || c.Member("name").Key != "name" || src[c.Member("name").KeyStart:c.Member("name").KeyEnd] != "name" {
		t.Errorf("name = %q", at(c.Get("name")))
	}
	if cmd := c.Get("command"); at(cmd) != `["sh", "-c", 'bundle exec sidekiq']` || cmd.Elems[2].Str != "bundle exec sidekiq" || at(cmd.Elems[2]) != `'bundle exec sidekiq'` {
		t.Errorf("command = %q", at(cmd))
	}
	if args := c.Get("args"); args.Elems[1].Str != "60" || args.Elems[1].Kind != jsonpos.String || at(args.Elems[1]) != `"60"` {
		t.Errorf("args = %+v", args.Elems)
	}
	if docs[0].Get("spec").Get("replicas").Kind != jsonpos.Number || c.Get("ready").Kind != jsonpos.Bool || c.Get("ref").Kind != jsonpos.Expr {
		t.Error("scalar types are lost")
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := Parse([]byte("a: 1\nb: [2\n"))
	var ye *Error
	if !errors.As(err, &ye) || ye.Line == 0 {
		t.Errorf("error = %v", err)
	}
	// go-yaml names no line for nesting past its limit.
	deep := "a: 1\nb: \"[\"\nc: " + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + "\n"
	if _, err := Parse([]byte(deep)); !errors.As(err, &ye) || ye.Line != 3 || !strings.Contains(ye.Msg, "max depth") {
		t.Errorf("deep: error = %+v, want one at line 3", err)
	}
}

// TestScalarEnd checks where multi-line scalars end: a fix inserted after
// one must not land inside it (a block scalar in postal's compose file was
// split by an inserted key).
func TestScalarEnd(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"literal block", "a:\n  b: |-\n    one\n\n    two\n\n  c: 1\n", "|-\n    one\n\n    two"},
		{"folded block in a sequence item", "a:\n  - b: >\n      one\n      two\n    c: 1\n", ">\n      one\n      two"},
		{"more indented lines stay in the block", "a:\n  b: |\n    one\n      two\n  c: 1\n", "|\n    one\n      two"},
		{"block at the end of the file", "a:\n  b: |\n    one", "|\n    one"},
		{"empty block", "a:\n  b: |\n  c: 1\n", "|"},
		{"folded plain scalar", "a:\n  b: bundle exec\n    sidekiq -t 25\n  c: 1\n", "bundle exec\n    sidekiq -t 25"},
		{"a comment ends a plain scalar", "a:\n  b: one\n    # note\n  c: 1\n", "one"},
		{"one line", "a:\n  b: one # note\n  c: 1\n", "one"},
	}
	for _, tt := range tests {
		if got := nodeText(t, tt.src, "a", "b"); got != tt.want {
			t.Errorf("%s: b = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// nodeText parses src and returns the text of the node at keys, taking
// the first element of a sequence on the way.
func nodeText(t *testing.T, src string, keys ...string) string {
	t.Helper()
	docs, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	n := docs[0]
	for _, k := range keys {
		if n.Kind == jsonpos.Array {
			n = n.Elems[0]
		}
		n = n.Get(k)
	}
	return src[n.Start:n.End]
}

// TestContainerEnd checks where mappings and sequences end: a fix inserts
// after the last member, so an end found inside a child put a member into
// it, again at every run (a quote in a plain scalar, {0",...}, misled a
// bracket scan of a JSON manifest).
func TestContainerEnd(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"quote in a plain scalar", `{"a": {"c": [{0","x": ["y"]}]}, "z": 1}`, `{"c": [{0","x": ["y"]}]}`},
		{"brackets in quoted text", `{"a": {"c": "]}", 'd': '}'''}, "z": 1}`, `{"c": "]}", 'd': '}'''}`},
		{"comment and trailing comma", "a: {c: 1, # note\n  d: 2,\n  }\nz: 1\n", "{c: 1, # note\n  d: 2,\n  }"},
		{"empty with an anchor", "a: &e {}\nz: 1\n", "&e {}"},
		{"empty value last", "a: {c: }\nz: 1\n", "{c: }"},
		{"an alias last in flow", "b: &b [1]\na: {c: *b}\n", "{c: *b}"},
		{"an alias last in a block", "b: &b [1]\na:\n  c: 1\n  d: *b\nz: 1\n", "c: 1\n  d: *b"},
		{"a merge key last", "b: &b {x: 1}\na: {c: 1, <<: *b}\n", "{c: 1, <<: *b}"},
	}
	for _, tt := range tests {
		if got := nodeText(t, tt.src, "a"); got != tt.want {
			t.Errorf("%s: a = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// billionLaughs is nine levels of ten aliases: 10^9 values once expanded.
var billionLaughs = func() string {
	s := "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i <= 9; i++ {
		s += fmt.Sprintf("a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return s
}()

func TestAliases(t *testing.T) {
	for _, tc := range []struct {
		name, src, err string
	}{
		{"self-reference", "services: &s\n  w: *s\n", "inside the value it names"},
		{"billion laughs", billionLaughs, "expand to more than"},
		{"shared", "base: &b {image: ruby}\nservices:\n  a: *b\n  c: *b\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			docs, err := Parse([]byte(tc.src))
			if time.Since(start) > 2*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			switch {
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("err = %v, want %q", err, tc.err)
			case tc.err == "":
				s := docs[0].Get("services")
				if s.Get("a") != s.Get("c") || s.Get("a").Get("image").Str != "ruby" {
					t.Errorf("aliases do not share their anchor's node: %+v", s)
				}
			}
		})
	}
}

func TestMergeKeys(t *testing.T) {
	src := "x-app: &app\n  image: ruby\n  command: sidekiq\nx-env: &env\n  image: node\n  user: app\nservices:\n  worker:\n    <<: [*app, *env]\n    command: sidekiq -t 20\n"
	docs, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	w := docs[0].Get("services").Get("worker")
	for key, want := range map[string]string{"image": "ruby", "command": "sidekiq -t 20", "user": "app"} {
		if got := w.Get(key); got == nil || got.Str != want {
			t.Errorf("%s = %+v, want %q (the mapping's own key wins, then the first merged mapping)", key, got, want)
		}
	}
	if last := w.Members[len(w.Members)-1]; last.Key != "command" {
		t.Errorf("last member %q: the mapping's own keys come last", last.Key)
	}
	if _, err := Parse([]byte("a: &a x\nb:\n  <<: *a\n")); err == nil {
		t.Error("a merge of a scalar is an error")
	}
}
