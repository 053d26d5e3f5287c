// Package docs embeds the rule documentation, so that the binary can explain
// its rules (gracelint explain, SARIF help) without the repository.
package docs

import (
	"embed"
	"regexp"
	"strings"
)

//go:embed rules/*.md
var pages embed.FS

// Rule returns the documentation page of rule id in Markdown.
func Rule(id string) (string, bool) {
	b, err := pages.ReadFile("rules/" + id + ".md")
	return string(b), err == nil
}

var sectionRe = regexp.MustCompile(`(?s)\n## What it finds\n(.*?)\n## `)

// WhatItFinds returns the "What it finds" section of rule id as one
// paragraph of plain text, or "".
func WhatItFinds(id string) string {
	page, ok := Rule(id)
	if !ok {
		return ""
	}
	m := sectionRe.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(m[1]), " ")
}
