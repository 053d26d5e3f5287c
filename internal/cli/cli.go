// Package cli is gracelint's command line: flags, file discovery, output and
// exit codes.
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/gracelint/gracelint/internal/config"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/output"
	"github.com/gracelint/gracelint/rules"
	"github.com/spf13/cobra"
)

// Version is gracelint's version: the module version it was installed at
// (go install ...@v0.2.0), else the commit it was built from, else the
// release this source tree is.
var Version = buildVersion(debug.ReadBuildInfo)

func buildVersion(read func() (*debug.BuildInfo, bool)) string {
	const release = "0.1.0"
	info, ok := read()
	if !ok {
		return release
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return strings.TrimPrefix(v, "v")
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) >= 12 {
		return release + "-dev+" + rev[:12] + dirty
	}
	return release + "-dev"
}

// The exit codes.
const (
	ExitClean    = 0 // nothing at or above the fail level
	ExitFindings = 1 // findings at or above the fail level
	ExitInput    = 2 // a usage error or an input that could not be read or parsed
	ExitInternal = 3 // gracelint itself failed
)

type options struct {
	verbose bool
	// explainTo is where -v writes; stderr when nil (trace: stdout).
	explainTo io.Writer
	formats   []string
	outputs   []string
	failLevel string
	noColor   bool
	color     string
	selected  []string
	ignored   []string
	stdinName string
	fix       bool
	unsafe    bool
	diff      bool
	config    string
	root      string
	skip      bool
	// failLevelSet is true when --fail-level was given, which wins over the
	// configuration file.
	failLevelSet bool
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
		Long: `gracelint reads Dockerfiles, ECS task definitions, Compose, Kubernetes,
Helm charts, CloudFormation, Terraform, Copilot, Kamal, fly.io, Render,
systemd and Procfiles, and reports the process chains that keep SIGTERM from reaching a
worker, and stop timeouts shorter than the worker's shutdown. PATH defaults
to "."; "-" reads standard input.`,
		Version:       Version,
		Args:          cobra.ArbitraryArgs, // paths, beside the subcommands
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, paths []string) error {
			opt.failLevelSet = cmd.Flags().Changed("fail-level")
			c, err := run(opt, paths, stdin, stdout, stderr)
			code = c
			return err
		},
	}
	topt := options{verbose: true, explainTo: stdout, failLevel: "warning"}
	trace := &cobra.Command{
		Use:   "trace [PATH...]",
		Short: "Print each container's process tree and stop timeline, clean ones too, then the findings (a file named trace is linted as ./trace)",
		Args:  cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, paths []string) error {
			c, err := run(topt, paths, stdin, stdout, stderr)
			code = c
			return err
		},
	}
	tf := trace.Flags()
	tf.StringVar(&topt.config, "config", "", "the configuration file (default: .gracelint.yaml found from the current directory up to the lint root)")
	tf.StringVar(&topt.root, "root", "", "the lint root: files outside it are never read (default: the repository of the paths named)")
	tf.StringVar(&topt.color, "color", "auto", "color: auto, always or never")
	cmd.AddCommand(rulesCommand(stdout), explainCommand(stdout), configCommand(stdout), versionCommand(stdout), trace)
	f := cmd.Flags()
	f.StringArrayVarP(&opt.formats, "format", "f", nil, "output format: "+strings.Join(output.Formats, ", ")+" (default text; repeat for several)")
	f.StringArrayVarP(&opt.outputs, "output", "o", nil, `file for the format in the same position ("-": standard output, the default)`)
	f.StringVar(&opt.failLevel, "fail-level", "warning", "exit 1 on findings at or above: error, warning, info or none")
	f.BoolVar(&opt.noColor, "no-color", false, "disable color, as --color never")
	f.StringSliceVar(&opt.selected, "select", nil, "run only these rules (IDs or names, comma-separated or repeated)")
	f.StringSliceVar(&opt.ignored, "ignore", nil, "do not run these rules (IDs or names, comma-separated or repeated)")
	f.StringVar(&opt.color, "color", "auto", "color text output: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always (CI logs that render ANSI) or never")
	f.StringVar(&opt.stdinName, "stdin-filename", "stdin", `the file name to report for "-", which also decides its kind`)
	f.BoolVar(&opt.skip, "skip-unknown", false, "skip named files that are neither a Dockerfile nor a task definition, as a directory walk does (for hooks that pass every *.json)")
	f.StringVar(&opt.root, "root", "", "the lint root, where build contexts and Sidekiq configurations are looked up (default: the repository, else the directory, of the first path named)")
	f.StringVar(&opt.config, "config", "", "configuration file (default: .gracelint.yaml in the current directory or above, up to the repository root)")
	f.BoolVarP(&opt.verbose, "verbose", "v", false, "say on stderr what each file was read as and, for each container, the image it was linked to and why, the process chain and the scripts followed, and how the platform stops it")
	f.BoolVar(&opt.fix, "fix", false, "apply safe fixes to the files, then report what is left")
	f.BoolVar(&opt.unsafe, "unsafe-fixes", false, "with --fix or --diff, also apply fixes that change behavior beyond the finding")
	f.BoolVar(&opt.diff, "diff", false, "print a unified diff of what --fix would change and write nothing (exit 1 when there is a diff)")
	cmd.SetArgs(args)
	cmd.SetIn(stdin)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		fmt.Fprintf(stderr, "gracelint: %s\n", output.Clean(err.Error()))
		if code == ExitClean {
			code = ExitInput
		}
	}
	return code
}

