// Package shell decides, for a -c script or a Dockerfile shell-form command,
// which command runs last and whether it replaces the shell process. The
// verdicts follow measurements of dash, bash and BusyBox ash running as PID 1
// (see docs/signals.md in the shared design notes and shell_test.go).
package shell

import (
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Dialect is the shell that runs a script.
type Dialect int

// The shells whose behaviour is known.
const (
	Dash Dialect = iota // Debian's and Ubuntu's /bin/sh
	Bash
	Ash // BusyBox ash, Alpine's /bin/sh
)

func (d Dialect) String() string { return [...]string{"dash", "bash", "ash"}[d] }

// Word is one shell word of a simple command.
type Word struct {
	Value string // the word with quotes removed, when Literal
	// Literal is false when the word needs expansion ($VAR, globs, $(...)).
	Literal bool
	// AllArgs is true for "$@" and $@: the script's positional arguments.
	AllArgs    bool
	Start, End int    // byte offsets in the script
	Raw        string // the word as written

	node *syntax.Word // for Expand
}

// Command is one simple command of a script.
type Command struct {
	Args []Word // argv, without a leading exec and without VAR=x prefixes
	// Exec is true when the exec builtin runs the command, replacing the shell.
	Exec       bool
	Start, End int // byte offsets in the script of the command's statement

	ctx       *scope // the innermost construct around it, nil at the top level
	text      string // the command as written, when it expands an array
	tail      bool   // nothing in the script runs after it
	redirects bool
	negated   bool
	order     int
}

// Argv returns the literal argv, with "" for words that need expansion.
func (c *Command) Argv() []string {
	out := make([]string, len(c.Args))
	for i, w := range c.Args {
		out[i] = w.Value
	}
	return out
}

// String renders the command for messages: literal words unquoted, the
// others as written.
func (c *Command) String() string {
	if c.text != "" {
		return c.text
	}
	parts := make([]string, len(c.Args))
	for i, w := range c.Args {
		parts[i] = w.Value
		if !w.Literal {
			parts[i] = w.Raw
		}
	}
	return strings.Join(parts, " ")
}

// Last reports whether nothing in the script runs after c.
func (c *Command) Last() bool { return c.tail }

// Background reports whether c runs in the background (&): it is the
// script's child, never what the script hands over to.
func (c *Command) Background() bool { return c.in("background") }

func (c *Command) in(kind string) bool {
	for sc := c.ctx; sc != nil; sc = sc.outer {
		if sc.kind == kind {
			return true
		}
	}
	return false
}

// unmeasured returns the outermost construct around c whose effect on exec
// nobody measured, or "".
func (c *Command) unmeasured() string {
	found := ""
	for sc := c.ctx; sc != nil; sc = sc.outer {
		switch sc.kind {
		case "function", "case", "coprocess", "time":
			found = sc.kind
		}
	}
	return found
}

// scope is a construct (a pipeline, an if, a loop) around commands, linked
// to the one around it: nested constructs share their outer scopes instead
// of copying them, which would cost the square of the depth.
type scope struct {
	kind  string
	outer *scope
	depth int
}

// maxDepth bounds how deep constructs nest: deeper is no script anyone
// writes, and an input error.
const maxDepth = 1000

// ErrTooDeep is a script whose constructs nest deeper than gracelint reads.
var ErrTooDeep = fmt.Errorf("shell constructs nested more than %d deep", maxDepth)

// Script is a parsed shell script.
type Script struct {
	Src      string
	Commands []*Command // every simple command, in source order
	// trapped lists the conditions (TERM, EXIT, ...) that a trap with an
	// action catches; "" when the script does not say which.
	trapped []string
	funcs   map[string]bool
	// funcWaits holds the functions whose body runs wait: a TERM trap that
	// calls one waits for the child again (see Traps).
	funcWaits map[string]bool
	// bashStays says why bash does not exec the last command of the
	// script's last line, whatever its other checks say; "" when the line's
	// shape allows the exec. Bash reads a -c string a line at a time and
	// execs only when the last line is a simple command, an && or || list,
	// or a ; list ending in a simple command. Measured: an & just before the
	// last command (sleep 100 & worker) or an && list after a ; (cd /a; true
	// && worker) keeps bash as the parent.
	bashStays string
	tooDeep   bool
	// arrays are the indexed arrays the script has assigned so far, by
	// name, for "${NAME[@]}" in a command.
	arrays map[string]*array
}

// array is what an indexed array holds where a command expands it: the
// elements of its assignment at the top level, and of the appends there.
type array struct {
	elems []Word
	// more is true when an append in a branch, loop or function may have
	// added elements: the expansion ends in words gracelint cannot know.
	more bool
}

// Parse parses a script as bash, whose grammar covers POSIX sh and ash.
func Parse(src string) (*Script, error) {
	if mayNestTooDeep(src) {
		return nil, ErrTooDeep
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		return nil, err
	}
	s := &Script{Src: src, funcs: map[string]bool{}, funcWaits: map[string]bool{}, arrays: map[string]*array{}}
	s.stmts(f.Stmts, nil, true)
	if s.tooDeep {
		return nil, ErrTooDeep
	}
	s.bashStays = bashLastLine(src, f.Stmts)
	for _, c := range s.Commands {
		argv := c.Argv()
		if len(argv) >= 2 && argv[0] == "trap" && c.Args[1].Literal && argv[1] != "" && argv[1] != "-" {
			if len(argv) == 2 {
				s.trapped = append(s.trapped, "")
			}
			for _, sig := range argv[2:] {
				s.trapped = append(s.trapped, signalName(sig))
			}
		}
	}
	return s, nil
}

// mayNestTooDeep reports whether src may nest deeper than maxDepth, by a
// scan of its brackets and compound keywords that counts quoted text too, so
// it finds no less depth than the parser would. mvdan.cc/sh parses nesting
// by recursion whose cost grows faster than the depth (170,000 nested
// braces, a 1 MiB script: 13 s and 330 MB for one run), so such a script is
// refused before it is parsed.
func mayNestTooDeep(src string) bool {
	depth, word := 0, -1
	open := func() bool { depth++; return depth > maxDepth }
	shut := func() { depth = max(depth-1, 0) }
	for i := 0; i <= len(src); i++ {
		if i < len(src) && (src[i] >= 'a' && src[i] <= 'z') {
			if word < 0 {
				word = i
			}
			continue
		}
		if word >= 0 {
			switch src[word:i] {
			case "if", "case", "while", "until", "for", "select":
				if open() {
					return true
				}
			case "fi", "esac", "done":
				shut()
			}
			word = -1
		}
		if i == len(src) {
			break
		}
		switch src[i] {
		case '(', '{', '[':
			if open() {
				return true
			}
		case ')', '}', ']':
			shut()
		}
	}
	return false
}

// bashLastLine returns why the shape of the script's last line stops bash's
// exec of the last command, or "". Statements on one line, joined by ; or &,
// form one list in bash's grammar, grouped from the left: the connector that
// counts is the one just before the last statement.
func bashLastLine(src string, list []*syntax.Stmt) string {
	if len(list) < 2 {
		return ""
	}
	prev, last := list[len(list)-2], list[len(list)-1]
	if !prev.Semicolon.IsValid() {
		return "" // only a newline separates them
	}
	if from, to := int(prev.End().Offset()), int(last.Pos().Offset()); from <= to && strings.Contains(src[from:to], "\n") {
		return ""
	}
	if prev.Background {
		return "bash does not exec the last command of a -c string when & starts a job just before it on the same line"
	}
	if x, ok := last.Cmd.(*syntax.BinaryCmd); ok && (x.Op == syntax.AndStmt || x.Op == syntax.OrStmt) {
		return "bash execs the last command after ; only when it stands alone, not at the end of an && or || list"
	}
	return ""
}

// signalName normalizes a trap condition: term, SIGTERM and 15 are TERM;
// "" when it needs expansion.
func signalName(sig string) string {
	sig = strings.TrimPrefix(strings.ToUpper(sig), "SIG")
	if name, ok := map[string]string{"0": "EXIT", "1": "HUP", "2": "INT", "3": "QUIT", "15": "TERM"}[sig]; ok {
		return name
	}
	return sig
}

// trapStopsExec reports whether a trap the script sets keeps shell d from
// exec'ing its last command. Measured: BusyBox ash stays for any trap with an
// action (TERM, EXIT, INT, HUP); bash stays for a trap on a signal (TERM,
// INT, QUIT, HUP, USR1), EXIT or ERR, but not on RETURN or DEBUG, which are
// no signals.
func (s *Script) trapStopsExec(d Dialect) bool {
	for _, sig := range s.trapped {
		if d == Bash && (sig == "RETURN" || sig == "DEBUG") {
			continue
		}
		return true
	}
	return false
}

func with(ctx *scope, kind string) *scope {
	sc := &scope{kind: kind, outer: ctx, depth: 1}
	if ctx != nil {
		sc.depth = ctx.depth + 1
	}
	return sc
}

func (s *Script) stmts(list []*syntax.Stmt, ctx *scope, tail bool) {
	for i, st := range list {
		s.stmt(st, ctx, tail && i == len(list)-1)
	}
}

func (s *Script) stmt(st *syntax.Stmt, ctx *scope, tail bool) {
	if ctx != nil && ctx.depth > maxDepth || s.tooDeep {
		s.tooDeep = true
		return
	}
	if st.Background {
		ctx, tail = with(ctx, "background"), false
	}
	if st.Coprocess {
		ctx, tail = with(ctx, "coprocess"), false
	}
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		if len(x.Args) == 0 {
			for _, a := range x.Assigns {
				s.assign(a, ctx)
			}
			return
		}
		c := &Command{Start: int(st.Pos().Offset()), End: int(st.End().Offset()), ctx: ctx, tail: tail,
			redirects: len(st.Redirs) > 0, negated: st.Negated, order: len(s.Commands)}
		for _, w := range x.Args {
			wd := word(w)
			wd.Raw = s.Src[wd.Start:wd.End]
			if arr := s.arrays[arrayAll(w)]; arr != nil {
				// "${ARGS[@]}": the words the array holds here.
				c.Args = append(c.Args, arr.elems...)
				if arr.more {
					wd.Literal, wd.Value = false, ""
					c.Args = append(c.Args, wd)
				}
				c.text = s.Src[x.Pos().Offset():x.End().Offset()]
				continue
			}
			c.Args = append(c.Args, wd)
		}
		if c.Args[0].Literal && c.Args[0].Value == "exec" {
			c.Exec, c.Args = true, c.Args[1:]
		}
		if c.Exec && len(c.Args) == 0 {
			return // exec with only redirections changes no process
		}
		s.Commands = append(s.Commands, c)
	case *syntax.BinaryCmd:
		if x.Op == syntax.AndStmt || x.Op == syntax.OrStmt {
			s.stmt(x.X, ctx, false)
			s.stmt(x.Y, ctx, tail)
			return
		}
		s.stmt(x.X, with(ctx, "pipeline"), false)
		s.stmt(x.Y, with(ctx, "pipeline"), false)
	case *syntax.IfClause:
		for c := x; c != nil; c = c.Else {
			s.stmts(c.Cond, with(ctx, "if"), false)
			s.stmts(c.Then, with(ctx, "if"), tail)
		}
	case *syntax.Block:
		s.stmts(x.Stmts, with(ctx, "block"), tail)
	case *syntax.Subshell:
		s.stmts(x.Stmts, with(ctx, "subshell"), tail)
	case *syntax.WhileClause:
		s.stmts(x.Cond, with(ctx, "loop"), false)
		s.stmts(x.Do, with(ctx, "loop"), false)
	case *syntax.ForClause:
		s.stmts(x.Do, with(ctx, "loop"), false)
	case *syntax.CaseClause:
		for _, item := range x.Items {
			// An arm ending in ;& or ;;& runs on into the next one.
			s.stmts(item.Stmts, with(ctx, "case"), tail && item.Op == syntax.Break)
		}
	case *syntax.DeclClause:
		// declare, local, readonly, export: what they assign is not followed.
		for _, a := range x.Args {
			if a.Name != nil {
				delete(s.arrays, a.Name.Value)
			}
		}
	case *syntax.FuncDecl:
		if x.Name != nil { // nil for an anonymous function
			s.funcs[x.Name.Value] = true
		}
		n := len(s.Commands)
		s.stmt(x.Body, with(ctx, "function"), false)
		if x.Name != nil && runsWait(s.Commands[n:]) {
			s.funcWaits[x.Name.Value] = true
		}
	case *syntax.TimeClause:
		if x.Stmt != nil {
			s.stmt(x.Stmt, with(ctx, "time"), false)
		}
	}
}

