// Package procfile reads Procfiles, the process lists that foreman, Heroku
// and their kin start: one "name: command" line per process.
package procfile

import (
	"bytes"
	"regexp"
)

// Entry is one process of a Procfile.
type Entry struct {
	Name    string
	Command string
	// Start and End are the byte offsets of the command in the file.
	Start, End int
}

// line is foreman's own pattern for a Procfile line (lib/foreman/procfile.rb:
// /^([A-Za-z0-9_-]+):\s*(.+)$/).
var line = regexp.MustCompile(`^([A-Za-z0-9_-]+):\s*(.+)$`)

// Parse returns the processes of a Procfile, in file order. Lines that are
// not "name: command" (comments, blanks) are skipped, as foreman skips them.
func Parse(src []byte) []Entry {
	var out []Entry
	off := 0
	for len(src) > 0 {
		l, rest, _ := bytes.Cut(src, []byte("\n"))
		text := bytes.TrimSuffix(l, []byte("\r"))
		if m := line.FindSubmatchIndex(text); m != nil {
			out = append(out, Entry{Name: string(text[m[2]:m[3]]), Command: string(text[m[4]:m[5]]), Start: off + m[4], End: off + m[5]})
		}
		off += len(l) + 1
		src = rest
	}
	return out
}
