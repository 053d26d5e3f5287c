// Package source maps byte offsets in an input file to lines and columns.
package source

import (
	"sort"
	"strconv"
)

// Pos is a position in a file. Line and Col are 1-based; Col counts bytes.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// Span is a half-open byte range [Start, End) of a file.
type Span struct {
	Start Pos
	End   Pos
}

// IsZero reports whether s was never set.
func (s Span) IsZero() bool { return s.Start.Line == 0 }

// Lines indexes the line starts of a file.
type Lines struct {
	src    []byte
	starts []int
}

// NewLines indexes src.
func NewLines(src []byte) *Lines {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{src: src, starts: starts}
}

// Pos returns the position of byte offset off, clamped to the file.
func (l *Lines) Pos(off int) Pos {
	off = max(0, min(off, len(l.src)))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	return Pos{Offset: off, Line: i + 1, Col: off - l.starts[i] + 1}
}

// Span returns the span of bytes [start, end).
func (l *Lines) Span(start, end int) Span {
	return Span{Start: l.Pos(start), End: l.Pos(end)}
}

// Count returns the number of lines.
func (l *Lines) Count() int { return len(l.starts) }

// LineStart returns the offset where 1-based line n starts.
func (l *Lines) LineStart(n int) int {
	n = max(1, min(n, len(l.starts)))
	return l.starts[n-1]
}

// LineEnd returns the offset of the end of 1-based line n, before its
// newline (and before a carriage return that precedes the newline).
func (l *Lines) LineEnd(n int) int {
	end := len(l.src)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	if end > l.LineStart(n) && l.src[end-1] == '\r' {
		end--
	}
	return end
}

// Line returns the text of 1-based line n without its line ending.
func (l *Lines) Line(n int) []byte {
	return l.src[l.LineStart(n):l.LineEnd(n)]
}

// Bytes returns the indexed file.
func (l *Lines) Bytes() []byte { return l.src }

// String renders the position as line:col.
func (p Pos) String() string { return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col) }
