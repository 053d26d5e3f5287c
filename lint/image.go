package lint

import (
	"io/fs"
	"slices"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/dockerfile"
)

// ImageDockerfile says that images matching Pattern are built from the
// Dockerfile at Path (relative to the lint root).
type ImageDockerfile struct {
	Pattern string
	Path    string
}

// imageDockerfile finds the Dockerfile that builds image: a configured
// mapping, else the only Dockerfile of the lint root.
func (l *Linter) imageDockerfile(image string) (string, bool) {
	for _, m := range l.Options.ImageDockerfiles {
		if ok, _ := doublestar.Match(m.Pattern, image); ok {
			return m.Path, true
		}
	}
	if l.Dockerfiles != nil {
		if all := l.Dockerfiles(); len(all) == 1 {
			return all[0], true
		}
	}
	return "", false
}

// withImage completes the chain of an ECS container that leaves its
// ENTRYPOINT or CMD to the image, when the run holds the image's Dockerfile.
// ECS's rules are Docker's: entryPoint replaces the image's ENTRYPOINT and
// drops its CMD unless command is set; command replaces the CMD.
func (l *Linter) withImage(t *Target) {
	c := t.ECS
	if c.Def.EntryPoint != nil && c.Def.Command != nil || l.FS == nil || c.Def.Image == nil || c.Unknown("image") {
		return
	}
	path, ok := l.imageDockerfile(*c.Def.Image)
	if !ok {
		return
	}
	src, err := fs.ReadFile(l.FS, path)
	if err != nil {
		return
	}
	df, err := dockerfile.Parse(src)
	if err != nil {
		return
	}
	img := resolve(df.Stages[len(df.Stages)-1])
	entry, cmd := t.ecsEntry, t.ecsCmd
	if c.Def.EntryPoint == nil && img.Entrypoint != nil {
		entry = img.Entrypoint.Argv
	}
	if c.Def.Command == nil && c.Def.EntryPoint == nil && img.Cmd != nil {
		cmd = img.Cmd.Argv
	}
	argv := append(slices.Clone(entry), cmd...)
	if len(argv) == 0 {
		return
	}
	sh := imageShell(img.BaseImage, &l.Options)
	opt := chain.Options{Sh: sh.Dialect, ShWhy: sh.Why}
	if c.InitProcessEnabled() {
		opt.PlatformInit = "initProcessEnabled"
	}
	t.Chain = chain.Walk(argv, opt)
	t.EntrypointUnknown = c.Def.EntryPoint == nil && !img.EntrypointSet
	t.Dockerfile = path
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
	for _, c := range l.Containers() {
		if c.Init {
			if p, ok := l.imageDockerfile(c.Image); ok && p == path {
				return true
			}
		}
	}
	return false
}
