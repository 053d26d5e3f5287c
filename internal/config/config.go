// Package config reads .gracelint.yaml: which rules run and how severe they
// are, which files are never linted, per-path rule ignores, the fail level,
// and Sidekiq's defaults. Every error names the file, line and column.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
	"go.yaml.in/yaml/v3"
)

// Names are the file names looked for, in order.
var Names = []string{".gracelint.yaml", ".gracelint.yml"}

// Config is a parsed configuration file.
type Config struct {
	Path string
	// FailLevel is "" when the file does not set it.
	FailLevel string
	Options   lint.Options
	Ignore    []string // globs relative to the file's directory
	Overrides []Override
}

// Override ignores rules in some files.
type Override struct {
	Files []string
	Rules []string // rule IDs
}

// Error is a configuration problem at a position of the file.
type Error struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
}

// Find looks for a configuration file in dir and its parents up to stop, the
// repository root. It returns "" when there is none.
func Find(dir, stop string) string {
	for d := dir; ; d = filepath.Dir(d) {
		for _, name := range Names {
			if p := filepath.Join(d, name); fileExists(p) {
				return p
			}
		}
		if d == stop || filepath.Dir(d) == d {
			return ""
		}
	}
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// Load reads and parses the file at path.
func Load(path string, rules []*lint.Rule) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src, rules)
}

// Parse parses a configuration; rules are the known rules, for names.
func Parse(path string, src []byte, rules []*lint.Rule) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	c := &Config{Path: abs, Options: lint.DefaultOptions()}
	p := &parser{path: path, rules: rules, c: c}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, p.syntaxError(err)
	}
	if len(doc.Content) == 0 {
		return c, nil // empty file: the defaults
	}
	if err := p.top(doc.Content[0]); err != nil {
		return nil, err
	}
	return c, nil
}

type parser struct {
	path  string
	rules []*lint.Rule
	c     *Config
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) error {
	return &Error{Path: p.path, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, after
			}
		}
	}
	return &Error{Path: p.path, Line: line, Col: min(line, 1), Msg: "invalid YAML: " + msg}
}

// members walks a mapping, rejecting keys not in known.
func (p *parser) members(n *yaml.Node, what string, known []string, each func(key string, k, v *yaml.Node) error) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "%s must be a mapping", what)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if known != nil && !slices.Contains(known, k.Value) {
			return p.errorf(k, "unknown key %q in %s (want one of %s)", k.Value, what, strings.Join(known, ", "))
		}
		if seen[k.Value] {
			return p.errorf(k, "%q is set twice in %s", k.Value, what)
		}
		seen[k.Value] = true
		if err := each(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) top(n *yaml.Node) error {
	return p.members(n, "the configuration", []string{"fail-level", "rules", "ignore", "overrides", "sidekiq", "images"}, func(key string, _, v *yaml.Node) error {
		switch key {
		case "images":
			return p.members(v, "images", nil, func(pattern string, k, v *yaml.Node) error {
				if !doublestar.ValidatePattern(pattern) {
					return p.errorf(k, "%q is not a valid glob", pattern)
				}
				var shellName, dockerfile string
				if err := p.members(v, "an image", []string{"shell", "dockerfile"}, func(key string, _, s *yaml.Node) error {
					if key == "shell" {
						shellName = s.Value
					} else {
						dockerfile = s.Value
					}
					return nil
				}); err != nil {
					return err
				}
				if dockerfile != "" {
					p.c.Options.ImageDockerfiles = append(p.c.Options.ImageDockerfiles, lint.ImageDockerfile{Pattern: pattern, Path: dockerfile})
				}
				if shellName == "" && dockerfile != "" {
					return nil
				}
				sh, ok := chain.ParseShell(shellName)
				if !ok {
					return p.errorf(v, "images.%s needs shell: dash, bash, ash or none (or dockerfile: PATH)", pattern)
				}
				p.c.Options.ImageShells = append(p.c.Options.ImageShells, lint.ImageShell{Pattern: pattern, Shell: sh})
				return nil
			})
		case "fail-level":
			if !slices.Contains([]string{"error", "warning", "info", "none"}, v.Value) || v.Kind != yaml.ScalarNode {
				return p.errorf(v, "fail-level must be error, warning, info or none")
			}
			p.c.FailLevel = v.Value
		case "rules":
			return p.members(v, "rules", nil, func(_ string, k, v *yaml.Node) error {
				r := p.rule(k.Value)
				if r == nil {
					return p.errorf(k, "unknown rule %q (gracelint rules lists them)", k.Value)
				}
				return p.ruleSetting(r, v)
			})
		case "ignore":
			globs, err := p.globs(v, "ignore")
			p.c.Ignore = globs
			return err
		case "overrides":
			items, err := p.list(v, "overrides")
			if err != nil {
				return err
			}
			for _, item := range items {
				var o Override
				if err := p.members(item, "an override", []string{"files", "ignore"}, func(key string, _, v *yaml.Node) error {
					var err error
					if key == "files" {
						o.Files, err = p.globs(v, "files")
						return err
					}
					return p.ruleList(v, &o.Rules)
				}); err != nil {
					return err
				}
				if len(o.Files) == 0 || len(o.Rules) == 0 {
					return p.errorf(item, "an override needs files and ignore")
				}
				p.c.Overrides = append(p.c.Overrides, o)
			}
		case "sidekiq":
			return p.members(v, "sidekiq", []string{"timeout", "margin"}, func(key string, _, v *yaml.Node) error {
				n, err := strconv.Atoi(v.Value)
				if v.Kind != yaml.ScalarNode || err != nil || n < 0 || n > 3600 {
					return p.errorf(v, "sidekiq.%s must be a number of seconds from 0 to 3600", key)
				}
				if key == "timeout" {
					p.c.Options.SidekiqTimeout = n
				} else {
					p.c.Options.StopMargin = n
				}
				return nil
			})
		}
		return nil
	})
}

