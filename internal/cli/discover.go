package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"github.com/gracelint/gracelint/internal/config"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/dockerfile"
	"github.com/gracelint/gracelint/parser/k8s"
)

// maxFileSize bounds what is read of one input.
const maxFileSize = 16 << 20

// skipDirs are never walked: version control, dependencies, and
// .devcontainer, whose images are never deployed.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true, ".devcontainer": true}

// input is one file to lint.
type input struct {
	path string // as shown in output
	file string // as opened; empty for standard input
	src  []byte
	kind lint.Kind
	// readers, when set, keeps the input only if linting it reads one of
	// these lint-root paths: it was found looking for the targets that
	// read a file named on the command line.
	readers map[string]bool
}

// discover turns the command-line paths into inputs, handing each to emit
// as soon as it is read, so that a large tree is never held in memory at
// once. Files named on the command line are always linted; files found in a
// walk only when they are Dockerfiles, task definitions or templates.
func discover(paths []string, root string, stdin io.Reader, stdinName string, cfg *config.Config, skipUnknown bool, emit func(input), sk *skipped) []*lint.InputError {
	var errs []*lint.InputError
	fail := func(path string, err error) {
		errs = append(errs, &lint.InputError{File: path, Msg: err.Error()})
	}
	// A file named twice, or reached by two of the paths named, is linted
	// once.
	seen := map[string]bool{}
	emitOnce := emit
	emit = func(in input) {
		if in.file != "" {
			key := absPath(in.file)
			if real, err := filepath.EvalSymlinks(in.file); err == nil {
				key = absPath(real)
			}
			if seen[key] {
				return
			}
			seen[key] = true
		}
		emitOnce(in)
	}
	for _, p := range paths {
		if p == "-" {
			src, err := io.ReadAll(io.LimitReader(stdin, maxFileSize+1))
			switch {
			case err != nil:
				fail(stdinName, err)
			case len(src) > maxFileSize:
				fail(stdinName, fmt.Errorf("larger than %d MiB", maxFileSize>>20))
			default:
				emit(input{path: stdinName, src: src, kind: lint.Detect(stdinName, src)})
			}
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			fail(display(p), err)
			continue
		}
		if !info.IsDir() {
			if cfg.Ignored(p) {
				continue
			}
			in, err := readInput(p, info)
			if err != nil {
				fail(display(p), err)
				continue
			}
			in.kind = lint.Detect(p, in.src)
			if inChartTemplates(in.file) {
				if in.kind = chartKind(p, in.src); in.kind == lint.Unknown {
					// A partial (_helpers.tpl) changes the manifests of its
					// chart: those are linted.
					manifests, err := chartManifests(p)
					if err != nil && !skipUnknown {
						fail(display(p), err)
					}
					for _, m := range manifests {
						emit(m)
					}
					continue
				}
			}
			if in.kind == lint.Unknown || skipUnknown && walkKind(lint.KindInWalk(p), p, in, sk) == lint.Unknown {
				// No target itself: the targets that read it are linted,
				// once the named paths are.
				sk.unread = append(sk.unread, in)
				continue
			}
			emit(in)
			continue
		}
		gi := newGitignores(p)
		walkRoot := p
		if li, err := os.Lstat(p); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			// A directory named through a symlink: WalkDir would stop at
			// the link; a trailing separator makes it walk the directory.
			walkRoot = p + string(filepath.Separator)
		}
		werr := filepath.WalkDir(walkRoot, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				fail(display(path), err)
				return nil
			}
			if d.IsDir() {
				if path != p && (skipDirs[d.Name()] || gi.ignored(path, true)) {
					return filepath.SkipDir
				}
				gi.enter(path)
				return nil
			}
			kind := lint.KindInWalk(d.Name())
			if kind == lint.Unknown && !mayHold(d.Name()) || cfg.Ignored(path) || gi.ignored(path, false) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// A repository could point a Dockerfile at the runner's
				// secrets (/proc/self/environ): nothing outside the lint
				// root is read on a walk.
				if target, err := filepath.EvalSymlinks(path); err == nil && !inside(root, absPath(target)) {
					fail(display(path), fmt.Errorf("a symlink to %s, outside the lint root; not read", display(target)))
					return nil
				}
			}
			info, err := os.Stat(path) // follows a symlink to its target
			if err != nil {
				fail(display(path), err)
				return nil
			}
			if info.IsDir() || !info.Mode().IsRegular() {
				return nil // a FIFO or device is never opened: it could block
			}
			in, err := readInput(path, info)
			if err != nil {
				fail(display(path), err)
				return nil
			}
			if in.kind = walkKind(kind, d.Name(), in, sk); in.kind != lint.Unknown {
				emit(in)
			}
			return nil
		})
		if werr != nil {
			fail(display(p), werr)
		}
	}
	return errs
}

// gitignores holds the patterns of the .gitignore files of a walked tree,
// per directory: those of the directory and of its parents up to the
// walk's root, in git's order (a deeper file's patterns win, and so does a
// later line of one file). The .gitignore files above the root do not
// count: a directory named on the command line is walked whatever ignores
// it.
type gitignores struct {
	root  string
	byDir map[string][]gitignore.Pattern
}

func newGitignores(root string) *gitignores {
	return &gitignores{root: filepath.Clean(root), byDir: map[string][]gitignore.Pattern{}}
}

// components splits path below the root into names.
func (g *gitignores) components(path string) []string {
	rel, err := filepath.Rel(g.root, path)
	if err != nil || rel == "." {
		return nil
	}
	return strings.Split(filepath.ToSlash(rel), "/")
}