// assign records an array assignment of the script: NAME=(...) at the top
// level sets the words "${NAME[@]}" expands to, NAME+=(...) there adds to
// them, and an append anywhere else may add more. Any other assignment to
// the name makes the array unknown.
func (s *Script) assign(a *syntax.Assign, ctx *scope) {
	if a.Name == nil {
		return
	}
	name, arr := a.Name.Value, s.arrays[a.Name.Value]
	var elems []Word
	if a.Array != nil && a.Index == nil {
		for _, e := range a.Array.Elems {
			if e.Index != nil || e.Value == nil {
				elems = nil
				break
			}
			w := word(e.Value)
			w.Raw = s.Src[w.Start:w.End]
			elems = append(elems, w)
		}
		if len(elems) != len(a.Array.Elems) {
			delete(s.arrays, name)
			return
		}
	}
	switch {
	case a.Array == nil || a.Index != nil:
		delete(s.arrays, name)
	case !a.Append && ctx == nil:
		s.arrays[name] = &array{elems: elems}
	case !a.Append:
		delete(s.arrays, name) // replaced, or not, by a branch
	case arr == nil:
	case ctx == nil:
		arr.elems = append(arr.elems, elems...)
	default:
		arr.more = true
	}
}

// arrayAll is NAME for a word that is "${NAME[@]}" alone, else "".
func arrayAll(w *syntax.Word) string {
	parts := w.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) != 1 {
		return ""
	}
	pe, ok := parts[0].(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Excl || pe.Length || pe.Width || pe.Slice != nil || pe.Repl != nil || pe.Exp != nil || pe.Names != 0 {
		return ""
	}
	if idx, ok := pe.Index.(*syntax.Word); ok && idx.Lit() == "@" {
		return pe.Param.Value
	}
	return ""
}

