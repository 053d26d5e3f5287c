package catalog

import (
	"slices"
	"strings"
)

// Image is one entry of images.yaml: what a well-known image's config runs.
type Image struct {
	Name       string   `yaml:"name"`
	Aliases    []string `yaml:"aliases"`
	Official   bool     `yaml:"official"`
	Entrypoint []string `yaml:"entrypoint"`
	Cmd        []string `yaml:"cmd"`
	StopSignal string   `yaml:"stopsignal"`
	// Init is the init the ENTRYPOINT starts as PID 1, "" for none.
	Init string `yaml:"init"`
	// EntrypointRunsCommand: the ENTRYPOINT script ends in exec "$@", so a
	// command naming a program runs in its place.
	EntrypointRunsCommand bool `yaml:"entrypoint_runs_command"`
	// FlagsGoTo is the program the ENTRYPOINT puts before a first argument
	// that starts with "-".
	FlagsGoTo       string `yaml:"flags_go_to"`
	Server          string `yaml:"server"`
	ServerOnSigterm string `yaml:"server_on_sigterm"`
	GracefulSignal  string `yaml:"graceful_signal"`
	Shell           string `yaml:"shell"`
	AlpineTags      bool   `yaml:"alpine_tags"`
	// LacksExtensions are PHP extensions the image does not compile in.
	LacksExtensions []string  `yaml:"lacks_extensions"`
	Variants        []Variant `yaml:"variants"`
	Source          []string  `yaml:"source"`
	Note            string    `yaml:"note"`
}

// Variant is a family of tags whose config differs from the default tag's.
type Variant struct {
	TagContains string   `yaml:"tag_contains"`
	Cmd         []string `yaml:"cmd"`
	StopSignal  string   `yaml:"stopsignal"`
}

// Images is the image catalog, in the order of images.yaml, compiled in
// like Programs.
var Images = pointers(images)

// mirrors are registry prefixes under which Docker Hub's official images
// are pulled unchanged.
var mirrors = []string{"docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/",
	"library/", "public.ecr.aws/docker/library/", "mirror.gcr.io/library/", "mirror.gcr.io/"}

// hubPrefixes name Docker Hub itself, for images that are not official.
var hubPrefixes = []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/", "mirror.gcr.io/"}

// ImageRef is an image reference split into the catalogued image and tag.
type ImageRef struct {
	*Image
	Tag string
}

// Config returns the image's CMD and STOPSIGNAL for the reference's tag.
func (r ImageRef) Config() (cmd []string, stopSignal string) {
	cmd, stopSignal = r.Cmd, r.StopSignal
	for _, v := range r.Variants {
		if strings.Contains(r.Tag, v.TagContains) {
			return v.Cmd, v.StopSignal
		}
	}
	return cmd, stopSignal
}

// Alpine reports whether the tag is an Alpine variant.
func (r ImageRef) Alpine() bool {
	return r.AlpineTags && strings.Contains(r.Tag, "alpine")
}

// LookupImage finds the catalogued image a reference names, under Docker
// Hub's names and the mirrors official images are pulled through. ok is
// false for an image the catalog does not hold.
func LookupImage(ref string) (r ImageRef, ok bool) {
	name := strings.ToLower(strings.TrimSpace(ref))
	if at := strings.IndexByte(name, '@'); at >= 0 {
		name = name[:at]
	}
	tag := "latest"
	if c := strings.LastIndexByte(name, ':'); c > strings.LastIndexByte(name, '/') {
		name, tag = name[:c], name[c+1:]
	}
	official := name
	for _, m := range mirrors {
		if rest, ok := strings.CutPrefix(name, m); ok {
			official = rest
			break
		}
	}
	hub := name
	for _, m := range hubPrefixes {
		if rest, ok := strings.CutPrefix(name, m); ok {
			hub = rest
			break
		}
	}
	for _, img := range Images {
		if img.Official && img.Name == official || !strings.Contains(official, "/") && img.Official && img.Name == hub ||
			img.Name == hub || slices.Contains(img.Aliases, hub) || slices.Contains(img.Aliases, name) {
			return ImageRef{Image: img, Tag: tag}, true
		}
	}
	return ImageRef{}, false
}
