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

// ImageShell says which shell /bin/sh is in image, and why that is assumed.
// Unknown images get dash, the shell that never execs its last command.
func ImageShell(image string) (shell.Dialect, string) {
	ref := strings.ToLower(image)
	if ref == "" {
		return shell.Dash, "assuming dash because the base image is not known"
	}
	name, tag := ref, ""
	if at := strings.IndexByte(name, '@'); at >= 0 {
		name = name[:at]
	}
	if c := strings.LastIndexByte(name, ':'); c > strings.LastIndexByte(name, '/') {
		name, tag = name[:c], name[c+1:]
	}
	base := name[strings.LastIndexByte(name, '/')+1:]
	switch {
	case base == "alpine" || strings.Contains(tag, "alpine"):
		return shell.Ash, fmt.Sprintf("%q is Alpine, where /bin/sh is BusyBox ash", image)
	case base == "busybox":
		return shell.Ash, fmt.Sprintf("%q is BusyBox, where /bin/sh is ash", image)
	case debianImages[base] && !strings.Contains(name, "/") || strings.HasPrefix(name, "docker.io/library/") && debianImages[base]:
		return shell.Dash, fmt.Sprintf("%q is Debian-based, where /bin/sh is dash", image)
	case debianTag(tag):
		return shell.Dash, fmt.Sprintf("%q is tagged for Debian or Ubuntu, where /bin/sh is dash", image)
	}
	return shell.Dash, fmt.Sprintf("assuming /bin/sh is dash because the shell of %q is not known", image)
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