func word(w *syntax.Word) Word {
	out := Word{Start: int(w.Pos().Offset()), End: int(w.End().Offset()), Literal: true, node: w}
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(unescape(p.Value))
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			if len(p.Parts) == 1 && len(w.Parts) == 1 && isAllArgs(p.Parts[0]) {
				out.AllArgs = true
			}
			for _, q := range p.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok {
					out.Literal = false
					continue
				}
				b.WriteString(lit.Value)
			}
		default:
			if len(w.Parts) == 1 && isAllArgs(p) {
				out.AllArgs = true
			}
			out.Literal = false
		}
	}
	if out.Literal {
		out.Value = b.String()
	}
	return out
}

func isAllArgs(p syntax.WordPart) bool {
	pe, ok := p.(*syntax.ParamExp)
	return ok && pe.Param != nil && pe.Param.Value == "@" && pe.Exp == nil && pe.Index == nil && !pe.Length
}

// unescape drops the backslashes of an unquoted literal.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Verdict says whether a command replaces the shell that runs it.
type Verdict int

// The verdicts. Unknown is for constructs nobody measured: rules stay silent.
const (
	Unknown Verdict = iota
	Replaces
	Stays
)

// Result is the analysis of the command that should receive signals.
type Result struct {
	Main    *Command // nil when the script runs no command
	Verdict Verdict
	Reason  string // why, in words for a message
	// ByDialect is true when the verdict depends on which shell runs the
	// script.
	ByDialect bool
}