// enter reads the .gitignore of dir, whose parent was entered before it.
func (g *gitignores) enter(dir string) {
	dir = filepath.Clean(dir) // as filepath.Dir gives it for the files in it
	ps := g.byDir[filepath.Dir(dir)]
	if dir == g.root {
		ps = nil
	}
	if src, err := os.ReadFile(filepath.Join(dir, ".gitignore")); err == nil && len(src) <= maxFileSize {
		domain := g.components(dir)
		ps = slices.Clip(ps) // appending copies: the parent keeps its own
		for line := range strings.Lines(string(src)) {
			line = strings.TrimRight(line, "\r\n")
			if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
				continue
			}
			ps = append(ps, gitignore.ParsePattern(line, domain))
		}
	}
	if len(ps) > 0 {
		g.byDir[dir] = ps
	}
}

// ignored tells whether the .gitignore files ignore path, a file or a
// directory below the root.
func (g *gitignores) ignored(path string, isDir bool) bool {
	ps := g.byDir[filepath.Dir(path)]
	return len(ps) > 0 && gitignore.NewMatcher(ps).Match(g.components(path), isDir)
}

// skipped lists the files a walk read and skipped with a note.
type skipped struct {
	unread        []input  // named files that are no target themselves
	helm          []string // Helm templates
	notDockerfile []string // named like Dockerfiles, but not starting as one
}

// walkKind tells the kind of a file that a walk read, given the kind of its
// name (KindInWalk), or Unknown to skip it. A file named like a Dockerfile
// is one only when it starts as one: its first instruction is FROM or ARG.
// Other files are sniffed: other JSON and YAML are not ours.
func walkKind(kind lint.Kind, name string, in input, sk *skipped) lint.Kind {
	switch kind {
	case lint.Dockerfile:
		if !dockerfile.LooksLike(in.src) {
			sk.notDockerfile = append(sk.notDockerfile, in.path)
			return lint.Unknown
		}
	case lint.Unknown:
		if inChartTemplates(in.file) {
			return chartKind(name, in.src)
		}
		if isTpl(name) && k8s.IsHelmTemplate(in.src) {
			sk.helm = append(sk.helm, in.path) // _helpers.tpl is no task definition
			return lint.Unknown
		}
		if kind = lint.Sniff(name, in.src); kind == lint.Unknown && k8s.IsManifest(in.src) && k8s.IsTemplate(in.src) {
			sk.helm = append(sk.helm, in.path)
		}
	}
	return kind
}

func isTpl(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".tpl" || ext == ".tmpl" || ext == ".tftpl"
}

// chartKind tells the kind of a file in a Helm chart's templates
// directory: a manifest template is read with its chart; partials
// (_helpers.tpl) and NOTES.txt are read through the templates that use
// them; a manifest without actions is one.
func chartKind(name string, src []byte) lint.Kind {
	base := filepath.Base(name)
	switch ext := strings.ToLower(filepath.Ext(base)); {
	case strings.HasPrefix(base, "_") || ext != ".yaml" && ext != ".yml" && ext != ".json":
		return lint.Unknown
	case k8s.IsTemplate(src):
		return lint.Helm
	}
	return lint.Sniff(name, src)
}

// chartManifests reads the manifest templates of the chart whose
// templates directory holds file.
func chartManifests(file string) ([]input, error) {
	dir := filepath.Dir(file)
	for filepath.Base(dir) != "templates" {
		dir = filepath.Dir(dir)
	}
	var out []input
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		in, err := readInput(p, info)
		if err != nil {
			return err
		}
		if in.kind = chartKind(p, in.src); in.kind == lint.Helm {
			out = append(out, in)
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("a Helm template of the chart %s, which has no manifest template to lint", display(filepath.Dir(dir)))
	}
	return out, err
}

// inChartTemplates tells a file under a Helm chart's templates directory:
// a "templates" directory beside a Chart.yaml.
func inChartTemplates(file string) bool {
	if !strings.Contains(filepath.ToSlash(file), "templates/") {
		return false
	}
	for dir := filepath.Dir(file); ; {
		parent := filepath.Dir(dir)
		if filepath.Base(dir) == "templates" {
			if info, err := os.Stat(filepath.Join(parent, "Chart.yaml")); err == nil && info.Mode().IsRegular() {
				return true
			}
		}
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// mayHold tells the names whose content may be a task definition or a
// CloudFormation template, so that a walk reads them.
func mayHold(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".yaml", ".yml", ".template", ".tpl", ".tmpl", ".tftpl":
		return true
	}
	return false
}

func readInput(path string, info fs.FileInfo) (input, error) {
	if !info.Mode().IsRegular() {
		return input{}, errors.New("not a regular file")
	}
	src, err := readRegular(path)
	if err != nil {
		return input{}, err
	}
	return input{path: display(path), file: path, src: src}, nil
}

// readRegular reads a regular file of at most maxFileSize bytes. It opens
// without blocking and checks what it opened, so that a file swapped for a
// FIFO or a device after it was listed cannot hang the run or fill memory.
func readRegular(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if info.Size() > maxFileSize {
		return nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
	}
	// A buffer of the file's size and one byte more, to see it end:
	// io.ReadAll starts at 512 bytes, which a run keeps for every file
	// with a finding, 45 MB of 100,000 small Dockerfiles.
	src := make([]byte, 0, info.Size()+1)
	for {
		n, err := f.Read(src[len(src):cap(src)])
		src = src[:len(src)+n]
		switch {
		case err == io.EOF:
			return src, nil
		case err != nil:
			return nil, err
		case len(src) > maxFileSize:
			return nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
		case len(src) == cap(src): // it grew since Stat
			src = slices.Grow(src, 4096)
		}
	}
}

// absPath is path made absolute, or path when that fails.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// display shows path relative to the current directory when it is below it.
func display(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(path); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(path)
}
