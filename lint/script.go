package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/dockerfile"
	"github.com/gracelint/gracelint/parser/workflow"
)

// maxScriptSize bounds what is read of a script a chain follows.
const maxScriptSize = 1 << 20

// readRoot reads a regular file of the lint root, within maxScriptSize.
func (l *Linter) readRoot(name string) ([]byte, bool) {
	name = path.Clean(strings.TrimPrefix(name, "/"))
	if l.FS == nil || !fs.ValidPath(name) {
		return nil, false
	}
	// Rules probe paths that may not be there; one that is there and
	// cannot be read safely is said (Unread), not passed over.
	info, err := fs.Stat(l.FS, name)
	switch {
	case err != nil:
		l.readError(name, err)
		return nil, false
	case info.IsDir():
		return nil, false
	case !info.Mode().IsRegular():
		l.unreadable(name, irregular(info.Mode()))
		return nil, false
	case info.Size() > maxScriptSize:
		l.unreadable(name, fmt.Sprintf("larger than %d MiB", maxScriptSize>>20))
		return nil, false
	}
	src, err := fs.ReadFile(l.FS, name)
	if err != nil {
		l.readError(name, err)
		return nil, false
	}
	return src, true
}

// irregular says what a file of mode m that is neither a regular file nor
// a directory is: reading a pipe or a device could block or never end.
func irregular(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe, not a regular file"
	case m&fs.ModeCharDevice != 0:
		return "a character device, not a regular file"
	case m&fs.ModeDevice != 0:
		return "a device, not a regular file"
	case m&fs.ModeSocket != 0:
		return "a socket, not a regular file"
	}
	return "not a regular file"
}

// readError records why name could not be read, unless it is not there
// (a path under a file is not there either).
func (l *Linter) readError(name string, err error) {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
	case strings.Contains(err.Error(), "path escapes from parent"): // os.Root's word for it
		l.unreadable(name, "a symlink that leads outside the lint root")
	case errors.As(err, &pe):
		l.unreadable(name, pe.Err.Error())
	default:
		l.unreadable(name, err.Error())
	}
}

func (l *Linter) display(name string) string {
	if l.Display != nil {
		return l.Display(name)
	}
	return name
}

// imageScripts resolves a command of img to the shell script the build
// context at ctx copies there: through the WORKDIR for a relative path,
// through PATH for a bare name. It tries ctx, then the lint root, as the
// build context. A script the Dockerfile (named dockerfile in findings)
// writes inline with COPY <<EOF is read from the Dockerfile itself.
func (l *Linter) imageScripts(img *Image, ctx, dockerfile string) func(string) (*chain.ScriptFile, bool) {
	if l.FS == nil {
		return nil
	}
	return func(command string) (*chain.ScriptFile, bool) {
		for _, inImage := range img.ImagePaths(command) {
			if hd := img.Heredoc(inImage); hd != nil {
				if !isShellScript(inImage, []byte(hd.Content)) {
					return nil, false
				}
				return &chain.ScriptFile{Name: dockerfile, Src: img.inline(hd), Inline: true, Path: inImage}, true
			}
			if f, ok := l.contextFile(img, ctx, inImage, isShellScript); ok {
				return f, true
			}
		}
		return nil, false
	}
}

// contextFile reads the file the build context at ctx (else the lint
// root) copies to inImage, the first reading accept takes.
func (l *Linter) contextFile(img *Image, ctx, inImage string, accept func(rel string, src []byte) bool) (*chain.ScriptFile, bool) {
	for _, rel := range img.ContextSources(inImage) {
		for _, dir := range []string{ctx, "."} {
			name := path.Clean(path.Join(dir, rel))
			if src, ok := l.readRoot(name); ok && accept(rel, src) {
				return &chain.ScriptFile{Name: l.display(name), Src: src, Path: inImage}, true
			}
		}
	}
	return nil, false
}