// Analyze finds the main command of a -c script, the first one isMain
// accepts or else the one that runs last, and decides whether the shell d
// replaces itself with it.
func (s *Script) Analyze(d Dialect, isMain func(*Command) bool) Result {
	return s.analyze(d, isMain, false)
}

// AnalyzeFile is Analyze for a script file, which no shell replaces with its
// last command: only an explicit exec does.
func (s *Script) AnalyzeFile(isMain func(*Command) bool) Result {
	return s.analyze(Dash, isMain, true)
}

// Traps reports whether the script sets a trap on TERM, waits for a child,
// and waits for it again once the trap has run: the pattern that forwards the
// stop signal by hand. The second wait is in the trap's action (directly or
// in a function it calls), a second wait command, or a wait in a loop.
// Measured as PID 1 with dash, bash and BusyBox ash: with a single wait, the
// trap interrupts it, the script ends, and the child it just signalled is
// SIGKILLed with the namespace before it drains.
func (s *Script) Traps() bool {
	trapsTerm, waits, again := s.forwarding()
	return trapsTerm && waits > 0 && again
}

// TrapDelay returns the first foreground sleep the script runs after it
// traps TERM and before it waits: a shell runs a trap only once the
// foreground command it is waiting for ends (only wait is interrupted),
// so the signal is passed on that much later. A sleep of a literal second
// or less, or one in the background, delays nothing; nil when none does.
func (s *Script) TrapDelay() *Command {
	trapped := false
	for _, c := range s.Commands {
		argv := c.Argv()
		switch {
		case len(argv) >= 3 && argv[0] == "trap":
			for _, sig := range argv[2:] {
				trapped = trapped || signalName(sig) == "TERM"
			}
		case !trapped || c.in("function") || c.Background():
		case len(argv) >= 1 && argv[0] == "wait" && !c.in("loop") && !c.in("if"):
			return nil // the script waits before any sleep
		case len(argv) >= 2 && argv[0] == "sleep" && !shortSleep(c.Args[1]):
			return c
		}
	}
	return nil
}

