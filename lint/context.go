package lint

import (
	"cmp"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/parser/dockerfile"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// lineage returns the final stage and the stages it is built FROM, root
// first.
func (img *Image) lineage() []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for s := img.Stage; s != nil; s = s.BaseStage {
		out = append(out, s)
	}
	slices.Reverse(out)
	return out
}

// Workdir returns the WORKDIR in effect when the image runs.
func (img *Image) Workdir() string {
	wd := "/"
	img.steps(func(in *dockerfile.Instruction, expand func(string) string) {
		if w, ok := in.Command.(*instructions.WorkdirCommand); ok {
			wd = workdir(wd, expand(w.Path))
		}
	})
	return wd
}

// steps calls visit with every instruction of the image's lineage, in
// order, and a function that expands a word as BuildKit would there: with
// the ARG defaults and ENV values set before it ($APP_ROOT). A word that
// needs a variable the Dockerfile does not set comes back as written. It
// returns the container's environment (ENV, not ARG) at the end, where
// its values are known.
func (img *Image) steps(visit func(in *dockerfile.Instruction, expand func(string) string)) imageEnv {
	env := imageEnv{"PATH": strings.Join(defaultPath, ":")}
	lex := shell.NewLex('\\')
	process := func(word string) (string, bool) {
		miss := imageEnv{}
		v, _, err := lex.ProcessWord(word, env.recording(miss))
		return v, err == nil && len(miss) == 0
	}
	expand := func(word string) string {
		if v, ok := process(word); ok {
			return v
		}
		return word
	}
	runtime := imageEnv{"PATH": env["PATH"]} // what the container gets: ENV, not ARG
	set := func(key, value string, target imageEnv) {
		if v, ok := process(value); ok {
			env[key], target[key] = v, v
		} else {
			// Computed from a build argument or another unknown.
			delete(env, key)
			delete(target, key)
		}
	}
	for _, s := range img.lineage() {
		for _, in := range s.Instructions {
			if visit != nil {
				visit(in, expand)
			}
			switch c := in.Command.(type) {
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					set(kv.Key, kv.Value, runtime)
				}
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					if kv.Value != nil {
						set(kv.Key, *kv.Value, imageEnv{})
					}
				}
			}
		}
	}
	return runtime
}

// Env returns the environment the image's ENV and ARG instructions set,
// expanded as BuildKit expands them; a value that needs a variable the
// Dockerfile does not set (a build argument without default) is left out.
func (img *Image) Env() map[string]string {
	return img.steps(nil)
}

// imageEnv is an environment BuildKit's lexer reads.
type imageEnv map[string]string

func (e imageEnv) Get(key string) (string, bool) {
	v, ok := e[key]
	return v, ok
}

func (e imageEnv) Keys() []string { return slices.Collect(maps.Keys(e)) }

// recording is e, noting in miss every variable it does not set.
func (e imageEnv) recording(miss imageEnv) recordingEnv { return recordingEnv{e, miss} }

type recordingEnv struct{ env, miss imageEnv }

func (r recordingEnv) Get(key string) (string, bool) {
	v, ok := r.env[key]
	if !ok {
		r.miss[key] = ""
	}
	return v, ok
}

func (r recordingEnv) Keys() []string { return r.env.Keys() }

// defaultPath is where a command without a slash is looked up.
var defaultPath = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// ImagePaths returns where in the image a command runs from: an absolute
// path, a path relative to the WORKDIR, or each directory of the image's
// PATH for a bare name.
func (img *Image) ImagePaths(command string) []string {
	switch {
	case strings.HasPrefix(command, "/"):
		return []string{path.Clean(command)}
	case strings.Contains(command, "/"):
		return []string{path.Join(img.Workdir(), command)}
	}
	var out []string
	for _, d := range img.searchPath() {
		out = append(out, path.Join(d, command))
	}
	return out
}

// searchPath is the image's PATH: the default, or what its ENV sets.
func (img *Image) searchPath() []string {
	var out []string
	for _, d := range strings.Split(img.Env()["PATH"], ":") {
		if strings.HasPrefix(d, "/") {
			out = append(out, d)
		}
	}
	return out
}

// Heredoc returns the here-document a COPY of the image's lineage writes
// to file p of the image, unless a later COPY or ADD may overwrite it.
func (img *Image) Heredoc(p string) *dockerfile.Heredoc {
	var last *dockerfile.Heredoc
	wd := "/"
	img.steps(func(in *dockerfile.Instruction, expand func(string) string) {
		switch c := in.Command.(type) {
		case *instructions.WorkdirCommand:
			wd = workdir(wd, expand(c.Path))
		case *instructions.CopyCommand:
			sd := expanded(&c.SourcesAndDest, expand)
			if in.Heredoc != nil && len(c.SourceContents) == 1 && len(c.SourcePaths) == 0 {
				dest := sd.DestPath
				if !strings.HasPrefix(dest, "/") {
					dest = path.Join(wd, dest)
				}
				if strings.HasSuffix(sd.DestPath, "/") {
					dest = path.Join(dest, c.SourceContents[0].Path)
				}
				if path.Clean(dest) == p {
					last = in.Heredoc
				}
			} else if c.From == "" && len(copySources(sd, wd, p)) > 0 {
				last = nil
			}
		case *instructions.AddCommand:
			if len(copySources(expanded(&c.SourcesAndDest, expand), wd, p)) > 0 {
				last = nil
			}
		}
	})
	return last
}

