package lint

import (
	"testing"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/parser/yamlpos"
)

// TestSetYAMLValue checks that a set or added key keeps the document valid
// in its own style, JSON included.
func TestSetYAMLValue(t *testing.T) {
	tests := []struct {
		name, src, key, value, want string
	}{
		{"block: added after the last entry", "a:\n  b: 1  # note\n", "c", "30s", "a:\n  b: 1  # note\n  c: 30s\n"},
		{"block: replaced", "a:\n  c: 10s\n", "c", "30s", "a:\n  c: 30s\n"},
		{"flow: added bare", "a: {b: 1}\n", "c", "30s", "a: {b: 1, c: 30s}\n"},
		{"flow: after a trailing comma", "a: {b: 1,}\n", "c", "30s", "a: {b: 1, c: 30s}\n"},
		{"flow: after a trailing comma and a blank", "a: {b: 1, }\n", "c", "30s", "a: {b: 1, c: 30s}\n"},
		{"JSON: added quoted", `{"a": {"b": 1}}`, "c", "30s", `{"a": {"b": 1, "c": "30s"}}`},
		{"JSON: a number stays a number", `{"a": {"b": 1}}`, "c", "65", `{"a": {"b": 1, "c": 65}}`},
		{"JSON: a boolean stays a boolean", `{"a": {"b": 1}}`, "c", "true", `{"a": {"b": 1, "c": true}}`},
		{"quoted value replaced quoted", `{"a": {"c": "10s"}}`, "c", "30s", `{"a": {"c": "30s"}}`},
		{"bare value replaced bare", "a: {c: 10s}\n", "c", "30s", "a: {c: 30s}\n"},
		{"empty value at the end of the file", "a:\n  c:", "c", "30s", "a:\n  c: 30s"},
		{"empty value before a comment", "a:\n  c:  # x\n  d: 1\n", "c", "30s", "a:\n  c: 30s  # x\n  d: 1\n"},
		{"empty value in a flow mapping", "a: {c: , d: 1}\n", "c", "30s", "a: {c: 30s, d: 1}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := yamlpos.Parse([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			f := &File{Lines: source.NewLines([]byte(tt.src))}
			e, ok := f.SetYAMLValue(docs[0].Get("a"), tt.key, tt.value)
			if !ok {
				t.Fatal("no edit")
			}
			out, _, skipped := ApplyFixes([]byte(tt.src), []*Fix{{Edits: []TextEdit{e}}})
			if len(skipped) > 0 || string(out) != tt.want {
				t.Errorf("got %q, want %q", out, tt.want)
			}
		})
	}
}

func TestSetHCLNumber(t *testing.T) {
	src := "locals {\n  image = \"ruby:3.3\"\n}\nresource \"aws_ecs_task_definition\" \"w\" {\n  container_definitions = jsonencode([{ name = \"w\", image = \"i\" }, {\n    name  = \"x\"\n    image = local.image\n  }])\n}\n"
	f, errs := Parse("main.tf", []byte(src), Terraform)
	if len(errs) > 0 || len(f.Targets) != 2 {
		t.Fatalf("targets = %d, %v", len(f.Targets), errs)
	}
	if e, ok := f.SetHCLNumber(f.Targets[0].ECS.Node, "stopTimeout", 35); !ok || e.NewText != ", stopTimeout = 35" {
		t.Errorf("one-line object: %q %v", e.NewText, ok)
	}
	// The last member's value is a local written elsewhere: nothing is
	// inserted after it.
	if _, ok := f.SetHCLNumber(f.Targets[1].ECS.Node, "stopTimeout", 35); ok {
		t.Errorf("an object whose last value is written elsewhere gets no edit")
	}
}
