package lint

import (
	"testing"

	"github.com/gracelint/gracelint/internal/source"
)

func TestApplyFixes(t *testing.T) {
	src := []byte("0123456789")
	lines := source.NewLines(src)
	fix := func(desc string, edits ...[3]any) *Fix {
		f := &Fix{Description: desc}
		for _, e := range edits {
			f.Edits = append(f.Edits, TextEdit{Span: lines.Span(e[0].(int), e[1].(int)), NewText: e[2].(string)})
		}
		return f
	}
	tests := []struct {
		name    string
		fixes   []*Fix
		want    string
		skipped []string
	}{
		{"one replacement", []*Fix{fix("a", [3]any{2, 4, "x"})}, "01x456789", nil},
		{"two fixes, edits in any order", []*Fix{fix("a", [3]any{8, 9, "Y"}, [3]any{0, 1, "X"}), fix("b", [3]any{4, 4, "+"})}, "X123+4567Y9", nil},
		{"overlap: the later fix is skipped whole", []*Fix{fix("a", [3]any{2, 5, "x"}), fix("b", [3]any{4, 6, "y"}, [3]any{9, 10, "z"})}, "01x56789", []string{"b"}},
		{"two insertions at one offset conflict", []*Fix{fix("a", [3]any{3, 3, "x"}), fix("b", [3]any{3, 3, "y"})}, "012x3456789", []string{"b"}},
		{"insertion inside a replacement conflicts", []*Fix{fix("a", [3]any{2, 6, "x"}), fix("b", [3]any{4, 4, "y"})}, "01x6789", []string{"b"}},
		{"adjacent edits do not", []*Fix{fix("a", [3]any{2, 4, "x"}), fix("b", [3]any{4, 4, "y"})}, "01xy456789", nil},
		{"a fix whose own edits overlap is skipped", []*Fix{fix("a", [3]any{1, 3, "x"}, [3]any{2, 4, "y"})}, "0123456789", []string{"a"}},
		{"an edit past the end is skipped", []*Fix{fix("a", [3]any{9, 10, "x"}), {Description: "b", Edits: []TextEdit{{Span: source.Span{Start: source.Pos{Offset: 5}, End: source.Pos{Offset: 99}}}}}}, "012345678x", []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, applied, skipped := ApplyFixes(src, tt.fixes)
			if string(out) != tt.want {
				t.Errorf("got %q, want %q", out, tt.want)
			}
			var names []string
			for _, f := range skipped {
				names = append(names, f.Description)
			}
			if len(names) != len(tt.skipped) || len(applied)+len(skipped) != len(tt.fixes) {
				t.Errorf("skipped %v, want %v", names, tt.skipped)
			}
			for i := range names {
				if names[i] != tt.skipped[i] {
					t.Errorf("skipped %v, want %v", names, tt.skipped)
				}
			}
		})
	}
}
