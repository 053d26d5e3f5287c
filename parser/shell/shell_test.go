package shell

import (
	"strings"
	"testing"
	"time"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestAnalyze(t *testing.T) {
	isSidekiq := func(c *Command) bool {
		for _, w := range c.Argv() {
			if w == "sidekiq" {
				return true
			}
		}
		return false
	}
	tests := []struct {
		script  string
		dialect Dialect
		main    string
		verdict Verdict
		reason  string // a part of the reason
	}{
		{"sidekiq", Dash, "sidekiq", Stays, "dash does not exec"},
		{"sidekiq", Bash, "sidekiq", Replaces, "bash execs"},
		{"sidekiq", Ash, "sidekiq", Replaces, "ash execs"},
		{"exec sidekiq", Dash, "sidekiq", Replaces, "exec replaces"},
		{"cd /app && bundle exec sidekiq -t 20", Dash, "bundle exec sidekiq -t 20", Stays, "dash"},
		{"cd /app; bundle exec sidekiq", Bash, "bundle exec sidekiq", Replaces, ""},
		{"bundle exec sidekiq; echo done", Bash, "bundle exec sidekiq", Stays, `"echo done" after it`},
		{"exec bundle exec sidekiq; echo done", Dash, "bundle exec sidekiq", Replaces, ""},
		{"sidekiq | logger", Bash, "sidekiq", Stays, "pipeline"},
		{"exec sidekiq | logger", Dash, "sidekiq", Stays, "pipeline"},
		{"sidekiq &", Bash, "sidekiq", Stays, "background"},
		{"sleep 100 & sidekiq", Bash, "sidekiq", Stays, "& starts a job"},
		{"sleep 100 & sidekiq", Ash, "sidekiq", Replaces, ""},
		{"sleep 100 & sidekiq", Dash, "sidekiq", Stays, "dash"},
		{"sleep 100 & exec sidekiq", Bash, "sidekiq", Replaces, "exec"},
		{"sleep 100 & cd /app && sidekiq", Bash, "sidekiq", Stays, "& starts a job"},
		{"cd /app && sleep 100 & sidekiq", Bash, "sidekiq", Stays, "& starts a job"},
		{"sleep 100 & cd /app; sidekiq", Bash, "sidekiq", Replaces, ""},
		{"sleep 100 &\nsidekiq", Bash, "sidekiq", Replaces, ""},
		{"sleep 100 & # comment\nsidekiq", Bash, "sidekiq", Replaces, ""},
		{"{ sleep 100 & }; sidekiq", Bash, "sidekiq", Replaces, ""},
		{"cd /app; true && sidekiq", Bash, "sidekiq", Stays, "&& or || list"},
		{"cd /app; false || sidekiq", Bash, "sidekiq", Stays, "&& or || list"},
		{"cd /app\ntrue && sidekiq", Bash, "sidekiq", Replaces, ""},
		{"true && cd /app; sidekiq", Bash, "sidekiq", Replaces, ""},
		{"true && true && sidekiq", Bash, "sidekiq", Replaces, ""},
		{"cd /app; true && sidekiq", Ash, "sidekiq", Replaces, ""},
		{"sidekiq > /log 2>&1", Bash, "sidekiq", Stays, "redirections"},
		{"sidekiq > /log 2>&1", Ash, "sidekiq", Replaces, ""},
		{"sidekiq < /dev/null", Bash, "sidekiq", Stays, "redirections"},
		{"cd /app && sidekiq 2>&1", Bash, "sidekiq", Stays, "redirections"},
		{"trap 'echo bye' EXIT; sidekiq", Bash, "sidekiq", Stays, "trap"},
		{"trap '' INT; sidekiq", Bash, "sidekiq", Replaces, ""},
		{"trap 'echo i' INT; sidekiq", Bash, "sidekiq", Stays, "trap"},
		{"trap 'echo q' SIGQUIT; sidekiq", Bash, "sidekiq", Stays, "trap"},
		{"trap 'echo r' RETURN; sidekiq", Bash, "sidekiq", Replaces, ""},
		{"trap 'echo d' DEBUG; sidekiq", Bash, "sidekiq", Replaces, ""},
		{"trap 'echo r' RETURN; sidekiq", Ash, "sidekiq", Stays, "trap"},
		{"trap 'echo h' HUP; sidekiq", Bash, "sidekiq", Stays, "trap"},
		{"trap 'echo t' 15; sidekiq", Bash, "sidekiq", Stays, "trap"},
		{"trap 'echo e' ERR; sidekiq", Bash, "sidekiq", Stays, "trap"},
		{"trap 'echo t' TERM; sidekiq", Ash, "sidekiq", Stays, "ash does not exec the last command once the script sets a trap"},
		{"trap 'echo i' INT; sidekiq", Ash, "sidekiq", Stays, "trap"},
		{"trap 'echo t' TERM; (sidekiq)", Ash, "sidekiq", Stays, "trap"},
		{"trap 'echo t' TERM; exec sidekiq", Ash, "sidekiq", Replaces, "exec"},
		{"trap '' INT; sidekiq", Ash, "sidekiq", Replaces, ""},
		{"trap - INT; sidekiq", Ash, "sidekiq", Replaces, ""},
		{"! sidekiq", Ash, "sidekiq", Stays, "negated"},
		{"f() { :; }; sidekiq", Ash, "sidekiq", Replaces, ""},
		{"! sidekiq", Bash, "sidekiq", Stays, "negated"},
		{"if true; then sidekiq; fi", Bash, "sidekiq", Stays, "inside an if"},
		{"if true; then sidekiq; fi", Ash, "sidekiq", Replaces, ""},
		{"(sidekiq)", Bash, "sidekiq", Stays, "bash forks for the subshell"},
		{"(exec sidekiq)", Dash, "sidekiq", Stays, "which dash forks"},
		{"( exec sidekiq )", Bash, "sidekiq", Stays, "which bash forks"},
		{"( exec sidekiq )", Ash, "sidekiq", Replaces, "subshell in place"},
		{"cd /app; ( sidekiq )", Ash, "sidekiq", Replaces, "subshell in place"},
		{"cd /app; ( sidekiq )", Dash, "sidekiq", Stays, "dash does not exec"},
		{"cd /app; ( exec sidekiq )", Bash, "sidekiq", Stays, "which bash forks"},
		{"(cd /app && sidekiq)", Ash, "sidekiq", Replaces, "subshell in place"},
		{"(exec sidekiq) > /log", Ash, "sidekiq", Replaces, ""},
		{"( exec sidekiq ); echo done", Ash, "sidekiq", Stays, `"echo done" after it`},
		{"{ sidekiq; }", Ash, "sidekiq", Replaces, ""},
		{"f() { sidekiq; }; f", Bash, "sidekiq", Unknown, "function"},
		{"run() { :; }; run", Bash, "run", Stays, "shell function"},
		{"while true; do sidekiq; done", Bash, "sidekiq", Stays, "loop around"},
		{"while true; do sidekiq; done", Ash, "sidekiq", Stays, "loop around"},
		{"until false; do sidekiq; done", Ash, "sidekiq", Stays, "loop around"},
		{"for i in 1; do sidekiq; done", Dash, "sidekiq", Stays, "loop around"},
		{"cd /app; for i in 1; do sidekiq; done", Bash, "sidekiq", Stays, "loop around"},
		{"while true; do exec sidekiq; done", Dash, "sidekiq", Replaces, "exec"},
		{"f() { while :; do sidekiq; done; }; f", Bash, "sidekiq", Unknown, "function"},
		{"FOO=1 sidekiq", Bash, "sidekiq", Replaces, ""},
		{"false || sidekiq", Ash, "sidekiq", Replaces, ""},
		{`cd /app && exec "$@"`, Dash, `"$@"`, Replaces, ""},
		{"node server.js", Dash, "node server.js", Stays, "dash"},
		{"exec >/log 2>&1; node server.js", Bash, "node server.js", Replaces, ""},
	}
	for _, tt := range tests {
		t.Run(tt.dialect.String()+" "+tt.script, func(t *testing.T) {
			s, err := Parse(tt.script)
			if err != nil {
				t.Fatal(err)
			}
			r := s.Analyze(tt.dialect, isSidekiq)
			if r.Main == nil {
				t.Fatal("no main command")
			}
			if got := r.Main.String(); got != tt.main {
				t.Errorf("main = %q, want %q", got, tt.main)
			}
			if r.Verdict != tt.verdict {
				t.Errorf("verdict = %v, want %v (%s)", r.Verdict, tt.verdict, r.Reason)
			}
			if !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("reason %q does not say %q", r.Reason, tt.reason)
			}
		})
	}
}