// expanded is a COPY's or ADD's sources and destination with their
// variables expanded.
func expanded(sd *instructions.SourcesAndDest, expand func(string) string) *instructions.SourcesAndDest {
	out := *sd
	out.DestPath = expand(sd.DestPath)
	out.SourcePaths = make([]string, len(sd.SourcePaths))
	for i, src := range sd.SourcePaths {
		out.SourcePaths[i] = expand(src)
	}
	return &out
}

// inline is the Dockerfile with everything but the here-document blanked,
// so that the script's offsets are the Dockerfile's.
func (img *Image) inline(hd *dockerfile.Heredoc) []byte {
	out := make([]byte, len(img.src))
	for i, c := range img.src {
		switch {
		case i >= hd.Start && i < hd.End, c == '\n':
			out[i] = c
		default:
			out[i] = ' '
		}
	}
	return out
}

// ContextSources returns the build-context paths a COPY or ADD of the image's
// lineage may have copied to file p of the image, latest first. It cannot
// know which sources are directories, so it returns every reading; callers
// try them in order. Copies from other stages and URLs are not followed.
func (img *Image) ContextSources(p string) []string {
	return img.contextSources(p, 0)
}

// contextSources follows COPY --from=<stage> into the stage it copies from,
// at most a few stages deep.
func (img *Image) contextSources(p string, depth int) []string {
	var out []string
	wd := "/"
	img.steps(func(in *dockerfile.Instruction, expand func(string) string) {
		var sd *instructions.SourcesAndDest
		var from *dockerfile.Stage
		switch c := in.Command.(type) {
		case *instructions.WorkdirCommand:
			wd = workdir(wd, expand(c.Path))
		case *instructions.CopyCommand:
			switch {
			case c.From == "":
				sd = &c.SourcesAndDest
			case img.file != nil && depth < 4:
				if from = img.file.Stage(c.From); from != nil {
					sd = &c.SourcesAndDest
				}
			}
		case *instructions.AddCommand:
			sd = &c.SourcesAndDest
		}
		if sd == nil {
			return
		}
		srcs := copySources(expanded(sd, expand), wd, p)
		if from != nil {
			// What another stage holds at those paths came from the build
			// context through that stage's own copies.
			stage := resolve(from)
			stage.file = img.file
			var ctx []string
			for _, src := range srcs {
				ctx = append(ctx, stage.contextSources("/"+src, depth+1)...)
			}
			srcs = ctx
		}
		out = append(srcs, out...)
	})
	return out
}

// CopiedNames returns the names of the entries (files, and directories
// ending in "/") that COPY and ADD of the image's lineage put directly in
// the image directory dir, given a lister of build-context directories
// (directory names end in "/"). Names may repeat; copies from other stages
// and URLs are not followed.
func (img *Image) CopiedNames(dir string, list func(dir string) []string) []string {
	var out []string
	addAll := func(ctxDir string) {
		out = append(out, list(ctxDir)...)
	}
	wd := "/"
	img.steps(func(in *dockerfile.Instruction, expand func(string) string) {
		var sd *instructions.SourcesAndDest
		switch c := in.Command.(type) {
		case *instructions.WorkdirCommand:
			wd = workdir(wd, expand(c.Path))
		case *instructions.CopyCommand:
			if c.From == "" {
				sd = &c.SourcesAndDest
			}
		case *instructions.AddCommand:
			sd = &c.SourcesAndDest
		}
		if sd == nil {
			return
		}
		sd = expanded(sd, expand)
		dest := path.Clean(workdir(wd, sd.DestPath))
		intoDir := strings.HasSuffix(sd.DestPath, "/") || len(sd.SourcePaths) > 1
		for _, src := range sd.SourcePaths {
			if strings.Contains(src, "://") {
				continue
			}
			src = path.Clean(strings.TrimPrefix(src, "/"))
			entries := list(path.Dir(src))
			isDir := src == "." || slices.Contains(entries, path.Base(src)+"/")
			switch {
			case strings.ContainsAny(path.Base(src), "*?["):
				if dest == dir {
					for _, e := range entries {
						if ok, _ := path.Match(path.Base(src), e); ok {
							out = append(out, e)
						}
					}
				}
			case isDir && dest == dir:
				addAll(src)
			case isDir:
				// A subdirectory of what is copied lands in dir.
				if rel, ok := strings.CutPrefix(dir, strings.TrimSuffix(dest, "/")+"/"); ok {
					addAll(path.Join(src, rel))
				}
			case dest == dir:
				// Into dir, which the image holds as a directory even
				// when the destination has no trailing slash.
				out = append(out, path.Base(src))
			case !intoDir && path.Dir(dest) == dir:
				out = append(out, path.Base(dest))
			}
		}
	})
	return out
}