// imageFiles resolves a path in img (relative to its WORKDIR, or absolute)
// to the file the build context at ctx copies there, as imageScripts does
// for scripts.
func (l *Linter) imageFiles(img *Image, ctx string) func(string) (*chain.ScriptFile, bool) {
	if l.FS == nil {
		return nil
	}
	return func(p string) (*chain.ScriptFile, bool) {
		if !strings.HasPrefix(p, "/") {
			p = path.Join(img.Workdir(), p)
		}
		return l.contextFile(img, ctx, path.Clean(p), func(string, []byte) bool { return true })
	}
}

// imageGlob resolves an absolute pattern whose last element, or the one
// before it, may hold wildcards (/etc/supervisor/conf.d/*.conf,
// /etc/services.d/*/run) to the files the build context at ctx (else the
// lint root) copies into img there, in name order.
func (l *Linter) imageGlob(img *Image, ctx string) func(string) []*chain.ScriptFile {
	if l.FS == nil {
		return nil
	}
	list := l.listRoot(ctx)
	// names are the entries of the image directory dir that match pattern.
	names := func(dir, pattern string) []string {
		var out []string
		for _, name := range img.CopiedNames(dir, list) {
			name = strings.TrimSuffix(name, "/")
			if ok, _ := path.Match(pattern, name); ok && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	return func(pattern string) []*chain.ScriptFile {
		dir, base := path.Dir(pattern), path.Base(pattern)
		if !strings.HasPrefix(pattern, "/") || strings.ContainsAny(path.Dir(dir), "*?[") {
			return nil
		}
		var paths []string
		if strings.ContainsAny(path.Base(dir), "*?[") {
			for _, sub := range names(path.Dir(dir), path.Base(dir)) {
				paths = append(paths, path.Join(path.Dir(dir), sub, base))
			}
		} else {
			for _, name := range names(dir, base) {
				paths = append(paths, path.Join(dir, name))
			}
		}
		var out []*chain.ScriptFile
		for _, p := range paths {
			if f, ok := l.contextFile(img, ctx, p, func(string, []byte) bool { return true }); ok {
				out = append(out, f)
			}
		}
		return out
	}
}

// listRoot returns a function that lists a directory of the build context
// at ctx (else of the lint root): its files and its subdirectories, each
// directory name ending in "/".
func (l *Linter) listRoot(ctx string) func(dir string) []string {
	return func(dir string) []string {
		for _, base := range []string{ctx, "."} {
			name := path.Clean(path.Join(base, dir))
			if !fs.ValidPath(name) {
				continue
			}
			entries, err := fs.ReadDir(l.FS, name)
			if err != nil {
				continue
			}
			out := make([]string, 0, len(entries))
			for _, e := range entries {
				switch {
				case e.Type().IsRegular():
					out = append(out, e.Name())
				case e.IsDir():
					out = append(out, e.Name()+"/")
				}
			}
			return out
		}
		return nil
	}
}

// maxAnyImages is how many Dockerfiles a run may hold for a container
// whose image no file links to be followed into a script one of them
// copies: among more, a path one of them happens to copy says too little,
// and looking through all of them for every container costs the product.
const maxAnyImages = 100

// anyImageScripts resolves a command of a container whose image no file of
// the run builds, by the scripts the Dockerfiles of the run copy to where
// the command names: the link is the path itself. A command that two
// different scripts could be is not resolved.
func (l *Linter) anyImageScripts() func(string) (*chain.ScriptFile, bool) {
	if l.FS == nil || l.Dockerfiles == nil {
		return nil
	}
	// Parsed only when a command names a path: most name a program.
	images := sync.OnceValue(func() []func(string) (*chain.ScriptFile, bool) {
		var out []func(string) (*chain.ScriptFile, bool)
		files := l.Dockerfiles()
		if len(files) > maxAnyImages {
			return nil
		}
		for _, p := range files {
			if img := l.stageImage(p, ""); img != nil {
				out = append(out, l.imageScripts(img, path.Dir(p), l.display(p)))
			}
		}
		return out
	})
	return func(command string) (*chain.ScriptFile, bool) {
		if !strings.Contains(command, "/") && !strings.Contains(command, ".") {
			return nil, false // a bare word names a program far more often than a script
		}
		var found *chain.ScriptFile
		for _, resolve := range images() {
			f, ok := resolve(command)
			switch {
			case !ok:
			case found == nil:
				found = f
			case !bytes.Equal(found.Src, f.Src):
				return nil, false
			}
		}
		return found, found != nil
	}
}

// stageImage parses the Dockerfile at p of the lint root and resolves the
// stage named target, or the final stage for "".
func (l *Linter) stageImage(p, target string) *Image {
	src, df := l.Shared.dockerfile(l, p)
	if df == nil {
		return nil
	}
	st := df.Stages[len(df.Stages)-1]
	if target != "" {
		if st = df.Stage(target); st == nil {
			return nil // a stage this Dockerfile does not have
		}
	}
	img := resolve(st)
	img.src, img.file = src, df
	img.Shell = imageShell(img.BaseImage, &l.Options)
	return img
}

// isShellScript: a #! line naming a shell, or a .sh name without one.
func isShellScript(name string, src []byte) bool {
	if line, ok := bytes.CutPrefix(src, []byte("#!")); ok {
		line, _, _ = bytes.Cut(line, []byte("\n"))
		for _, sh := range []string{"sh", "bash", "dash", "ash"} {
			for _, f := range strings.Fields(string(line)) {
				if path.Base(f) == sh {
					return true
				}
			}
		}
		return false
	}
	return strings.HasSuffix(name, ".sh")
}

// imageDockerfile finds the build of image: a configured mapping, else a
// build of the run that tags the image's repository. Builds of one
// repository from two Dockerfiles or stages link it to neither. how says
// which link was found, "" for none.
func (l *Linter) imageDockerfile(image string) (b Build, how string) {
	for _, m := range l.Options.ImageDockerfiles {
		if ok, _ := doublestar.Match(m.Pattern, image); ok {
			return Build{Dockerfile: m.Path}, fmt.Sprintf("the images mapping %q of the configuration", m.Pattern)
		}
	}
	repo := workflow.Repository(image)
	if l.Builds == nil || repo == "" {
		return Build{}, ""
	}
	var found *Build
	for _, b := range l.Builds() {
		switch {
		case b.Image != repo:
		case found == nil:
			found = &b
		case found.Dockerfile != b.Dockerfile || found.Target != b.Target:
			return Build{}, ""
		}
	}
	if found == nil {
		return Build{}, ""
	}
	return *found, fmt.Sprintf("a build of the run tags %s", repo)
}

// RunCache is what the inputs of one run share, so that the work each
// would repeat is done once: many containers run the images of a few
// Dockerfiles, and parsing each again for every one of them made a run
// cost the product of the two. A nil cache does the work every time.
type RunCache struct {
	mu    sync.Mutex
	files map[string]parsedDockerfile // the Dockerfiles parsed, by path

	charts map[string]func() *rendered // the Helm charts rendered, by directory

	initOnce sync.Once
	withInit map[string]bool // the Dockerfiles whose image a container runs under an init
}

type parsedDockerfile struct {
	src []byte
	df  *dockerfile.File // nil when the file is not there or does not parse
}

// dockerfile reads and parses the Dockerfile at p of the lint root.
func (c *RunCache) dockerfile(l *Linter, p string) ([]byte, *dockerfile.File) {
	if c != nil {
		c.mu.Lock()
		f, ok := c.files[p]
		c.mu.Unlock()
		if ok {
			return f.src, f.df
		}
	}
	var f parsedDockerfile
	if src, ok := l.readRoot(p); ok {
		if df, err := dockerfile.Parse(src); err == nil {
			f = parsedDockerfile{src, df}
		}
	}
	if c != nil {
		c.mu.Lock()
		if c.files == nil {
			c.files = map[string]parsedDockerfile{}
		}
		if len(c.files) < maxCached {
			c.files[p] = f
		}
		c.mu.Unlock()
	}
	return f.src, f.df
}

// maxCached bounds the Dockerfiles a cache keeps, and so its memory.
const maxCached = 256