func run(opt options, paths []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	sinks, err := outputs(opt)
	if err != nil {
		return ExitInput, err
	}
	if opt.color != "auto" && opt.color != "always" && opt.color != "never" {
		return ExitInput, fmt.Errorf("--color %q: want auto, always or never", opt.color)
	}
	wd, err := os.Getwd()
	if err != nil {
		return ExitInternal, err
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	root := lintRootOf(wd, paths)
	if opt.root != "" {
		if root, err = filepath.Abs(opt.root); err != nil {
			return ExitInput, err
		}
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			return ExitInput, fmt.Errorf("--root %s: not a directory", opt.root)
		}
	}
	cfgPath := opt.config
	if cfgPath == "" {
		cfgPath = config.Find(wd, root)
	}
	cfg := &config.Config{Options: lint.DefaultOptions()}
	if cfgPath != "" {
		if cfg, err = config.Load(cfgPath, rules.All()); err != nil {
			return ExitInput, err
		}
	}
	if err := chooseRules(&cfg.Options, opt.selected, opt.ignored); err != nil {
		return ExitInput, err
	}
	level := opt.failLevel
	if cfg.FailLevel != "" && !opt.failLevelSet {
		level = cfg.FailLevel
	}
	failLevel := lint.Severity(0)
	if level != "none" {
		if failLevel, err = lint.ParseSeverity(level); err != nil {
			return ExitInput, fmt.Errorf("--fail-level: %w", err)
		}
	}
	if opt.fix && opt.diff {
		return ExitInput, fmt.Errorf("--fix and --diff do not go together: --diff shows what --fix would write")
	}
	if opt.fix && slices.Contains(paths, "-") {
		return ExitInput, fmt.Errorf("--fix cannot write to standard input; use --diff")
	}
	var errs []*lint.InputError
	var sk skipped
	rootDir, err := os.OpenRoot(root)
	if err != nil {
		return ExitInput, fmt.Errorf("the lint root: %w", err)
	}
	defer rootDir.Close()
	inputs, results := lintAll(cfg, lintRoot{dir: root, wd: wd, fsys: rootDir.FS(), shared: &lint.RunCache{}, verbose: opt.verbose}, opt.fix || opt.diff, opt.unsafe, func(emit func(input)) {
		named := map[string]bool{}
		errs = discover(paths, root, stdin, opt.stdinName, cfg, opt.skip, func(in input) {
			named[absPath(in.file)] = true
			emit(in)
		}, &sk)
		if len(sk.unread) == 0 {
			return
		}
		// A script, a configuration or an .env named alone is linted
		// through the targets of the lint root that read it.
		readers := map[string]bool{}
		for _, in := range sk.unread {
			if rel, err := filepath.Rel(root, absPath(in.file)); err == nil && filepath.IsLocal(rel) {
				readers[filepath.ToSlash(rel)] = true
			}
		}
		discover([]string{root}, root, nil, "", cfg, false, func(in input) {
			if !named[absPath(in.file)] {
				in.readers = readers
				emit(in)
			}
		}, &skipped{})
	})
	read := map[string]bool{}
	kept := 0
	for i := range inputs {
		for _, p := range results[i].read {
			read[p] = true
		}
		if !results[i].dropped {
			kept++
		}
	}
	for _, in := range sk.unread {
		rel, _ := filepath.Rel(root, absPath(in.file))
		if !read[filepath.ToSlash(rel)] && !opt.skip {
			errs = append(errs, &lint.InputError{File: in.path, Msg: lint.NotReadable})
		}
	}
	if kept == 0 && len(errs) == 0 && !opt.skip {
		fmt.Fprintf(stderr, "note: no file to lint in %s: none is a kind gracelint reads (gracelint --help lists them)\n", output.Clean(strings.Join(paths, " ")))
	}
	if helm := sk.helm; len(helm) > 0 {
		fmt.Fprintf(stderr, "note: skipped %d Helm %s (%s): they are not YAML until rendered; lint the manifests: helm template . | gracelint --stdin-filename manifests.yaml -\n",
			len(helm), plural(len(helm), "template", "templates"), output.Clean(helm[0]))
	}
	if nd := sk.notDockerfile; len(nd) > 0 {
		fmt.Fprintf(stderr, "note: skipped %d %s named like a Dockerfile (%s): the first instruction is not FROM or ARG; name a file to lint it anyway\n",
			len(nd), plural(len(nd), "file", "files"), output.Clean(nd[0]))
	}
	rep := &output.Report{Version: Version, Rules: rules.All(), Errors: errs, Sources: map[string]*source.Lines{}, BaseDir: wd, Root: root}
	type errorPlace struct {
		file      string
		line, col int
	}
	reported := map[errorPlace]bool{}
	for _, e := range errs {
		reported[errorPlace{e.File, e.Line, e.Col}] = true
	}
	// One slice of the findings' size: appending grows it up to twice that,
	// and 100,000 findings of 200 bytes each stay live until written.
	total := 0
	for i := range inputs {
		total += len(results[i].findings)
	}
	rep.Findings = make([]lint.Finding, 0, total)
	var diffs strings.Builder
	var notes skippedNotes
	fixedFiles, fixes := 0, 0
	for i, in := range inputs {
		r := results[i]
		if r.dropped {
			continue
		}
		if r.panic != nil {
			return ExitInternal, fmt.Errorf("internal error linting %s: %v", in.path, r.panic)
		}
		if r.err != nil {
			return ExitInternal, r.err
		}
		explainTo := stderr
		if opt.explainTo != nil {
			explainTo = opt.explainTo
		}
		for _, line := range r.explain {
			fmt.Fprintln(explainTo, output.Clean(line))
		}
		src := in.src
		if r.fixed != nil && !bytes.Equal(r.fixed, in.src) {
			src = r.fixed
			switch {
			case opt.diff:
				d, err := unifiedDiff(in.path, in.src, r.fixed)
				if err != nil {
					return ExitInternal, err
				}
				diffs.WriteString(d)
			case opt.fix:
				if err := writeFixed(root, in.file, in.src, r.fixed); err != nil {
					rep.Errors = append(rep.Errors, &lint.InputError{File: in.path, Msg: "writing the fixes: " + err.Error()})
					src = in.src
					r.findings = r.before
				} else {
					fixedFiles++
					fixes += r.applied
				}
			}
			if r.pending > 0 {
				fmt.Fprintf(stderr, "gracelint: %s: %d %s not applied: %s other fixes; run again\n",
					output.Clean(in.path), r.pending, plural(r.pending, "fix was", "fixes were"), plural(r.pending, "it overlaps", "they overlap"))
			}
		}
		// Sources serve excerpts and columns of findings; a clean file's
		// is dropped, so a large run keeps only what it reports.
		if len(r.findings) > 0 {
			rep.Sources[in.path] = source.NewLines(src)
		}
		rep.Findings = append(rep.Findings, r.findings...)
		results[i].findings, results[i].before = nil, nil // copied: let them go
		for _, e := range r.errs {
			switch {
			case e.Skipped:
				notes.add(e)
			case !reported[errorPlace{e.File, e.Line, e.Col}]:
				// Once per place: two Dockerfiles may follow one script
				// that cannot be read, which a walk may have met too.
				reported[errorPlace{e.File, e.Line, e.Col}] = true
				rep.Errors = append(rep.Errors, e)
			}
		}
	}
	notes.print(stderr)
	// A finding in a file other than the one linted (the script a
	// Dockerfile runs) obeys that file's ignore and overrides.
	rep.Findings = slices.DeleteFunc(rep.Findings, func(f lint.Finding) bool {
		if _, isInput := rep.Sources[f.File]; isInput {
			return false
		}
		return cfg.Ignored(f.File) || cfg.OptionsFor(f.File).Disabled[f.Rule.ID]
	})
	n, applied, err := otherFiles(rep, opt, root, &diffs)
	if err != nil {
		return ExitInternal, err
	}
	fixedFiles, fixes = fixedFiles+n, fixes+applied

	if opt.diff {
		if _, err := io.WriteString(stdout, diffs.String()); err != nil {
			return ExitInternal, err
		}
		for _, e := range rep.Errors {
			fmt.Fprintf(stderr, "error: %s\n", output.Clean(e.Error()))
		}
		switch {
		case len(rep.Errors) > 0:
			return ExitInput, nil
		case diffs.Len() > 0:
			return ExitFindings, nil
		}
		return ExitClean, nil
	}
	if opt.fix && fixes > 0 {
		fmt.Fprintf(stderr, "gracelint: applied %d %s in %d %s\n", fixes, plural(fixes, "fix", "fixes"), fixedFiles, plural(fixedFiles, "file", "files"))
	}

	for _, s := range sinks {
		if err := s.write(rep, stdout, stderr, output.Color{Out: useColor(opt, stdout), Err: useColor(opt, stderr)}); err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return ExitInput, err
			}
			return ExitInternal, err
		}
	}
	if kept > 0 {
		fmt.Fprintln(stderr, summary(kept, rep))
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

// summary is the run in one line: "gracelint: 12 files, 3 findings (1
// error, 2 warnings), 2 fixable with --fix".
func summary(files int, rep *output.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "gracelint: %d %s, ", files, plural(files, "file", "files"))
	if len(rep.Findings) == 0 {
		b.WriteString("no findings")
	} else {
		count := map[lint.Severity]int{}
		safe, unsafe := 0, 0
		for _, f := range rep.Findings {
			count[f.Severity]++
			switch {
			case f.Fix == nil:
			case f.Fix.Safe:
				safe++
			default:
				unsafe++
			}
		}
		var parts []string
		for _, sev := range []lint.Severity{lint.Error, lint.Warning, lint.Info} {
			if n := count[sev]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, plural(n, sev.String(), sev.String()+"s")))
			}
		}
		fmt.Fprintf(&b, "%d %s (%s)", len(rep.Findings), plural(len(rep.Findings), "finding", "findings"), strings.Join(parts, ", "))
		if safe > 0 {
			fmt.Fprintf(&b, ", %d fixable with --fix", safe)
		}
		if unsafe > 0 {
			fmt.Fprintf(&b, ", %d more with --unsafe-fixes", unsafe)
		}
	}
	if n := len(rep.Errors); n > 0 {
		fmt.Fprintf(&b, "; %d %s", n, plural(n, "input error", "input errors"))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type result struct {
	findings []lint.Finding
	errs     []*lint.InputError
	fixed    []byte         // the file after fixes, when fixing
	applied  int            // fixes applied
	pending  int            // fixes left when the rounds ran out
	before   []lint.Finding // the findings before fixes, should writing fail
	err      error
	panic    any
	explain  []string // what -v prints for the input
	// read are the files named on the command line that linting the
	// input read; dropped is true when it was linted only to find the
	// targets that read them, and read none.
	read    []string
	dropped bool
}

// lintAll lints (or fixes) the inputs that feed emits, concurrently, as they
// come: GOMAXPROCS workers, and results in the order of the inputs. A clean
// file's source is dropped once linted, so memory follows what is reported,
// not the size of the tree.
func lintAll(cfg *config.Config, root lintRoot, fix, unsafe bool, feed func(emit func(input))) ([]input, []result) {
	type job struct {
		i  int
		in input
	}
	var (
		mu      sync.Mutex
		inputs  []input
		results []result
		wg      sync.WaitGroup
	)
	jobs := make(chan job, runtime.GOMAXPROCS(0))
	dockerfiles, deploy := sync.OnceValue(root.dockerfiles), sync.OnceValue(root.deployment)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				r := lintOne(j.in, cfg, root, dockerfiles, deploy, fix, unsafe)
				if len(r.findings) == 0 && r.fixed == nil && r.panic == nil {
					j.in.src = nil
				}
				mu.Lock()
				inputs[j.i], results[j.i] = j.in, r
				mu.Unlock()
			}
		})
	}
	n := 0
	feed(func(in input) {
		mu.Lock()
		inputs, results = append(inputs, input{}), append(results, result{})
		mu.Unlock()
		jobs <- job{n, in}
		n++
	})
	close(jobs)
	wg.Wait()
	return inputs, results
}