// maxPath is Linux's PATH_MAX: no directory a container runs in is longer.
const maxPath = 4096

// workdir is the WORKDIR after WORKDIR dir: an absolute one replaces it. A
// chain of relative ones past PATH_MAX, which no build could create, stops
// growing, so that thousands of them cost linear time.
func workdir(wd, dir string) string {
	if strings.HasPrefix(dir, "/") {
		return path.Clean(dir)
	}
	if len(wd)+len(dir) > maxPath {
		return wd
	}
	return path.Join(wd, dir)
}

func copySources(sd *instructions.SourcesAndDest, wd, p string) []string {
	dest := sd.DestPath
	if !strings.HasPrefix(dest, "/") {
		dest = path.Join(wd, dest)
	}
	dest = path.Clean(dest)
	intoDir := strings.HasSuffix(sd.DestPath, "/") || len(sd.SourcePaths) > 1
	var out []string
	for _, src := range sd.SourcePaths {
		if strings.Contains(src, "://") {
			continue
		}
		src = path.Clean(strings.TrimPrefix(src, "/"))
		under := func(dir string) (string, bool) {
			rel, ok := strings.CutPrefix(p, strings.TrimSuffix(dir, "/")+"/")
			return rel, ok && dir != p
		}
		switch {
		case strings.ContainsAny(src, "*?["):
			if ok, _ := path.Match(path.Base(src), path.Base(p)); ok && path.Dir(p) == dest {
				out = append(out, path.Join(path.Dir(src), path.Base(p)))
			}
		case src == ".":
			if rel, ok := under(dest); ok {
				out = append(out, rel)
			}
		default:
			// A file copied to dest, or into the directory dest.
			if p == dest && !intoDir || p == path.Join(dest, path.Base(src)) {
				out = append(out, src)
			}
			// A directory whose contents are copied to dest.
			if rel, ok := under(dest); ok {
				out = append(out, path.Join(src, rel))
			}
		}
	}
	return out
}

// StopSignal returns the signal `docker stop` and ECS send to the image: the
// last STOPSIGNAL of the lineage (and that instruction), else what the base
// image sets, as far as gracelint knows it, else SIGTERM. inherited is true
// when the signal comes from the base image.
func (img *Image) StopSignal() (signal string, in *dockerfile.Instruction, inherited bool) {
	for _, s := range img.lineage() {
		for _, i := range s.Instructions {
			if c, ok := i.Command.(*instructions.StopSignalCommand); ok {
				signal, in = c.Signal, i
			}
		}
	}
	if in != nil {
		return signal, in, false
	}
	if sig := BaseStopSignal(img.BaseImage); sig != "" {
		return sig, nil, true
	}
	return "SIGTERM", nil, false
}

// EntrypointKnown reports whether what runs the image's command is known:
// an ENTRYPOINT of the Dockerfile, or a catalogued base image that has none
// or one that execs its command.
func (img *Image) EntrypointKnown() bool {
	if img.EntrypointSet {
		return true
	}
	r, ok := catalog.LookupImage(img.BaseImage)
	return ok && (len(r.Entrypoint) == 0 || r.EntrypointRunsCommand)
}

// KnownStopSignal is the signal the image stops with, when gracelint can
// know it: its own STOPSIGNAL, else that of a catalogued base image (SIGTERM
// where that sets none). ok is false for a base image gracelint cannot see.
func (img *Image) KnownStopSignal() (signal string, ok bool) {
	sig, in, _ := img.StopSignal()
	if in != nil {
		return sig, true
	}
	if _, known := catalog.LookupImage(img.BaseImage); known {
		return sig, true
	}
	return "", false
}

// ImageStopSignal is the signal the image a container runs stops with,
// where gracelint can know it: the STOPSIGNAL of the Dockerfile it is (or
// is linked to), else that of a catalogued image it names (SIGTERM where
// that sets none). built is true when the Dockerfile says it. ok is false
// for an image gracelint cannot see and for a signal a build argument
// sets.
func (t *Target) ImageStopSignal() (sig string, built, ok bool) {
	img := t.Image
	if img == nil {
		img = t.Linked
	}
	if img != nil {
		sig, ok = img.KnownStopSignal()
		if !ok || strings.Contains(sig, "$") {
			return "", true, false
		}
		return sig, true, true
	}
	if t.run == nil || t.run.image == "" {
		return "", false, false
	}
	if _, known := catalog.LookupImage(t.run.image); !known {
		return "", false, false
	}
	return cmp.Or(BaseStopSignal(t.run.image), "SIGTERM"), false, true
}

// BaseStopSignal is the STOPSIGNAL a catalogued image sets, "" where it
// sets none or the image is not catalogued.
func BaseStopSignal(image string) string {
	r, ok := catalog.LookupImage(image)
	if !ok {
		return ""
	}
	_, sig := r.Config()
	return sig
}
