// Package render reads Render's Blueprint (render.yaml) with positions:
// the services it declares, how each is built and started, and
// maxShutdownDelaySeconds, how long Render waits after SIGTERM.
package render

import (
	"bytes"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/yamlpos"
	"github.com/mattn/go-shellwords"
)

// Service is one entry of services:.
type Service struct {
	Name string
	Type string // web, worker, pserv, cron, keyvalue, ...
	// Runtime is runtime: (or the older env:): docker, image, or a native
	// runtime (ruby, python, node, ...).
	Runtime string
	Node    *jsonpos.Node
	// KeyStart and KeyEnd are the byte offsets of the service's name
	// value, where findings about the service point.
	KeyStart, KeyEnd int
	// DockerfilePath and DockerContext are relative to the repository
	// root (defaults ./Dockerfile and .); Image is image.url.
	DockerfilePath, DockerContext, Image string
	// Command is dockerCommand for a Docker service, startCommand for a
	// native one; nil when not set.
	Command *jsonpos.Node
	// MaxShutdownDelay is maxShutdownDelaySeconds; nil when not set.
	MaxShutdownDelay *jsonpos.Node
	Env              map[string]string
}

// IsBlueprint tells a Render Blueprint by its content, whatever its name:
// a top-level services: list whose entries are mappings with a type and a
// name, one at least saying how Render runs it (runtime, env,
// dockerCommand, startCommand).
func IsBlueprint(src []byte) bool {
	if !bytes.HasPrefix(src, []byte("services:")) && !bytes.Contains(src, []byte("\nservices:")) {
		return false
	}
	docs, err := yamlpos.Parse(src)
	if err != nil || len(docs) != 1 {
		return false
	}
	list := docs[0].Get("services")
	if list == nil || list.Kind != jsonpos.Array || len(list.Elems) == 0 {
		return false
	}
	runs := false
	for _, n := range list.Elems {
		if n.Get("type") == nil || n.Get("name") == nil {
			return false
		}
		for _, k := range []string{"runtime", "env", "dockerCommand", "startCommand"} {
			runs = runs || n.Get(k) != nil
		}
	}
	return runs
}

// Parse returns the services of src.
func Parse(src []byte) ([]*Service, error) {
	docs, err := yamlpos.Parse(src)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 || docs[0].Kind != jsonpos.Object {
		return nil, &yamlpos.Error{Msg: "not a Render Blueprint: the file must be one YAML mapping"}
	}
	list := docs[0].Get("services")
	if list == nil || list.Kind != jsonpos.Array {
		return nil, nil
	}
	var out []*Service
	for _, n := range list.Elems {
		if n.Kind != jsonpos.Object {
			continue
		}
		s := &Service{Node: n, DockerfilePath: "./Dockerfile", DockerContext: ".", Env: map[string]string{},
			MaxShutdownDelay: n.Get("maxShutdownDelaySeconds")}
		str := func(key string) string {
			if v := n.Get(key); v != nil && v.Kind == jsonpos.String {
				return v.Str
			}
			return ""
		}
		s.Name, s.Type, s.Runtime = str("name"), str("type"), str("runtime")
		if s.Runtime == "" {
			s.Runtime = str("env")
		}
		if m := n.Member("name"); m != nil {
			s.KeyStart, s.KeyEnd = m.Value.Start, m.Value.End
		} else {
			s.KeyStart, s.KeyEnd = n.Start, n.Start
		}
		if v := str("dockerfilePath"); v != "" {
			s.DockerfilePath = v
		}
		if v := str("dockerContext"); v != "" {
			s.DockerContext = v
		}
		if img := n.Get("image"); img != nil {
			if u := img.Get("url"); u != nil && u.Kind == jsonpos.String {
				s.Image = u.Str
			}
		}
		key := "startCommand"
		if s.Runtime == "docker" || s.Runtime == "image" {
			key = "dockerCommand"
		}
		if v := n.Get(key); v != nil && v.Kind == jsonpos.String {
			s.Command = v
		}
		if vars := n.Get("envVars"); vars != nil && vars.Kind == jsonpos.Array {
			for _, e := range vars.Elems {
				k, v := e.Get("key"), e.Get("value")
				if k != nil && v != nil && k.Kind == jsonpos.String {
					switch v.Kind {
					case jsonpos.String:
						s.Env[k.Str] = v.Str
					case jsonpos.Number:
						s.Env[k.Str] = string(v.Num)
					}
				}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Words is the service's command split into words; ok is false when it
// is not set or holds shell syntax, as Render's way of running such a
// command is not documented.
func (s *Service) Words() ([]string, bool) {
	if s.Command == nil || strings.TrimSpace(s.Command.Str) == "" || strings.ContainsAny(s.Command.Str, "&|;<>()$`\\\"'*?#~") {
		return nil, false
	}
	words, err := shellwords.Parse(s.Command.Str)
	return words, err == nil && len(words) > 0
}
