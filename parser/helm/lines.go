package helm

import "strings"

// Origin is where a rendered line came from in its template.
type Origin struct {
	Line int // the template's line, 1-based
	// Keep is how many bytes at the start of the rendered line the template
	// line writes as they are: a column within them is the same in both.
	Keep int
	// At is the 0-based byte column of the template line that made the
	// rest: the action that wrote the value, or the line's first word.
	At int
}

// maxCells bounds the table that aligns a template with its output; past
// it, lines are aligned in one pass forward.
const maxCells = 2_000_000

// Origins returns, for each line of rendered (the output of template), the
// template line that wrote it. Helm keeps no map from output to template,
// so the two are aligned as a diff aligns files: a template line without
// actions matches the same text, one with actions matches a line that has
// its literal text in order, with anything where the actions are. A
// rendered line no template line matches (the output of an include, a
// toYaml) comes from the first action between the lines matched around it.
func Origins(template, rendered []byte) []Origin {
	tl := templateLines(template)
	rl := strings.Split(strings.ReplaceAll(string(rendered), "\r\n", "\n"), "\n")
	pairs := align(tl, rl)
	out := make([]Origin, len(rl))
	prev := -1 // the template line of the last matched rendered line
	for j := 0; j < len(rl); j++ {
		if i := pairs[j]; i >= 0 {
			out[j] = tl[i].origin(i, rl[j])
			prev = i
			continue
		}
		next := len(tl)
		for k := j + 1; k < len(rl); k++ {
			if pairs[k] >= 0 {
				next = pairs[k]
				break
			}
		}
		i := producer(tl, prev, next)
		out[j] = Origin{Line: i + 1, At: tl[i].firstWord()}
	}
	return out
}

// producer is the template line between prev and next (exclusive) that
// wrote an unmatched line: prev itself when its action can write lines,
// else the first line between them whose action can, else the first with
// any action, else prev (or next at the start).
func producer(tl []tline, prev, next int) int {
	if prev >= 0 && tl[prev].writes {
		return prev
	}
	first := -1
	for i := prev + 1; i < next && i < len(tl); i++ {
		if tl[i].writes {
			return i
		}
		if first < 0 && tl[i].actions {
			first = i
		}
	}
	switch {
	case first >= 0:
		return first
	case prev >= 0:
		return prev
	case next < len(tl):
		return next
	}
	return 0
}

// tline is a template line: its literal text between actions.
type tline struct {
	text    string
	pieces  []string // the literal text, split where actions are
	starts  []int    // the column of each piece
	actions bool     // the line holds (part of) an action
	// open is true when the line starts with an action, closed when it
	// ends with one: there, the rendered line may hold anything.
	open, closed bool
	writes       bool // an action on the line may write text, not only control flow
	id           int  // equal texts without actions have equal ids; -1 with actions
}

// templateLines splits a template into lines and each line into its
// literal text and actions ({{ ... }}, which may span lines).
func templateLines(src []byte) []tline {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	var out []tline
	ids := map[string]int{}
	inAction := false
	for line := range strings.SplitSeq(text, "\n") {
		t := tline{text: line, open: inAction, actions: inAction}
		lit, start := 0, 0
		if inAction {
			lit = -1
		}
		for col := 0; col < len(line); {
			if !inAction {
				k := strings.Index(line[col:], "{{")
				if k < 0 {
					break
				}
				t.piece(line[start:col+k], start)
				inAction, t.actions = true, true
				if col+k == 0 {
					t.open = true
				}
				word := strings.TrimLeft(line[col+k+2:], "- ")
				if !control(word) {
					t.writes = true
				}
				col += k + 2
				continue
			}
			k := strings.Index(line[col:], "}}")
			if k < 0 {
				break // the action goes on to the next line
			}
			inAction = false
			col += k + 2
			start, lit = col, col
		}
		switch {
		case inAction:
			t.closed = true
		case lit >= 0:
			t.piece(line[start:], start)
			t.closed = t.actions && strings.TrimSpace(line[start:]) == ""
		}
		t.id = -1
		if !t.actions {
			id, ok := ids[strings.TrimRight(line, " \t")]
			if !ok {
				id = len(ids)
				ids[strings.TrimRight(line, " \t")] = id
			}
			t.id = id
		}
		out = append(out, t)
	}
	return out
}

func (t *tline) piece(s string, at int) {
	if s == "" {
		return
	}
	t.pieces, t.starts = append(t.pieces, s), append(t.starts, at)
}