// shortSleep tells a sleep of a literal second or less.
func shortSleep(w Word) bool {
	if !w.Literal {
		return false
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(w.Value, "s"), 64)
	return err == nil && f <= 1
}

// forwarding returns whether the script traps TERM, how many wait commands
// it runs outside functions, and whether it waits again after the trap.
func (s *Script) forwarding() (trapsTerm bool, waits int, again bool) {
	for _, c := range s.Commands {
		argv := c.Argv()
		switch {
		case len(argv) >= 3 && argv[0] == "trap":
			for _, sig := range argv[2:] {
				if signalName(sig) == "TERM" {
					trapsTerm = true
					again = again || s.actionWaits(c.Args[1])
				}
			}
		case len(argv) >= 1 && argv[0] == "wait" && !c.in("function"):
			waits++
			again = again || waits > 1 || c.in("loop")
		}
	}
	return trapsTerm, waits, again
}

// actionWaits reports whether a trap action runs wait, or calls a function
// that does. The action of trap "kill $pid; wait $pid" TERM is read as
// written, its variables unexpanded.
func (s *Script) actionWaits(w Word) bool {
	text := w.Value
	if !w.Literal {
		text = w.Raw
		if len(text) >= 2 && (text[0] == '"' || text[0] == '\'') && text[len(text)-1] == text[0] {
			text = text[1 : len(text)-1]
		}
	}
	action, err := Parse(text)
	if err != nil {
		return false
	}
	for _, c := range action.Commands {
		if argv := c.Argv(); len(argv) > 0 && (argv[0] == "wait" || s.funcWaits[argv[0]]) {
			return true
		}
	}
	return false
}

func runsWait(cmds []*Command) bool {
	for _, c := range cmds {
		if argv := c.Argv(); len(argv) > 0 && argv[0] == "wait" {
			return true
		}
	}
	return false
}

func (s *Script) analyze(d Dialect, isMain func(*Command) bool, file bool) Result {
	var main *Command
	for _, c := range s.Commands {
		if isMain != nil && isMain(c) {
			main = c
			break
		}
	}
	if main == nil {
		for _, c := range s.Commands {
			if c.tail {
				main = c
			}
		}
	}
	if main == nil {
		return Result{Reason: "the script's last command is not a simple command"}
	}
	return s.verdict(main, d, file)
}

// AnalyzeFilePaths is AnalyzeFile for every command isMain accepts: a
// script whose work starts in the arms of a case or the branches of an if
// has one path per arm.
func (s *Script) AnalyzeFilePaths(isMain func(*Command) bool) []Result {
	var out []Result
	for _, c := range s.Commands {
		if isMain(c) {
			out = append(out, s.verdict(c, Dash, true))
		}
	}
	return out
}

// InBranch reports whether c runs in one arm of a case or one branch of an
// if: whether it runs at all depends on the script's input.
func (c *Command) InBranch() bool { return c.in("case") || c.in("if") }

