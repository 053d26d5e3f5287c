// Package workflow reads GitHub Actions workflows for the images they
// build: `docker build` commands in run steps and docker/build-push-action
// steps. A build names the image a platform file runs, so it links that
// image to its Dockerfile.
package workflow

import (
	"path"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/shell"
	"github.com/gracelint/gracelint/parser/yamlpos"
)

// Build is one image a workflow builds.
type Build struct {
	// Image is the repository the build tags, without tag or digest.
	Image string
	// Dockerfile and Context are relative to the repository root.
	Dockerfile string
	Context    string
	// Target is the stage built, "" for the last.
	Target string
}

// IsWorkflow reports whether a slash path names a GitHub Actions workflow.
func IsWorkflow(p string) bool {
	ext := path.Ext(p)
	return (ext == ".yml" || ext == ".yaml") && path.Base(path.Dir(p)) == "workflows" && path.Base(path.Dir(path.Dir(p))) == ".github"
}

// Parse returns the builds of a workflow.
func Parse(src []byte) ([]Build, error) {
	docs, err := yamlpos.Parse(src)
	if err != nil {
		return nil, err
	}
	var out []Build
	for _, doc := range docs {
		jobs := at(doc, "jobs")
		if jobs == nil || jobs.Kind != jsonpos.Object {
			continue
		}
		for _, job := range jobs.Members {
			wd := str(at(job.Value, "defaults", "run", "working-directory"))
			steps := at(job.Value, "steps")
			if steps == nil {
				continue
			}
			for _, step := range steps.Elems {
				dir := wd
				if d := str(at(step, "working-directory")); d != "" {
					dir = d
				}
				if run := str(at(step, "run")); run != "" {
					out = append(out, runBuilds(run, dir)...)
				}
				if uses := str(at(step, "uses")); strings.HasPrefix(uses, "docker/build-push-action@") {
					out = append(out, actionBuilds(at(step, "with"))...)
				}
			}
		}
	}
	return out, nil
}

// at follows keys through nested mappings; nil where one is missing or
// not a mapping.
func at(n *jsonpos.Node, keys ...string) *jsonpos.Node {
	for _, k := range keys {
		if n == nil || n.Kind != jsonpos.Object {
			return nil
		}
		n = n.Get(k)
	}
	return n
}

func str(n *jsonpos.Node) string {
	if n == nil || n.Kind != jsonpos.String {
		return ""
	}
	return n.Str
}

// valueFlags are the options of docker build that take a value.
var valueFlags = map[string]bool{
	"-f": true, "--file": true, "-t": true, "--tag": true, "--target": true, "--platform": true,
	"--build-arg": true, "--label": true, "--cache-from": true, "--cache-to": true, "-o": true,
	"--output": true, "--secret": true, "--ssh": true, "--progress": true, "--network": true,
	"--builder": true, "--build-context": true, "--iidfile": true, "--metadata-file": true,
	"--annotation": true, "--attest": true, "--shm-size": true, "--ulimit": true, "--add-host": true,
}

// runBuilds finds docker build commands in a run script.
func runBuilds(script, wd string) []Build {
	s, err := shell.Parse(script)
	if err != nil {
		return nil
	}
	var out []Build
	for _, c := range s.Commands {
		words := c.Args
		i := 0
		switch {
		case len(words) >= 2 && isDocker(words[0]) && words[1].Value == "build":
			i = 2
		case len(words) >= 3 && isDocker(words[0]) && (words[1].Value == "buildx" || words[1].Value == "image") && words[2].Value == "build":
			i = 3
		default:
			continue
		}
		var tags []string
		file, ctx, target := "", "", ""
		for ; i < len(words); i++ {
			flag, value, inline := strings.Cut(raw(words[i]), "=")
			if !strings.HasPrefix(flag, "-") {
				ctx = raw(words[i])
				continue
			}
			if !inline && valueFlags[flag] && i+1 < len(words) {
				i++
				value = raw(words[i])
			}
			switch flag {
			case "-f", "--file":
				file = value
			case "-t", "--tag":
				tags = append(tags, value)
			case "--target":
				target = value
			}
		}
		if ctx == "" || strings.Contains(ctx, "$") {
			continue
		}
		out = append(out, builds(tags, path.Join(wd, ctx), file, wd, target)...)
	}
	return out
}

func isDocker(w shell.Word) bool {
	return w.Literal && (path.Base(w.Value) == "docker" || path.Base(w.Value) == "podman")
}

// raw is a word without its quotes, expansions left as written.
func raw(w shell.Word) string {
	if w.Literal {
		return w.Value
	}
	return strings.Trim(w.Raw, `"'`)
}

// actionBuilds reads a docker/build-push-action step's inputs.
func actionBuilds(with *jsonpos.Node) []Build {
	if with == nil {
		return nil
	}
	ctx := str(at(with, "context"))
	if ctx == "" {
		ctx = "."
	}
	if strings.Contains(ctx, "${{") {
		return nil
	}
	tags := strings.FieldsFunc(str(at(with, "tags")), func(r rune) bool { return r == ',' || r == '\n' })
	return builds(tags, path.Clean(ctx), str(at(with, "file")), "", str(at(with, "target")))
}

// builds pairs each tagged repository with the Dockerfile: -f is relative
// to the working directory, the default Dockerfile to the context.
func builds(tags []string, ctx, file, wd, target string) []Build {
	if strings.Contains(target, "$") {
		return nil
	}
	df := path.Join(ctx, "Dockerfile")
	if file != "" {
		if strings.Contains(file, "$") {
			return nil
		}
		df = path.Join(wd, file)
	}
	var out []Build
	for _, t := range tags {
		if repo := Repository(t); repo != "" {
			out = append(out, Build{Image: repo, Dockerfile: path.Clean(df), Context: path.Clean(ctx), Target: target})
		}
	}
	return out
}

// Repository is an image reference without its tag and digest, or "" when
// the repository part is computed (${{ ... }}, $VAR).
func Repository(ref string) string {
	ref = strings.ToLower(strings.TrimSpace(ref))
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		ref = ref[:at]
	}
	slash := strings.LastIndexByte(ref, '/')
	if c := strings.IndexByte(ref[slash+1:], ':'); c >= 0 {
		ref = ref[:slash+1+c]
	}
	if ref == "" || strings.ContainsAny(ref, "${}") {
		return ""
	}
	return ref
}
