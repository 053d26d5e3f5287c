// Package cli is gracelint's command line: flags, file discovery, output and
// exit codes.
package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/output"
	"github.com/gracelint/gracelint/rules"
	"github.com/spf13/cobra"
)

// Version is gracelint's version.
var Version = "0.1.0"

// The exit codes.
const (
	ExitClean    = 0 // nothing at or above the fail level
	ExitFindings = 1 // findings at or above the fail level
	ExitInput    = 2 // a usage error or an input that could not be read or parsed
	ExitInternal = 3 // gracelint itself failed
)

type options struct {
	format    string
	failLevel string
	noColor   bool
	stdinName string
}

// Main runs gracelint with args and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "gracelint: internal error: %v\n", r)
			code = ExitInternal
		}
	}()
	var opt options
	code = ExitClean
	cmd := &cobra.Command{
		Use:   "gracelint [flags] [PATH...]",
		Short: "Find container configurations that make workers lose jobs when stopped",
		Long: `gracelint reads Dockerfiles and ECS task definitions and reports the process
chains that keep SIGTERM from reaching a worker, and stop timeouts shorter
than the worker's shutdown. PATH defaults to "."; "-" reads standard input.`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, paths []string) error {
			c, err := run(opt, paths, stdin, stdout, stderr)
			code = c
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opt.format, "format", "f", "text", "output format: text or json")
	f.StringVar(&opt.failLevel, "fail-level", "warning", "exit 1 on findings at or above: error, warning, info or none")
	f.BoolVar(&opt.noColor, "no-color", false, "disable color (also when NO_COLOR is set)")
	f.StringVar(&opt.stdinName, "stdin-filename", "stdin", `the file name to report for "-", which also decides its kind`)
	cmd.SetArgs(args)
	cmd.SetIn(stdin)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		fmt.Fprintf(stderr, "gracelint: %v\n", err)
		if code == ExitClean {
			code = ExitInput
		}
	}
	return code
}

func run(opt options, paths []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if opt.format != "text" && opt.format != "json" {
		return ExitInput, fmt.Errorf("unknown --format %q (want text or json)", opt.format)
	}
	failLevel := lint.Severity(0)
	if opt.failLevel != "none" {
		var err error
		if failLevel, err = lint.ParseSeverity(opt.failLevel); err != nil {
			return ExitInput, fmt.Errorf("--fail-level: %w", err)
		}
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	inputs, errs := discover(paths, stdin, opt.stdinName)
	rep := &output.Report{Version: Version, Errors: errs, Sources: map[string]*source.Lines{}}
	results := lintAll(inputs)
	for i, in := range inputs {
		if p := results[i].panic; p != nil {
			return ExitInternal, fmt.Errorf("internal error linting %s: %v", in.path, p)
		}
		rep.Sources[in.path] = source.NewLines(in.src)
		rep.Findings = append(rep.Findings, results[i].findings...)
		rep.Errors = append(rep.Errors, results[i].errs...)
	}

	var err error
	switch opt.format {
	case "json":
		err = output.JSON(stdout, rep)
	default:
		err = output.Text(stdout, stderr, rep, useColor(opt, stdout))
	}
	if err != nil {
		return ExitInternal, err
	}
	switch {
	case len(rep.Errors) > 0:
		return ExitInput, nil
	case failLevel != 0:
		for _, f := range rep.Findings {
			if f.Severity >= failLevel {
				return ExitFindings, nil
			}
		}
	}
	return ExitClean, nil
}

type result struct {
	findings []lint.Finding
	errs     []*lint.InputError
	panic    any
}

// lintAll lints inputs concurrently; results keep the inputs' order.
func lintAll(inputs []input) []result {
	results := make([]result, len(inputs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	all := rules.All()
	for i, in := range inputs {
		if in.kind == lint.Unknown {
			results[i].errs = []*lint.InputError{{File: in.path, Msg: "not a Dockerfile or an ECS task definition (name it Dockerfile* or *.Dockerfile, or use --stdin-filename)"}}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() {
				results[i].panic = recover()
				<-sem
				wg.Done()
			}()
			results[i].findings, results[i].errs = lint.Run(all, in.path, in.src, in.kind)
		}()
	}
	wg.Wait()
	return results
}

func useColor(opt options, w io.Writer) bool {
	if opt.noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