func TestWords(t *testing.T) {
	s, err := Parse(`exec bundle exec sidekiq -t "20" -C 'config/x y.yml' -e $RAILS_ENV "$@"`)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Commands[0]
	if !c.Exec {
		t.Error("exec not recognized")
	}
	want := []string{"bundle", "exec", "sidekiq", "-t", "20", "-C", "config/x y.yml", "-e", "", ""}
	if got := c.Argv(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("argv = %q, want %q", got, want)
	}
	if c.Args[8].Literal || !c.Args[9].AllArgs {
		t.Errorf("$RAILS_ENV must be non-literal and \"$@\" AllArgs: %+v %+v", c.Args[8], c.Args[9])
	}
	if got := s.Src[c.Args[6].Start:c.Args[6].End]; got != `'config/x y.yml'` {
		t.Errorf("word span = %q", got)
	}
}

// TestArrays: "${NAME[@]}" in a command is the words the array holds
// there; an append a branch may run leaves the end unknown.
func TestArrays(t *testing.T) {
	tests := []struct {
		script, want string // the last command's argv, "?" for a word not known
	}{
		{"ARGS=(-A app worker)\ncelery \"${ARGS[@]}\"", "celery -A app worker"},
		{"ARGS=(-A app)\nARGS+=(worker -Q \"$Q\")\ncelery \"${ARGS[@]}\"", "celery -A app worker -Q ?"},
		{"ARGS=(-A app worker)\nif [ -n \"$BEAT\" ]; then ARGS+=(--beat); fi\ncelery ${ARGS[@]}", "celery -A app worker ?"},
		// Replaced in a branch, or set another way: not known.
		{"ARGS=(-A app worker)\nif true; then ARGS=(beat); fi\ncelery \"${ARGS[@]}\"", "celery ?"},
		{"declare -a ARGS=(worker)\ncelery \"${ARGS[@]}\"", "celery ?"},
		{"ARGS=(worker)\nARGS[0]=beat\ncelery \"${ARGS[@]}\"", "celery ?"},
		{"celery \"${ARGS[@]}\"\nARGS=(worker)", "celery ?"},
		// Not the whole array.
		{"ARGS=(-A app worker)\ncelery \"${ARGS[0]}\" x${ARGS[@]}", "celery ? ?"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.script)
		if err != nil {
			t.Fatal(err)
		}
		c := s.Commands[len(s.Commands)-1]
		var got []string
		for _, w := range c.Args {
			if !w.Literal && w.Value == "" {
				got = append(got, "?")
				continue
			}
			got = append(got, w.Value)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%q: argv %q, want %q", tt.script, got, tt.want)
		}
	}
	s, _ := Parse("ARGS=(worker)\ncelery \"${ARGS[@]}\"")
	if c := s.Commands[0]; c.String() != `celery "${ARGS[@]}"` {
		t.Errorf("String() = %q: messages quote the command as written", c.String())
	}
}

