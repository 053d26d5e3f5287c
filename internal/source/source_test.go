package source

import "testing"

func TestLines(t *testing.T) {
	l := NewLines([]byte("ab\r\ncd\n\nef"))
	for _, tt := range []struct{ off, line, col int }{{0, 1, 1}, {3, 1, 4}, {4, 2, 1}, {7, 3, 1}, {8, 4, 1}, {10, 4, 3}, {99, 4, 3}, {-1, 1, 1}} {
		if p := l.Pos(tt.off); p.Line != tt.line || p.Col != tt.col {
			t.Errorf("Pos(%d) = %d:%d, want %d:%d", tt.off, p.Line, p.Col, tt.line, tt.col)
		}
	}
	if string(l.Line(1)) != "ab" || string(l.Line(3)) != "" || string(l.Line(4)) != "ef" || l.Count() != 4 {
		t.Errorf("lines: %q %q %q %d", l.Line(1), l.Line(3), l.Line(4), l.Count())
	}
}
