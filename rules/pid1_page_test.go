package rules_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// TestPID1Page: docs/pid1.md is the measured facts the rules rest on,
// rendered from the tables the behavioral tests run as PID 1, so no row of
// the page is without its measurement. go test ./rules -update rewrites it.
func TestPID1Page(t *testing.T) {
	var b strings.Builder
	b.WriteString(`# What happens to the process tree at SIGTERM

Every claim gracelint makes about signals rests on a measurement: the chain
runs as PID 1 of a fresh PID namespace (as in a container), with Debian's
dash as sh, bash, BusyBox ash, and the real tini, dumb-init, foreman,
supervisord and s6. WORKER is a stub that traps SIGTERM and needs time to
drain. Each table below is rendered from the table its behavioral test
runs (` + "`go test ./rules`" + ` as root; rows whose programs are missing are
skipped), so this page cannot say what the tests do not measure.
Regenerate it with ` + "`go test ./rules -run TestPID1Page -update`" + `.

`)
	b.WriteString("## Shells, inits and -c strings\n\nMeasured by `TestSignalTableAsPID1` (rules/signals_test.go); `TestSignalTable` checks that the rules agree with every row.\n\n| PID 1 runs | the worker drains |\n|---|---|\n")
	for _, r := range signalRows {
		fmt.Fprintf(&b, "| %s | %s |\n", cell(quoteArgv(r.argv)), yesNo(r.drains))
	}
	b.WriteString("\n## Script files\n\nMeasured by `TestScriptFilesAsPID1` (rules/script_signals_test.go): the shell runs the script with WORKER as its argument (`\"$@\"`).\n\n| shell | script | the worker drains |\n|---|---|---|\n")
	for _, r := range scriptRows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(strings.Join(r.shell, " ")), cell(r.script), yesNo(r.drains))
	}
	b.WriteString("\n## Process managers\n\nMeasured by `TestManagersAsPID1` (rules/manager_signals_test.go), with the files shown; the worker needs the drain time given.\n\n| case | PID 1 runs | files | drain (s) | the worker |\n|---|---|---|---|---|\n")
	for _, r := range managerRows {
		var files []string
		for name, src := range r.files {
			files = append(files, name+": "+src)
		}
		slices.Sort(files)
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %s |\n", cell(r.name), cell(quoteArgv(r.argv)), cell(strings.Join(files, "; ")), r.drain, outcome(r.worker))
	}
	b.WriteString("\n## Other programs as PID 1\n\nMeasured by `TestProgramsAsPID1` (rules/program_signals_test.go): user switchers in front of the worker, and programs that are not the worker (still alive after SIGTERM or not).\n\n| PID 1 runs | drain (s) | PID 1 alive after SIGTERM | the worker |\n|---|---|---|---|\n")
	for _, r := range programRows {
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", cell(quoteArgv(r.argv)), r.drain, yesNo(r.alive), outcome(r.worker))
	}
	page := b.String()
	const path = "../docs/pid1.md"
	if *update {
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./rules -run TestPID1Page -update writes it)", err)
	}
	if string(want) != page {
		t.Errorf("%s is not what the behavioral tests measure; go test ./rules -run TestPID1Page -update rewrites it", path)
	}
}

func quoteArgv(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		q, err := syntax.Quote(a, syntax.LangBash)
		if err != nil {
			q = fmt.Sprintf("%q", a)
		}
		out[i] = q
	}
	return strings.Join(out, " ")
}

// cell renders text for a Markdown table cell, as code.
func cell(s string) string {
	s = strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "⏎ ")
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func outcome(worker string) string {
	switch worker {
	case "drained":
		return "drained"
	case "got-term":
		return "got SIGTERM, SIGKILLed while draining"
	case "running":
		return "never got SIGTERM"
	}
	return "(no worker)"
}
