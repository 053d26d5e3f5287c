package lint

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/dockerfile"
)

// ImageDockerfile says that images matching Pattern are built from the
// Dockerfile at Path (relative to the lint root).
type ImageDockerfile struct {
	Pattern string
	Path    string
}

// Build is an image a file of the run builds: a Compose service with
// build: (named by its image: or a sibling file's), or a docker build in a
// CI workflow.
type Build struct {
	Image      string // the repository, without tag or digest
	Dockerfile string // its lint-root path
	Context    string // the build context's lint-root path; "" for the Dockerfile's directory
	Target     string // the stage built; "" for the last
}

// withImage completes the chain of a container (an ECS container, a
// Compose service, a Kubernetes container) with what its image runs: the
// Dockerfile the service builds, one mapped to the image in the
// configuration, or one a build of the run tags the image with; else the
// image catalog's entry. An image nothing links is not claimed about. The
// override rules are Docker's: a new entrypoint replaces the image's
// ENTRYPOINT and drops its CMD unless a command is also given; a command
// replaces the CMD.
func (l *Linter) withImage(t *Target) {
	r := t.run
	if r == nil {
		return
	}
	b := Build{Dockerfile: r.build, Context: r.context, Target: r.target}
	t.Link = "its build"
	if b.Dockerfile == "" && r.image != "" {
		var how string
		b, how = l.imageDockerfile(r.image)
		t.Link = how
	}
	df, ctx := b.Dockerfile, b.Context
	if ctx == "" {
		ctx = path.Dir(df)
	}
	var img *Image
	if df != "" && l.FS != nil {
		img = l.stageImage(df, b.Target)
	}
	if img == nil {
		if ref, ok := catalog.LookupImage(r.image); ok && !r.entrySet && r.build == "" {
			t.Link = fmt.Sprintf("%q, an image of the catalog", r.image)
			withKnownImage(t, ref, &l.Options)
			return
		}
		t.Link = "no file of the run builds its image: what the image runs is not known"
		if r.image == "" {
			t.Link = "no image is named"
		}
		// No file of the run builds the image: follow only scripts the
		// command names by a path some Dockerfile of the run copies to.
		if t.Chain != nil && !r.entrySet && len(r.cmd) > 0 && strings.HasPrefix(r.cmd[0].Value, "-") {
			// Flags for an image's ENTRYPOINT this run does not show: no
			// program is named, so nothing is claimed.
			t.Chain = nil
		}
		if t.Chain != nil && l.FS != nil {
			sh := imageShell(r.image, &l.Options)
			t.Chain = chain.Walk(t.Chain.Argv, walkOptions(sh, r.platformInit, fixedEnv(t.Env), l.anyImageScripts()))
		}
		return
	}
	entry, cmd := r.entry, r.cmd
	if !r.entrySet && img.Entrypoint != nil {
		entry = img.Entrypoint.Argv
	}
	if !r.cmdSet && !r.entrySet && img.Cmd != nil {
		cmd = img.Cmd.Argv
	}
	argv := append(slices.Clone(entry), cmd...)
	if len(argv) == 0 {
		return
	}
	opt := walkOptions(img.Shell, r.platformInit, sync.OnceValue(func() map[string]string { return withEnv(img.Env(), t.Env) }), l.imageScripts(img, ctx, l.display(df)))
	opt.File, opt.Glob = l.imageFiles(img, ctx), l.imageGlob(img, ctx)
	t.Chain = chain.Walk(argv, opt)
	t.EntrypointUnknown = !r.entrySet && !img.EntrypointKnown()
	t.Dockerfile = df
	t.Linked, t.Context = img, ctx
}

// withKnownImage completes the chain of a container that runs a catalogued
// image with its own ENTRYPOINT: an entrypoint script that ends in exec
// "$@" hands over to the command (after putting its server before bare
// flags); any other ENTRYPOINT takes the command as arguments.
func withKnownImage(t *Target, ref catalog.ImageRef, opt *Options) {
	r := t.run
	word := func(v string) chain.Arg { return chain.Arg{Value: v, Span: t.Anchor} }
	cmd := r.cmd
	if !r.cmdSet {
		imgCmd, _ := ref.Config()
		cmd = nil
		for _, v := range imgCmd {
			cmd = append(cmd, word(v))
		}
	}
	if ref.FlagsGoTo != "" && len(cmd) > 0 && strings.HasPrefix(cmd[0].Value, "-") {
		cmd = append([]chain.Arg{word(ref.FlagsGoTo)}, cmd...)
	}
	entry := ref.Entrypoint
	if ref.EntrypointRunsCommand && len(entry) > 0 {
		entry = entry[:len(entry)-1] // what runs before the script, such as tini --
	}
	var argv []chain.Arg
	for _, v := range entry {
		argv = append(argv, word(v))
	}
	argv = append(argv, cmd...)
	t.EntrypointUnknown = false
	if len(argv) == 0 {
		t.Chain = nil
		return
	}
	sh := imageShell(r.image, opt)
	t.Chain = chain.Walk(argv, walkOptions(sh, r.platformInit, fixedEnv(t.Env), nil))
}