// lintOne lints or fixes one input; a panic is caught and reported as an
// internal error of that file.
func lintOne(in input, cfg *config.Config, root lintRoot, dockerfiles func() []string, deploy func() deployment, fix, unsafe bool) (r result) {
	defer func() { r.panic = recover() }()
	if in.kind == lint.Unknown {
		r.errs = []*lint.InputError{{File: in.path, Msg: lint.NotReadable}}
		return r
	}
	l := &lint.Linter{Rules: rules.All(), Options: cfg.OptionsFor(in.file), FS: root.fsys,
		Locate: root.locate, Display: root.display, Dockerfiles: dockerfiles, Shared: root.shared,
		Containers: func() []lint.ContainerRef { return deploy().containers },
		Builds:     func() []lint.Build { return deploy().builds }}
	if root.verbose {
		l.Explain = func(name string, kind lint.Kind, targets []*lint.Target) {
			r.explain = append(r.explain, fmt.Sprintf("%s: read as %s", name, kind))
			for _, t := range targets {
				for _, line := range t.Describe() {
					r.explain = append(r.explain, "  "+line)
				}
			}
		}
	}
	// Files linting followed but could not read are said whatever the
	// outcome, after the decision to fix, which they do not stop.
	defer func() { r.errs = append(r.errs, l.Unread()...) }()
	if in.readers != nil {
		// Uncached: a file another input read first must be read again to
		// be seen.
		l.Shared = nil
		l.FS = recordingFS{l.FS, func(name string) {
			if in.readers[name] && !slices.Contains(r.read, name) {
				r.read = append(r.read, name)
			}
		}}
	}
	r.findings, r.errs = l.Run(in.path, in.src, in.kind)
	if in.readers != nil && len(r.read) == 0 {
		return result{dropped: true}
	}
	if !fix || len(r.errs) > 0 {
		return r
	}
	l.Explain = nil // Fix lints again
	res, errs, err := l.Fix(in.path, in.src, in.kind, unsafe)
	if err != nil || len(errs) > 0 {
		r.err, r.errs = err, errs
		return r
	}
	r.before, r.findings, r.fixed, r.applied, r.pending = r.findings, res.Findings, res.Src, res.Applied, res.Pending
	return r
}