func (p *parser) rule(name string) *lint.Rule {
	for _, r := range p.rules {
		if strings.EqualFold(name, r.ID) || name == r.Name {
			return r
		}
	}
	return nil
}

func (p *parser) ruleSetting(r *lint.Rule, v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode {
		return p.errorf(v, "%s must be off, on, error, warning or info", r.ID)
	}
	opt := &p.c.Options
	switch v.Value {
	case "off", "false":
		if opt.Disabled == nil {
			opt.Disabled = map[string]bool{}
		}
		opt.Disabled[r.ID] = true
	case "on", "true":
	default:
		sev, err := lint.ParseSeverity(v.Value)
		if err != nil {
			return p.errorf(v, "%s must be off, on, error, warning or info, not %q", r.ID, v.Value)
		}
		if opt.Severity == nil {
			opt.Severity = map[string]lint.Severity{}
		}
		opt.Severity[r.ID] = sev
	}
	return nil
}

// list returns the items of a sequence; an empty value is an empty list.
func (p *parser) list(v *yaml.Node, what string) ([]*yaml.Node, error) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, p.errorf(v, "%s must be a list", what)
	}
	return v.Content, nil
}

func (p *parser) stringList(v *yaml.Node, what string) ([]*yaml.Node, error) {
	items, err := p.list(v, what)
	if err != nil {
		return nil, err
	}
	for _, item := range items {
		if item.Kind != yaml.ScalarNode || item.Tag != "!!str" && item.Tag != "!!int" {
			return nil, p.errorf(item, "%s must hold strings", what)
		}
	}
	return items, nil
}

func (p *parser) globs(v *yaml.Node, what string) ([]string, error) {
	items, err := p.stringList(v, what)
	var out []string
	for _, item := range items {
		if !doublestar.ValidatePattern(item.Value) {
			return nil, p.errorf(item, "%q is not a valid glob", item.Value)
		}
		out = append(out, item.Value)
	}
	return out, err
}

func (p *parser) ruleList(v *yaml.Node, out *[]string) error {
	items, err := p.stringList(v, "ignore")
	for _, item := range items {
		r := p.rule(item.Value)
		if r == nil {
			return p.errorf(item, "unknown rule %q (gracelint rules lists them)", item.Value)
		}
		*out = append(*out, r.ID)
	}
	return err
}

// rel is file's path relative to the configuration's directory, or "" when
// it lies outside.
func (c *Config) rel(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(filepath.Dir(c.Path), abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

func matchAny(globs []string, rel string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
	}
	return false
}

// Ignored reports whether file must not be linted.
func (c *Config) Ignored(file string) bool {
	rel := c.rel(file)
	return rel != "" && matchAny(c.Ignore, rel)
}

// OptionsFor returns the options for file, with its overrides applied.
func (c *Config) OptionsFor(file string) lint.Options {
	opt := c.Options
	rel := c.rel(file)
	if rel == "" {
		return opt
	}
	for _, o := range c.Overrides {
		if !matchAny(o.Files, rel) {
			continue
		}
		disabled := map[string]bool{}
		for id := range opt.Disabled {
			disabled[id] = true
		}
		for _, id := range o.Rules {
			disabled[id] = true
		}
		opt.Disabled = disabled
	}
	return opt
}

// Template is what gracelint config init writes: every key, commented.
const Template = `# yaml-language-server: $schema=` + SchemaURL + `
# gracelint configuration (https://github.com/gracelint/gracelint).
# Every key is optional; these are the defaults.

# Exit 1 on findings at or above this severity: error, warning, info or none.
# The --fail-level flag wins over it.
fail-level: warning

# Rules by ID or name: "off" turns a rule off; error, warning or info changes
# its severity. "gracelint rules" lists them.
rules:
  # GL103: off
  # shell-form-command: warning

# Files never linted: globs relative to this file; ** crosses directories.
ignore:
  # - "test/fixtures/**"

# Rules to ignore in some files only.
overrides:
  # - files: ["legacy/**"]
  #   ignore: [GL103]

# Images gracelint cannot know. shell: the /bin/sh of a private base image
# (dash, bash, ash or none; unknown images are taken to have dash).
# dockerfile: the Dockerfile that builds an image, relative to the lint
# root, for containers that run the image's own command (without it, an
# image is linked only to a Dockerfile that a build of the run tags it with).
images:
  # "registry.example.com/base/ruby*":
  #   shell: ash
  # "123456789012.dkr.ecr.*.amazonaws.com/worker:*":
  #   dockerfile: docker/worker/Dockerfile

sidekiq:
  # Sidekiq's timeout where the command sets no -t (Sidekiq 6 and later: 25).
  timeout: 25
  # Seconds Sidekiq needs after its timeout to requeue jobs and exit; its
  # deployment guide asks for 5.
  margin: 5
`

// ErrExists is returned by Init when the file is already there.
var ErrExists = errors.New("already exists")

// Schema is the JSON Schema of the configuration file, for editors; the
// template names it in a yaml-language-server comment.
//
//go:embed schema.json
var Schema []byte

// SchemaURL is where the schema is published.
const SchemaURL = "https://raw.githubusercontent.com/gracelint/gracelint/main/internal/config/schema.json"

// Init writes Template to dir/.gracelint.yaml unless a file is there.
func Init(dir string) (string, error) {
	p := filepath.Join(dir, Names[0])
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return p, fmt.Errorf("%s %w", p, ErrExists)
	}
	if err != nil {
		return p, err
	}
	if _, err := f.WriteString(Template); err != nil {
		f.Close()
		return p, err
	}
	return p, f.Close()
}
