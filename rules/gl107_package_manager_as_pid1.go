package rules

import (
	"fmt"
	"path"
	"slices"

	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/shell"
)

// PackageManagerAsPID1 reports npm, yarn or pnpm running a package.json
// script as the main process.
var PackageManagerAsPID1 = &lint.Rule{
	ID:       "GL107",
	Name:     "package-manager-as-pid1",
	Severity: lint.Warning,
	Summary:  "a package manager runs the app through sh -c, which keeps the stop signal from it",
	Tags:     []string{"dockerfile", "ecs", "node", "signals"},
	Check:    checkPackageManagerAsPID1,
}

// scriptVerbs are the package-manager subcommands that run a package.json
// script.
var scriptVerbs = []string{"start", "run", "run-script", "test", "dev", "serve"}

func checkPackageManagerAsPID1(p *lint.Pass) {
	for _, t := range p.File.Targets {
		c := t.Chain
		// Where /bin/sh is ash, ash may exec a script's last simple command;
		// the script is not read here, so nothing is claimed.
		if c == nil || len(c.Main) < 2 || c.BinSh == shell.Ash || !t.SignalsPID1() {
			continue
		}
		pm := path.Base(c.Main[0].Value)
		if pm != "npm" && pm != "yarn" && pm != "pnpm" {
			continue
		}
		verb := c.Main[1].Value
		if !slices.Contains(scriptVerbs, verb) && !(pm != "npm" && len(c.Main) == 2) {
			continue
		}
		src := t.SourceOf(c.Main[0])
		at := t.Anchor
		if src != nil {
			at = src.Span
		}
		msg := fmt.Sprintf("%s %s runs the package.json script through /bin/sh -c, and %s (taken as /bin/sh here) neither execs the app nor passes SIGTERM on: the shell stays between %s and the app, so at the next deploy the app never gets the signal and is killed without shutting down",
			pm, verb, c.BinSh, pm)
		p.Report(at, msg, `run the app directly, for example CMD ["node", "server.js"], or begin the script with exec`)
	}
}