// verdict decides whether main replaces the shell d that runs the script.
func (s *Script) verdict(main *Command, d Dialect, file bool) Result {
	r := Result{Main: main, Verdict: Stays}
	name := Quote(main.String())
	switch {
	case main.in("pipeline"):
		r.Reason = fmt.Sprintf("%s runs in a pipeline, which the shell waits on", name)
	case main.in("background"):
		r.Reason = fmt.Sprintf("%s runs in the background (&), so the shell does not wait for it", name)
		if trapsTerm, waits, again := s.forwarding(); trapsTerm && waits > 0 && !again {
			r.Reason = fmt.Sprintf("%s runs in the background and the TERM trap ends the script's only wait for it, so the script exits while %s drains", name, name)
		}
	case main.unmeasured() != "" && !(file && main.unmeasured() == "case"):
		// In a script file only an explicit exec replaces the shell, in a
		// case arm as anywhere else; a -c string's implicit exec of its
		// last command was not measured there.
		r.Verdict, r.Reason = Unknown, fmt.Sprintf("%s runs inside %s", name, article(main.unmeasured()))
	case main.Exec && !main.in("subshell"):
		r.Verdict, r.Reason = Replaces, "exec replaces the shell"
	case main.in("loop"):
		// Measured: dash, bash and BusyBox ash all stay for a while, until
		// or for loop, in a -c string and in a script file.
		r.Reason = fmt.Sprintf("the shell must stay to run the loop around %s again", name)
	case !main.tail:
		r.Reason = fmt.Sprintf("the shell must stay to run the rest of the script after %s", name)
		if next := s.after(main); next != nil {
			r.Reason = fmt.Sprintf("the shell must stay to run %s after it", Quote(next.String()))
		}
	case main.Exec && main.in("subshell") && (file || d != Ash):
		// Measured: dash and bash fork for ( exec worker ), and so does
		// every shell for a script file's subshell; BusyBox ash runs a -c
		// string's trailing subshell in place.
		r.ByDialect = !file
		r.Reason = fmt.Sprintf("exec replaces only the subshell around %s, which %s forks", name, forker(d, file))
	case file:
		r.Reason = "a shell never execs the last command of a script file"
	case d == Dash:
		r.ByDialect, r.Reason = true, "dash does not exec the last command of a -c string"
	case d == Ash && s.trapStopsExec(Ash):
		r.Reason = "BusyBox ash does not exec the last command once the script sets a trap"
	case d == Ash && main.negated:
		r.Reason = "BusyBox ash does not exec a negated last command"
	case d == Ash && main.in("subshell"):
		r.ByDialect, r.Verdict, r.Reason = true, Replaces, "BusyBox ash runs a trailing subshell in place and execs its last simple command"
	case d == Ash:
		r.ByDialect, r.Verdict, r.Reason = true, Replaces, "BusyBox ash execs the last simple command of a -c string"
	case main.in("subshell"):
		r.Reason = fmt.Sprintf("bash forks for the subshell around %s and stays as its parent", name)
	case main.ctx != nil:
		r.Reason = fmt.Sprintf("bash execs only a last command at the top level, and %s runs inside %s", name, article(main.ctx.kind))
	case s.bashStays != "":
		r.Reason = s.bashStays
	case main.redirects:
		r.Reason = "bash does not exec a last command with redirections"
	case main.negated:
		r.Reason = "bash does not exec a negated last command"
	case s.trapStopsExec(Bash):
		r.Reason = "bash does not exec the last command once the script sets a trap"
	case len(main.Args) > 0 && main.Args[0].Literal && s.funcs[main.Args[0].Value]:
		r.Reason = fmt.Sprintf("%s is a shell function, which bash runs in the shell itself", name)
	default:
		r.ByDialect, r.Verdict, r.Reason = true, Replaces, "bash execs the last command of a -c string"
	}
	return r
}

// Quote quotes shell text for a message: in double quotes, or in single
// quotes when it holds double quotes itself ('"$@"').
func Quote(s string) string {
	if strings.Contains(s, `"`) && !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return fmt.Sprintf("%q", s)
}

// forker names the shell that forks for a subshell, for a message.
func forker(d Dialect, file bool) string {
	if file {
		return "the script's shell"
	}
	return d.String()
}

func article(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// after returns the command that runs after c.
func (s *Script) after(c *Command) *Command {
	if c.order+1 < len(s.Commands) {
		return s.Commands[c.order+1]
	}
	return nil
}

// PlainFields splits src into words when it is a single command that needs no
// shell at all: no variables, globs, quotes, escapes, operators,
// redirections or assignments. Only then is the exec form the same program.
func PlainFields(src string) ([]string, bool) {
	fields := strings.Fields(src)
	if len(fields) == 0 || strings.Contains(fields[0], "=") {
		return nil, false
	}
	for _, f := range fields {
		if strings.HasPrefix(f, "#") || strings.HasPrefix(f, "~") {
			return nil, false
		}
		for _, r := range f {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-", r)) {
				return nil, false
			}
		}
	}
	return fields, true
}
