package chain

import (
	"fmt"
	"strings"

	"github.com/gracelint/gracelint/parser/shell"
)

// debianImages are official images whose default variants are built on
// Debian or Ubuntu, where /bin/sh is dash.
var debianImages = map[string]bool{
	"debian": true, "ubuntu": true, "ruby": true, "node": true, "python": true,
	"golang": true, "php": true, "perl": true, "openjdk": true, "eclipse-temurin": true,
	"buildpack-deps": true, "rust": true, "elixir": true, "erlang": true, "postgres": true,
	"redis": true, "nginx": true, "httpd": true, "mysql": true, "rails": true,
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
	switch {
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

// ImageShell says which shell /bin/sh is in image, and why that is assumed.
// Unknown images get dash, the shell that never execs its last command.
func ImageShell(image string) (shell.Dialect, string) {
	fam, why := classify(image)
	switch fam {
	case alpineFamily, busyboxFamily:
		return shell.Ash, why
	case debianFamily:
		return shell.Dash, why
	}
	return shell.Dash, "assuming /bin/sh is dash because " + why
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