// control tells an action's text (after "{{" and "-") that only steers
// the template: it writes nothing itself.
func control(word string) bool {
	for _, kw := range []string{"if ", "else", "end", "with ", "range ", "define ", "block ", "/*", "break", "continue", "$"} {
		if strings.HasPrefix(word, kw) {
			return kw != "$" || strings.Contains(word, ":=") || strings.Contains(word, " = ")
		}
	}
	return false
}

// literal tells a template line with text to match: lines of only
// actions and spaces could be any line.
func (t *tline) literal() bool {
	for _, p := range t.pieces {
		if strings.TrimSpace(p) != "" {
			return true
		}
	}
	return false
}

// matches tells whether the template line could have written r.
func (t *tline) matches(r string) bool {
	r = strings.TrimRight(r, " \t")
	if !t.actions {
		return strings.TrimRight(t.text, " \t") == r
	}
	if !t.literal() {
		return false
	}
	pos := 0
	for k, p := range t.pieces {
		if k == len(t.pieces)-1 {
			p = strings.TrimRight(p, " \t")
		}
		switch {
		case k == 0 && !t.open:
			if !strings.HasPrefix(r, p) {
				return false
			}
			pos = len(p)
		case k == len(t.pieces)-1 && !t.closed:
			if len(r)-len(p) < pos || !strings.HasSuffix(r, p) {
				return false
			}
			pos = len(r)
		default:
			i := strings.Index(r[pos:], p)
			if i < 0 {
				return false
			}
			pos += i + len(p)
		}
	}
	return true
}

// weight is how much a match of t says: a line of text more than a
// blank one, an exact line more than a pattern.
func (t *tline) weight() int32 {
	switch {
	case strings.TrimSpace(t.text) == "":
		return 1
	case t.actions:
		return 2
	}
	return 3
}

// origin is where in the template line i a rendered line r it matched
// came from.
func (t *tline) origin(i int, r string) Origin {
	o := Origin{Line: i + 1, At: t.firstWord()}
	switch {
	case !t.actions:
		o.Keep, o.At = len(r), len(r)
	case !t.open && len(t.pieces) > 0:
		// The text before the first action is written as it is.
		o.Keep = len(t.pieces[0])
		o.At = o.Keep
		if strings.TrimSpace(t.pieces[0]) == "" {
			o.Keep = 0
		}
	}
	return o
}

// firstWord is the column of the first non-blank byte of the line.
func (t *tline) firstWord() int {
	return len(t.text) - len(strings.TrimLeft(t.text, " \t"))
}

// align pairs rendered lines with template lines in order, the pairs
// weighing most: pairs[j] is the template line of rendered line j, or -1.
func align(tl []tline, rl []string) []int {
	pairs := make([]int, len(rl))
	for j := range pairs {
		pairs[j] = -1
	}
	n, m := len(tl), len(rl)
	if n*m > maxCells {
		forward(tl, rl, pairs)
		return pairs
	}
	ids := map[string]int{}
	for _, t := range tl {
		if t.id >= 0 {
			ids[strings.TrimRight(t.text, " \t")] = t.id
		}
	}
	rid := make([]int, m)
	for j, r := range rl {
		id, ok := ids[strings.TrimRight(r, " \t")]
		if !ok {
			id = -2
		}
		rid[j] = id
	}
	match := func(i, j int) bool {
		if tl[i].id >= 0 {
			return tl[i].id == rid[j]
		}
		return tl[i].matches(rl[j])
	}
	w := m + 1
	dp := make([]int32, (n+1)*w)
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			best := max(dp[(i-1)*w+j], dp[i*w+j-1])
			if match(i-1, j-1) {
				best = max(best, dp[(i-1)*w+j-1]+tl[i-1].weight())
			}
			dp[i*w+j] = best
		}
	}
	for i, j := n, m; i > 0 && j > 0; {
		switch {
		case match(i-1, j-1) && dp[i*w+j] == dp[(i-1)*w+j-1]+tl[i-1].weight():
			pairs[j-1] = i - 1
			i, j = i-1, j-1
		case dp[(i-1)*w+j] >= dp[i*w+j-1]:
			i--
		default:
			j--
		}
	}
	return pairs
}

// forward pairs each rendered line with the next template line that
// matches it, for inputs too large for the table.
func forward(tl []tline, rl []string, pairs []int) {
	i := 0
	for j, r := range rl {
		for k := i; k < len(tl); k++ {
			if tl[k].literal() && tl[k].matches(r) && (tl[k].actions || strings.TrimSpace(r) != "") {
				pairs[j], i = k, k+1
				break
			}
		}
	}
}
