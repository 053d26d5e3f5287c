package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/output"
)

// sink is one format and where it goes.
type sink struct {
	format string
	file   string // "" for standard output
}

// outputs pairs --format and --output by position, as hadolint does: the
// n-th --output is the file of the n-th --format.
func outputs(opt options) ([]sink, error) {
	formats := opt.formats
	if len(formats) == 0 {
		formats = []string{"text"}
	}
	if len(opt.outputs) > len(formats) {
		return nil, fmt.Errorf("%d --output flags for %d --format flags: each --output belongs to the --format in its position", len(opt.outputs), len(formats))
	}
	var sinks []sink
	toStdout := 0
	for i, f := range formats {
		if !slices.Contains(output.Formats, f) {
			return nil, fmt.Errorf("unknown --format %q (want one of %s)", f, strings.Join(output.Formats, ", "))
		}
		s := sink{format: f}
		if i < len(opt.outputs) && opt.outputs[i] != "-" {
			s.file = opt.outputs[i]
		} else {
			toStdout++
		}
		sinks = append(sinks, s)
	}
	if toStdout > 1 {
		return nil, fmt.Errorf("%d formats would share standard output: give all but one an --output file", toStdout)
	}
	return sinks, nil
}

func (s sink) write(rep *output.Report, stdout, stderr io.Writer, color output.Color) error {
	if s.file == "" {
		return output.Write(s.format, stdout, stderr, rep, color)
	}
	f, err := os.Create(s.file)
	if err != nil {
		return err
	}
	if err := output.Write(s.format, f, stderr, rep, output.Color{}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// namedDir is the directory of a path named on the command line, which
// the lint root is found from: the directory itself, or a file's; the
// current directory for standard input.
func namedDir(wd, name string) string {
	if name == "-" {
		return wd
	}
	abs := name
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, name)
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return abs
	}
	return filepath.Dir(abs)
}

// lintRootOf is the lint root of the paths named: the repository (or the
// directory) of each, and the directory that holds them all when they are
// not one.
func lintRootOf(wd string, paths []string) string {
	root := repoRoot(namedDir(wd, paths[0]))
	for _, p := range paths[1:] {
		other := repoRoot(namedDir(wd, p))
		for root != filepath.Dir(root) && !inside(root, other) {
			root = filepath.Dir(root)
		}
	}
	return root
}

// repoRoot is the closest directory at or above dir that holds .git, else
// dir itself.
func repoRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}
