// Package rules holds gracelint's rules, one per file, and the list of them.
package rules

import "github.com/gracelint/gracelint/lint"

// All returns every rule, in ID order. The list is explicit so that adding a
// rule is one reviewed line.
func All() []*lint.Rule {
	return []*lint.Rule{
		lint.UnusedSuppression,
		lint.MalformedSuppression,
		ShellFormCommand,
		ShellWrapperWithoutExec,
		MissingInit,
		NestedInit,
		StopSignalMismatch,
		EntrypointScriptWithoutExec,
		PackageManagerAsPID1,
		WorkerCannotHandleSignal,
		StopTimeoutTooShort,
		StopTimeoutOutOfRange,
	}
}
