package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/output"
	"github.com/gracelint/gracelint/parser/compose"
	"github.com/gracelint/gracelint/parser/workflow"
)

// lintRoot is where rules look for the files an input leads to.
type lintRoot struct {
	dir string // absolute
	wd  string // the current directory, which names are relative to
	// fsys holds the files of dir; a symlink that leads out of it is not
	// followed, so a repository cannot make gracelint read the runner's
	// files.
	fsys fs.FS
	// shared is what the run's inputs share.
	shared *lint.RunCache
	// verbose asks each input to say what was read and linked (-v).
	verbose bool
}

// locate maps an input's name to its slash path under the root.
func (r lintRoot) locate(name string) string {
	abs := name
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.wd, name)
	}
	rel, err := filepath.Rel(r.dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// dockerfiles lists the Dockerfiles under the root, as slash paths there.
func (r lintRoot) dockerfiles() []string {
	var out []string
	filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir() && p != r.dir && skipDirs[d.Name()]:
			return filepath.SkipDir
		case !d.IsDir() && lint.KindInWalk(d.Name()) == lint.Dockerfile:
			if rel, err := filepath.Rel(r.dir, p); err == nil {
				out = append(out, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	return out
}

// deployment is what the platform files under the root say of the images
// they run.
type deployment struct {
	// containers are the containers of the task definitions.
	containers []lint.ContainerRef
	// builds are the images Compose files and GitHub workflows build, with
	// their Dockerfiles.
	builds []lint.Build
}

// deployment reads the platform files under the root.
func (r lintRoot) deployment() deployment {
	var out deployment
	// Compose files beside each other describe one project: a service one
	// of them builds runs, in another, under the image it names.
	type service struct{ dir, name string }
	images, builds := map[service]string{}, map[service]lint.Build{}
	filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir():
			if p != r.dir && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		case !mayHold(d.Name()):
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() || info.Size() > maxFileSize {
			return nil
		}
		src, err := readRegular(p)
		if err != nil {
			return nil
		}
		rel := r.locate(p)
		if workflow.IsWorkflow(rel) {
			builds, _ := workflow.Parse(src)
			for _, b := range builds {
				out.builds = append(out.builds, lint.Build{Image: b.Image, Dockerfile: b.Dockerfile, Context: b.Context, Target: b.Target})
			}
			return nil
		}
		// Only Compose files (builds and the images they name) and task
		// definitions that start an init matter here: skip the rest
		// before parsing.
		if !bytes.Contains(src, []byte("services:")) && !bytes.Contains(src, []byte("nitProcessEnabled")) {
			return nil
		}
		kind := lint.KindFromName(d.Name())
		if kind == lint.Unknown {
			kind = lint.Sniff(d.Name(), src)
		}
		if kind == lint.Unknown || kind == lint.Dockerfile {
			return nil
		}
		if kind == lint.Compose {
			if rel == "" {
				return nil
			}
			// The services alone: targets and their process chains would
			// double the memory of a large Compose file while it is linted.
			dir := path.Dir(rel)
			services, _ := compose.Parse(src, nil)
			for _, s := range services {
				key := service{dir, s.Name}
				if s.Image.Known {
					images[key] = workflow.Repository(s.Image.Str)
				}
				if s.Build != "" {
					builds[key] = lint.Build{Dockerfile: path.Join(dir, s.Build), Context: path.Join(dir, s.BuildContext), Target: s.Target}
				}
			}
			return nil
		}
		f, _ := lint.Parse(p, src, kind)
		if f == nil {
			return nil
		}
		for _, t := range f.Targets {
			if c := t.ECS; c != nil && c.Def.Image != nil && !c.Unknown("image") && c.InitProcessEnabled() {
				out.containers = append(out.containers, lint.ContainerRef{Image: *c.Def.Image, Init: c.InitProcessEnabled()})
			}
		}
		return nil
	})
	for key, b := range builds {
		// A service that builds and names its image, or whose image a
		// sibling file names; the image of one that names none runs there
		// only, but its stage is still deployed.
		b.Image = images[key]
		out.builds = append(out.builds, b)
	}
	slices.SortFunc(out.builds, func(a, b lint.Build) int { return strings.Compare(a.Image+a.Dockerfile, b.Image+b.Dockerfile) })
	return out
}

// display names a file under the root as findings show it: relative to the
// current directory while that lies in the root too, so a script shows as
// "../../fixtures/x.sh" beside the Dockerfile the user named
// "../../fixtures/Dockerfile" from a subdirectory, not as an absolute path.
func (r lintRoot) display(path string) string {
	abs := filepath.Join(r.dir, filepath.FromSlash(path))
	if r.locate(r.wd) != "" {
		if rel, err := filepath.Rel(r.wd, abs); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return display(abs)
}

// otherFiles handles findings in files that are not inputs (the scripts a
// Dockerfile runs): it drops duplicates (two Dockerfiles may run one
// script), applies their fixes once per file for --fix or --diff, and loads
// their sources for the report.
func otherFiles(rep *output.Report, opt options, root string, diffs *strings.Builder) (files, applied int, err error) {
	seen := map[string]bool{}
	kept := rep.Findings[:0]
	byFile := map[string][]*lint.Fix{}
	for _, f := range rep.Findings {
		if _, isInput := rep.Sources[f.File]; !isInput {
			key := fmt.Sprintf("%s:%d:%s", f.File, f.Span.Start.Offset, f.Rule.ID)
			if seen[key] {
				continue
			}
			seen[key] = true
			if f.Fix != nil && (f.Fix.Safe || opt.unsafe) && (opt.fix || opt.diff) {
				byFile[f.File] = append(byFile[f.File], f.Fix)
			}
		}
		kept = append(kept, f)
	}
	rep.Findings = kept
	names := make([]string, 0, len(byFile))
	for name := range byFile {
		names = append(names, name)
	}
	slices.Sort(names)
	fixedNow := map[*lint.Fix]bool{}
	for _, name := range names {
		src, err := readRegular(name)
		if err != nil {
			rep.Errors = append(rep.Errors, &lint.InputError{File: name, Msg: "reading it to apply fixes: " + err.Error()})
			continue
		}
		out, done, _ := lint.ApplyFixes(src, byFile[name])
		if opt.diff {
			d, err := unifiedDiff(name, src, out)
			if err != nil {
				return files, applied, err
			}
			diffs.WriteString(d)
			continue
		}
		if err := writeFixed(root, name, src, out); err != nil {
			rep.Errors = append(rep.Errors, &lint.InputError{File: name, Msg: "writing the fixes: " + err.Error()})
			continue
		}
		files, applied = files+1, applied+len(done)
		for _, f := range done {
			fixedNow[f] = true
		}
		rep.Sources[name] = source.NewLines(out)
	}
	if len(fixedNow) > 0 {
		rep.Findings = slices.DeleteFunc(rep.Findings, func(f lint.Finding) bool { return fixedNow[f.Fix] })
	}
	load := func(file string) {
		if _, ok := rep.Sources[file]; !ok {
			if src, err := readRegular(file); err == nil {
				rep.Sources[file] = source.NewLines(src)
			}
		}
	}
	for _, f := range rep.Findings {
		load(f.File)
		for _, r := range f.Related {
			load(r.File)
		}
	}
	return files, applied, nil
}
