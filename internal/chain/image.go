package chain

import (
	"fmt"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/parser/shell"
)

// debianImages are official images the image catalog does not hold whose
// default variants are built FROM buildpack-deps, which is Debian: /bin/sh
// is dash.
var debianImages = map[string]bool{
	"buildpack-deps": true, "perl": true, "rust": true, "elixir": true, "erlang": true, "rails": true,
}

// debianTag reports whether an image tag names a Debian or Ubuntu release.
func debianTag(tag string) bool {
	for _, release := range []string{"buster", "bullseye", "bookworm", "trixie", "focal", "jammy", "noble"} {
		if strings.Contains(tag, release) {
			return true
		}
	}
	return false
}

// family is what gracelint knows of an image's distribution.
type family int

const (
	unknownFamily family = iota
	debianFamily
	alpineFamily
	busyboxFamily
	bashFamily    // Oracle Linux and UBI based images
	noShellFamily // scratch and distroless: no /bin/sh at all
)

func classify(image string) (family, string) {
	ref := strings.ToLower(image)
	if ref == "" {
		return unknownFamily, "the base image is not known"
	}
	name, tag := ref, ""
	if at := strings.IndexByte(name, '@'); at >= 0 {
		name = name[:at]
	}
	if c := strings.LastIndexByte(name, ':'); c > strings.LastIndexByte(name, '/') {
		name, tag = name[:c], name[c+1:]
	}
	base := name[strings.LastIndexByte(name, '/')+1:]
	official := !strings.Contains(name, "/") || strings.HasPrefix(name, "docker.io/library/")
	if r, ok := catalog.LookupImage(image); ok && r.Shell != "" {
		switch {
		case r.Alpine() || r.Shell == "ash":
			return alpineFamily, fmt.Sprintf("%q is Alpine, where /bin/sh is BusyBox ash", image)
		case r.Shell == "none":
			return noShellFamily, fmt.Sprintf("%q has no shell", image)
		case r.Shell == "bash":
			return bashFamily, fmt.Sprintf("%q has bash as /bin/sh", image)
		}
		return debianFamily, fmt.Sprintf("%q is Debian-based, where /bin/sh is dash", image)
	}
	switch {
	case name == "scratch":
		return noShellFamily, `"scratch" is empty: it has no shell`
	case strings.Contains(name, "distroless") && !strings.Contains(tag, "debug"):
		return noShellFamily, fmt.Sprintf("%q is distroless: it has no shell", image)
	case base == "alpine" || strings.Contains(tag, "alpine"):
		return alpineFamily, fmt.Sprintf("%q is Alpine, where /bin/sh is BusyBox ash", image)
	case base == "busybox":
		return busyboxFamily, fmt.Sprintf("%q is BusyBox, where /bin/sh is ash", image)
	case debianImages[base] && official:
		return debianFamily, fmt.Sprintf("%q is Debian-based, where /bin/sh is dash", image)
	case debianTag(tag):
		return debianFamily, fmt.Sprintf("%q is tagged for Debian or Ubuntu, where /bin/sh is dash", image)
	}
	return unknownFamily, fmt.Sprintf("the shell of %q is not known", image)
}

// BinSh is what gracelint knows of the /bin/sh of an image.
type BinSh struct {
	Dialect shell.Dialect
	// Why says how that is known, or that it is assumed, for messages.
	Why string
	// Missing is true for images without any shell.
	Missing bool
	// Assumed is true when the image is not known and dash is assumed.
	Assumed bool
}

// ImageShell says which shell /bin/sh is in image, and why that is assumed.
// Unknown images get dash, the shell that never execs its last command.
func ImageShell(image string) BinSh {
	fam, why := classify(image)
	switch fam {
	case alpineFamily, busyboxFamily:
		return BinSh{Dialect: shell.Ash, Why: why}
	case debianFamily:
		return BinSh{Dialect: shell.Dash, Why: why}
	case bashFamily:
		return BinSh{Dialect: shell.Bash, Why: why}
	case noShellFamily:
		return BinSh{Dialect: shell.Dash, Why: why, Missing: true}
	}
	return BinSh{Dialect: shell.Dash, Why: "assuming /bin/sh is dash because " + why, Assumed: true}
}

// ParseShell names a shell for a configuration entry: dash, bash, ash or
// none.
func ParseShell(name string) (BinSh, bool) {
	switch name {
	case "dash", "sh":
		return BinSh{Dialect: shell.Dash}, true
	case "bash":
		return BinSh{Dialect: shell.Bash}, true
	case "ash", "busybox":
		return BinSh{Dialect: shell.Ash}, true
	case "none":
		return BinSh{Dialect: shell.Dash, Missing: true}, true
	}
	return BinSh{}, false
}

// InstallTini returns the Dockerfile RUN line that installs tini on image, or
// "" when its package manager is not known.
func InstallTini(image string) string {
	switch fam, _ := classify(image); fam {
	case debianFamily:
		return "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*"
	case alpineFamily:
		return "RUN apk add --no-cache tini"
	}
	return ""
}

// IsWindows reports whether image is a Windows image, where none of the
// Linux PID 1 rules apply.
func IsWindows(image string) bool {
	ref := strings.ToLower(image)
	for _, s := range []string{"mcr.microsoft.com/windows", "/windows/servercore", "/windows/nanoserver", "/dotnet/framework/", "nanoserver", "windowsservercore", "servercore:ltsc"} {
		if strings.Contains(ref, s) {
			return true
		}
	}
	return false
}