func TestParseError(t *testing.T) {
	if _, err := Parse(`echo "unterminated`); err == nil {
		t.Error("want a parse error")
	}
}

func TestPlainFields(t *testing.T) {
	tests := []struct {
		in   string
		want string // fields joined by |, or "-" when not plain
	}{
		{"bundle exec sidekiq -t 20", "bundle|exec|sidekiq|-t|20"},
		{"  bin/sidekiq   -C config/sidekiq.yml ", "bin/sidekiq|-C|config/sidekiq.yml"},
		{"sidekiq -t $T", "-"},
		{"cd /app && sidekiq", "-"},
		{"sidekiq > log", "-"},
		{`sidekiq -q "a b"`, "-"},
		{"FOO=1 sidekiq", "-"},
		{"sidekiq *.rb", "-"},
		{"~/bin/sidekiq", "-"},
		{"sidekiq # comment", "-"},
		{"", "-"},
	}
	for _, tt := range tests {
		f, ok := PlainFields(tt.in)
		got := "-"
		if ok {
			got = strings.Join(f, "|")
		}
		if got != tt.want {
			t.Errorf("PlainFields(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"sidekiq", "cd /a && exec \"$@\"", "a | b; c &", "if x; then exec y; fi", "f() { g; }; f", "trap 'x' TERM; y > z",
		"sidekiq -t ${T:-${U-2}}$V", "case $1 in w) exec x;; *) y;; esac"} {
		f.Add(s)
	}
	env := map[string]string{"T": "30", "V": ""}
	f.Fuzz(func(t *testing.T, src string) {
		defer fuzzbudget.Check(t)()
		s, err := Parse(src)
		if err != nil {
			return
		}
		for _, c := range s.Commands {
			for _, w := range c.Args {
				if v, ok := w.Expand(env); w.Literal && (!ok || v != w.Value) {
					t.Fatalf("a literal word expands to %q, %v", v, ok)
				}
			}
		}
		s.AnalyzeFilePaths(func(c *Command) bool { return len(c.Args) > 0 })
		for _, d := range []Dialect{Dash, Bash, Ash} {
			r := s.Analyze(d, nil)
			if r.Main != nil && (r.Main.Start < 0 || r.Main.End > len(src) || len(r.Main.Args) == 0) {
				t.Fatalf("bad main command %+v", r.Main)
			}
		}
		PlainFields(src)
	})
}

func TestAnalyzeFile(t *testing.T) {
	isArgs := func(c *Command) bool { return len(c.Args) > 0 && c.Args[0].AllArgs }
	tests := []struct {
		script  string
		verdict Verdict
	}{
		{"#!/bin/bash\nset -e\nbundle exec rails db:migrate\n\"$@\"\n", Stays},
		{"#!/bin/sh\nexec \"$@\"\n", Replaces},
		{"#!/bin/sh\nif [ -n \"$X\" ]; then\n  exec \"$@\"\nfi\n", Replaces},
		{"#!/bin/sh\n\"$@\" &\nwait\n", Stays},
		{"#!/bin/sh\nexec \"$@\" | tee /log\n", Stays},
		{"#!/bin/sh\ncd /tmp\n( exec \"$@\" )\n", Stays},
		{"#!/bin/bash\n\"$@\"\necho done\n", Stays},
		{"#!/bin/sh\nwhile true; do \"$@\"; done\n", Stays},
		{"#!/bin/sh\nwhile true; do exec \"$@\"; done\n", Replaces},
	}
	for _, tt := range tests {
		s, err := Parse(tt.script)
		if err != nil {
			t.Fatal(err)
		}
		r := s.AnalyzeFile(isArgs)
		if tt.verdict == Stays && r.Main == nil {
			continue
		}
		if r.Verdict != tt.verdict {
			t.Errorf("%q: verdict %v (%s), want %v", tt.script, r.Verdict, r.Reason, tt.verdict)
		}
	}
}

// TestTraps: the scripts are the ones measured as PID 1 (rules'
// TestScriptFilesAsPID1); a single wait loses the drain.
func TestTraps(t *testing.T) {
	tests := []struct {
		script string
		traps  bool
	}{
		{"trap 'kill -TERM $child' TERM\n\"$@\" &\nchild=$!\nwait $child\n", false},
		{"trap \"kill -TERM $child\" TERM\n\"$@\" &\nchild=$!\nwait $child\n", false},
		{"trap 'kill -TERM $pid' TERM\n\"$@\" &\npid=$!\nwait $pid\ntrap - TERM\nwait $pid\n", true},
		{"trap 'kill -TERM $pid' TERM\n\"$@\" &\npid=$!\nwait\nwait\n", true},
		{"trap 'kill -TERM $pid; wait $pid' TERM\n\"$@\" &\npid=$!\nwait $pid\n", true},
		{"trap \"kill -TERM $pid; wait $pid\" SIGTERM\n\"$@\" &\npid=$!\nwait $pid\n", true},
		{"term() { kill -TERM \"$pid\"; wait \"$pid\"; }\ntrap term TERM\n\"$@\" &\npid=$!\nwait \"$pid\"\n", true},
		{"term() { kill -TERM \"$pid\"; }\ntrap term TERM\n\"$@\" &\npid=$!\nwait \"$pid\"\n", false},
		{"trap 'kill -TERM $pid' TERM\n\"$@\" &\npid=$!\nwhile kill -0 $pid 2>/dev/null; do wait $pid; done\n", true},
		{"trap 'kill -TERM $pid; wait $pid' INT\n\"$@\" &\npid=$!\nwait $pid\n", false},
		{"trap 'kill -TERM $pid; wait $pid' TERM\n\"$@\"\n", false},
	}
	for _, tt := range tests {
		s, err := Parse(tt.script)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Traps(); got != tt.traps {
			t.Errorf("Traps() = %v, want %v for\n%s", got, tt.traps, tt.script)
		}
	}
	s, _ := Parse(tests[0].script)
	r := s.AnalyzeFile(func(c *Command) bool { return len(c.Args) > 0 && c.Args[0].AllArgs })
	if r.Verdict != Stays || !strings.Contains(r.Reason, "only wait for it") {
		t.Errorf("single wait: %v %q", r.Verdict, r.Reason)
	}
}

func TestTrapDelay(t *testing.T) {
	const trap = "trap 'kill -TERM $pid' TERM\nsidekiq &\npid=$!\n"
	for script, want := range map[string]string{
		trap + "sleep \"$GRACE\"\nwait $pid\nwait $pid\n":                      `sleep "$GRACE"`,
		trap + "while kill -0 $pid; do sleep 30; done\nwait $pid\n":            "sleep 30",
		trap + "sleep 1\nwait $pid\nwait $pid\n":                               "",
		trap + "sleep 60 & wait $!\nwait $pid\n":                               "",
		trap + "wait $pid\nsleep 60\n":                                         "",
		"sleep 60\n" + trap + "wait $pid\nwait $pid\n":                         "",
		"trap 'kill -TERM $pid' INT\nsidekiq &\npid=$!\nsleep 60\nwait $pid\n": "",
		trap + "check() { sleep 60; }\nwait $pid\nwait $pid\n":                 "",
	} {
		s, err := Parse(script)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if d := s.TrapDelay(); d != nil {
			got = d.String()
		}
		if got != want {
			t.Errorf("TrapDelay() = %q, want %q for\n%s", got, want, script)
		}
	}
}

// Nesting costs linear time, and past a depth no script reaches it is an
// error, never a crash.
func TestDeepNesting(t *testing.T) {
	nested := func(n int) string {
		return strings.Repeat("{ ", n) + "exec sidekiq" + strings.Repeat("; }", n) + "\n"
	}
	start := time.Now()
	s, err := Parse(nested(900))
	if err != nil || len(s.Commands) != 1 {
		t.Fatalf("900 levels: %v", err)
	}
	// 170,000 levels fit in 1 MiB, the most of a script gracelint reads;
	// parsed, they took 13 s.
	for _, src := range []string{nested(8000), nested(170_000),
		strings.Repeat("if a; then ", 100_000) + "sidekiq" + strings.Repeat("; fi", 100_000),
		"echo " + strings.Repeat("$(", 100_000) + "sidekiq" + strings.Repeat(")", 100_000)} {
		if _, err := Parse(src); err != ErrTooDeep {
			t.Errorf("%.20s...: err = %v, want ErrTooDeep", src, err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