// run is what a platform file says of how a container starts, for
// completing it with the image's Dockerfile.
type run struct {
	entry, cmd       []chain.Arg
	entrySet, cmdSet bool
	image            string // "" when not known
	build            string // the Dockerfile the file builds the image from
	context, target  string // its build context and stage
	platformInit     string
}

// ContainerRef is a container of some task definition in the lint root: its
// image and whether ECS starts an init for it.
type ContainerRef struct {
	Image string
	Init  bool
}

// RunsWithInit reports whether a task definition of the run starts an init
// (initProcessEnabled) for the image the Dockerfile at path builds.
func (l *Linter) RunsWithInit(path string) bool {
	if l.Containers == nil || path == "" {
		return false
	}
	if c := l.Shared; c != nil {
		c.initOnce.Do(func() { c.withInit = l.initDockerfiles() })
		return c.withInit[path]
	}
	return l.initDockerfiles()[path]
}

// initDockerfiles returns the Dockerfiles whose image some container of
// the run runs under an init.
func (l *Linter) initDockerfiles() map[string]bool {
	out := map[string]bool{}
	seen := map[string]bool{}
	for _, c := range l.Containers() {
		if c.Init && !seen[c.Image] {
			seen[c.Image] = true
			if b, how := l.imageDockerfile(c.Image); how != "" {
				out[b.Dockerfile] = true
			}
		}
	}
	return out
}

// withScripts walks a Dockerfile's chain again, into the scripts its build
// context (the Dockerfile's directory, else the lint root) puts in the
// image.
func (l *Linter) withScripts(t *Target, dir, name string) {
	if t.Chain == nil || dir == "" || l.FS == nil {
		return
	}
	t.Context = dir
	opt := walkOptions(t.Image.Shell, "", sync.OnceValue(t.Image.Env), l.imageScripts(t.Image, dir, name))
	opt.ImageMain, opt.File, opt.Glob = true, l.imageFiles(t.Image, dir), l.imageGlob(t.Image, dir)
	t.Chain = chain.Walk(t.Chain.Argv, opt)
	for _, st := range []*Setting{t.Image.Entrypoint, t.Image.Cmd} {
		if st != nil && st.Chain != nil {
			st.Chain = chain.Walk(st.Chain.Argv, opt)
		}
	}
}

// builtStages are the containers of the stages of a Dockerfile, other than
// the last, that a build of the run targets: `--target hyku-worker` deploys
// that stage, not the last one.
func (l *Linter) builtStages(name string, df *dockerfile.File) []*Target {
	if l.Builds == nil || l.Locate == nil {
		return nil
	}
	rel := l.Locate(name)
	var out []*Target
	seen := map[*dockerfile.Stage]bool{df.Stages[len(df.Stages)-1]: true}
	for _, b := range l.Builds() {
		if b.Dockerfile != rel || b.Target == "" {
			continue
		}
		if st := df.Stage(b.Target); st != nil && !seen[st] {
			seen[st] = true
			out = append(out, stageTarget(df, st, fmt.Sprintf("stage %q", st.Name), &l.Options))
		}
	}
	return out
}

// ContextFiles returns the lint-root paths the build context may have put
// at p in the container's image (p relative to the WORKDIR, or absolute),
// most likely first; nil when the image is not known.
func (t *Target) ContextFiles(p string) []string {
	img := t.Image
	if img == nil {
		img = t.Linked
	}
	if img == nil || t.Context == "" {
		return nil
	}
	if !strings.HasPrefix(p, "/") {
		p = path.Join(img.Workdir(), p)
	}
	var out []string
	for _, rel := range img.ContextSources(path.Clean(p)) {
		out = append(out, path.Join(t.Context, rel))
	}
	return out
}