// useColor decides colour for one stream: --color always or never wins;
// auto colours a terminal, unless NO_COLOR is set or TERM is dumb.
func useColor(opt options, w io.Writer) bool {
	switch {
	case opt.color == "always":
		return true
	case opt.noColor || opt.color == "never" || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb":
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// skippedNotes gathers the inputs a run skipped for the same reason (the
// templates of a chart that does not render), to say it once.
type skippedNotes struct {
	order []string
	files map[string][]string
}

func (n *skippedNotes) add(e *lint.InputError) {
	if n.files == nil {
		n.files = map[string][]string{}
	}
	if _, ok := n.files[e.Msg]; !ok {
		n.order = append(n.order, e.Msg)
	}
	n.files[e.Msg] = append(n.files[e.Msg], e.File)
}

func (n *skippedNotes) print(w io.Writer) {
	for _, msg := range n.order {
		files := n.files[msg]
		fmt.Fprintf(w, "note: skipped %d %s (%s): %s\n", len(files), plural(len(files), "file", "files"), output.Clean(files[0]), output.Clean(msg))
	}
}

// recordingFS tells each file opened through it to saw: which files a
// target reads is known only by linting it.
type recordingFS struct {
	fs.FS
	saw func(name string)
}

func (r recordingFS) Open(name string) (fs.File, error) {
	r.saw(name)
	return r.FS.Open(name)
}
