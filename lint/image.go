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

// withImage completes the chain of a container that leaves its ENTRYPOINT
// or CMD to the image (an ECS container, a Compose service), when the run
// holds the image's Dockerfile: the one the service builds, one mapped to
// the image in the configuration, or the only Dockerfile of the lint root.
// The override rules are Docker's: a new entrypoint replaces the image's
// ENTRYPOINT and drops its CMD unless a command is also given; a command
// replaces the CMD.
func (l *Linter) withImage(t *Target) {
	r := t.run
	if r == nil || r.entrySet && r.cmdSet || l.FS == nil {
		return
	}
	path := r.build
	if path == "" {
		if r.image == "" {
			return
		}
		var ok bool
		if path, ok = l.imageDockerfile(r.image); !ok {
			return
		}
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
	sh := imageShell(img.BaseImage, &l.Options)
	t.Chain = chain.Walk(argv, chain.Options{Sh: sh.Dialect, ShWhy: sh.Why, PlatformInit: r.platformInit})
	t.EntrypointUnknown = !r.entrySet && !img.EntrypointSet
	t.Dockerfile = path
}

// run is what a platform file says of how a container starts, for
// completing it with the image's Dockerfile.
type run struct {
	entry, cmd       []chain.Arg
	entrySet, cmdSet bool
	image            string // "" when not known
	build            string // the Dockerfile the file builds the image from
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
	for _, c := range l.Containers() {
		if c.Init {
			if p, ok := l.imageDockerfile(c.Image); ok && p == path {
				return true
			}
		}
	}
	return false
}
