// Package copilot reads AWS Copilot service manifests
// (copilot/<service>/manifest.yml) with positions: the service's type,
// the image it builds or pulls, its command and entrypoint, its variables,
// and the taskdef_overrides that set the container's StopTimeout or
// start ECS's init.
package copilot

import (
	"maps"
	"regexp"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/yamlpos"
	"github.com/mattn/go-shellwords"
)

// Types are the manifest types Copilot deploys as ECS services.
var Types = []string{"Load Balanced Web Service", "Backend Service", "Worker Service"}

// Manifest is a parsed service manifest.
type Manifest struct {
	Name, Type string
	Root       *jsonpos.Node
	// NameStart and NameEnd are the byte offsets of the name value.
	NameStart, NameEnd int
	// Dockerfile, Context and Target are image.build's, relative to the
	// workspace (the directory copilot/ is in); Location is image.location.
	Dockerfile, Context, Target, Location string
	Command, Entrypoint                   *jsonpos.Node
	Variables                             map[string]string
	// StopTimeout is the value a taskdef_overrides rule sets for
	// ContainerDefinitions[0].StopTimeout; nil when none does.
	StopTimeout *jsonpos.Node
	// Init is true when a rule sets
	// ContainerDefinitions[0].LinuxParameters.InitProcessEnabled.
	Init bool
	// Environment is the environment whose overrides this manifest holds,
	// "" for the manifest as written.
	Environment string
	// Environments are the manifest as each environment that overrides
	// what the container runs or how it stops deploys it.
	Environments []*Manifest
}

// typeLine is a top-level type: line naming a Copilot type.
var typeLine = regexp.MustCompile(`(?m)^type:[ \t]*["']?(Load Balanced Web Service|Backend Service|Worker Service|Request-Driven Web Service|Scheduled Job|Static Site)`)

// IsManifest tells a Copilot service manifest by its content: a name and
// one of Copilot's service or job types at its top level.
func IsManifest(src []byte) bool {
	if !typeLine.Match(src) {
		return false // most YAML a walk meets is not parsed at all
	}
	docs, err := yamlpos.Parse(src)
	if err != nil || len(docs) != 1 {
		return false
	}
	t, n := docs[0].Get("type"), docs[0].Get("name")
	return t != nil && n != nil && t.Kind == jsonpos.String && (strings.HasSuffix(t.Str, " Service") || t.Str == "Scheduled Job" || t.Str == "Static Site")
}

// Parse parses src.
func Parse(src []byte) (*Manifest, error) {
	docs, err := yamlpos.Parse(src)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 || docs[0].Kind != jsonpos.Object {
		return nil, &yamlpos.Error{Msg: "not a Copilot manifest: the file must be one YAML mapping"}
	}
	root := docs[0]
	m := &Manifest{Root: root, Variables: map[string]string{}}
	if n := root.Get("name"); n != nil && n.Kind == jsonpos.String {
		m.Name, m.NameStart, m.NameEnd = n.Str, n.Start, n.End
	}
	if t := root.Get("type"); t != nil && t.Kind == jsonpos.String {
		m.Type = t.Str
	}
	m.apply(root)
	if envs := root.Get("environments"); envs != nil && envs.Kind == jsonpos.Object {
		for _, e := range envs.Members {
			if !overrides(e.Value) {
				continue
			}
			em := *m
			em.Environment, em.Environments = e.Key, nil
			em.Variables = maps.Clone(m.Variables)
			em.apply(e.Value)
			m.Environments = append(m.Environments, &em)
		}
	}
	return m, nil
}

// overrides tells an environments entry that changes what the container
// runs or how it is stopped.
func overrides(env *jsonpos.Node) bool {
	for _, key := range []string{"image", "command", "entrypoint", "variables", "taskdef_overrides"} {
		if env.Get(key) != nil {
			return true
		}
	}
	return false
}

// apply reads the fields a manifest, or one of its environments, sets.
func (m *Manifest) apply(root *jsonpos.Node) {
	if n := root.Get("command"); n != nil {
		m.Command = n
	}
	if n := root.Get("entrypoint"); n != nil {
		m.Entrypoint = n
	}
	if img := root.Get("image"); img != nil {
		if l := img.Get("location"); l != nil && l.Kind == jsonpos.String {
			m.Location, m.Dockerfile, m.Context, m.Target = l.Str, "", "", ""
		}
		switch b := img.Get("build"); {
		case b == nil:
		case b.Kind == jsonpos.String:
			m.Location, m.Dockerfile = "", b.Str
		case b.Kind == jsonpos.Object:
			m.Location = ""
			for key, to := range map[string]*string{"dockerfile": &m.Dockerfile, "context": &m.Context, "target": &m.Target} {
				if v := b.Get(key); v != nil && v.Kind == jsonpos.String {
					*to = v.Str
				}
			}
		}
	}
	if vars := root.Get("variables"); vars != nil && vars.Kind == jsonpos.Object {
		for _, v := range vars.Members {
			if v.Value.Kind == jsonpos.String || v.Value.Kind == jsonpos.Number {
				m.Variables[v.Key] = v.Value.Str + string(v.Value.Num)
			}
		}
	}
	if rules := root.Get("taskdef_overrides"); rules != nil && rules.Kind == jsonpos.Array {
		for _, r := range rules.Elems {
			p, v := r.Get("path"), r.Get("value")
			if p == nil || v == nil || p.Kind != jsonpos.String {
				continue
			}
			switch strings.ReplaceAll(p.Str, " ", "") {
			case "ContainerDefinitions[0].StopTimeout":
				m.StopTimeout = v
			case "ContainerDefinitions[0].LinuxParameters.InitProcessEnabled":
				m.Init = v.Kind == jsonpos.Bool && v.Bool
			}
		}
	}
}

// Words is a command or entrypoint as Copilot passes it to ECS: a list as
// is, a string split into words (no shell runs it). ok is false for
// anything else.
func Words(n *jsonpos.Node) (words []string, spans [][2]int, ok bool) {
	switch {
	case n == nil:
		return nil, nil, false
	case n.Kind == jsonpos.String:
		w, err := shellwords.Parse(n.Str)
		if err != nil || len(w) == 0 {
			return nil, nil, false
		}
		for range w {
			spans = append(spans, [2]int{n.Start, n.End})
		}
		return w, spans, true
	case n.Kind == jsonpos.Array:
		for _, e := range n.Elems {
			if e.Kind != jsonpos.String {
				return nil, nil, false
			}
			words = append(words, e.Str)
			spans = append(spans, [2]int{e.Start, e.End})
		}
		return words, spans, len(words) > 0
	}
	return nil, nil, false
}
