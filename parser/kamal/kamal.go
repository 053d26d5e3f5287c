// Package kamal reads Kamal's deploy configuration (config/deploy.yml) with
// positions: the roles the servers run, each role's command, docker run
// options and proxy, and the settings that decide how Kamal stops a role's
// old container at a deploy (stop_timeout, drain_timeout).
package kamal

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/yamlpos"
	"github.com/mattn/go-shellwords"
)

// Config is a parsed deploy configuration.
type Config struct {
	Root *jsonpos.Node
	// Image is the image the builder tags; Dockerfile, Context and Target
	// the builder's (defaults "Dockerfile", "." and none).
	Image                       string
	Dockerfile, Context, Target string
	// StopTimeout and DrainTimeout are the top-level settings; nil when not
	// set.
	StopTimeout, DrainTimeout *jsonpos.Node
	Env                       map[string]string
	Roles                     []*Role
}

// Role is one role of servers:.
type Role struct {
	Name string
	// KeyStart and KeyEnd are the byte offsets of the role's key, or of
	// servers: for a plain host list.
	KeyStart, KeyEnd int
	// Node is the role's mapping; nil where the role is a list of hosts.
	Node *jsonpos.Node
	// Cmd is the role's command, replacing the image's CMD; nil when not
	// set.
	Cmd *jsonpos.Node
	// Proxy is true for a role kamal-proxy fronts: the primary role unless
	// it says proxy: false, any other that sets proxy.
	Proxy       bool
	StopTimeout *jsonpos.Node
	// Options are the role's docker run options (init, stop-signal,
	// stop-timeout), by name.
	Options map[string]*jsonpos.Node
	Env     map[string]string
}

// IsConfig tells a Kamal deploy configuration by its content: a YAML
// mapping with service, image and servers at its top level.
func IsConfig(src []byte) bool {
	if !serviceLine.Match(src) || !serversLine.Match(src) {
		return false // most YAML a walk meets is not parsed at all
	}
	docs, err := yamlpos.Parse(blankERB(src))
	if err != nil || len(docs) != 1 {
		return false
	}
	root := docs[0]
	return root.Get("service") != nil && root.Get("image") != nil && root.Get("servers") != nil
}

// Parse parses src. Kamal runs the file through ERB first: tags are read
// as blanks, so a value an <%= %> tag writes is not known.
func Parse(src []byte) (*Config, error) {
	docs, err := yamlpos.Parse(blankERB(src))
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 || docs[0].Kind != jsonpos.Object {
		return nil, &yamlpos.Error{Msg: "not a Kamal deploy configuration: the file must be one YAML mapping"}
	}
	root := docs[0]
	c := &Config{Root: root, Dockerfile: "Dockerfile", Context: ".", Env: env(root.Get("env"), nil),
		StopTimeout: root.Get("stop_timeout"), DrainTimeout: root.Get("drain_timeout")}
	if n := root.Get("image"); n != nil && n.Kind == jsonpos.String {
		c.Image = n.Str
	}
	if b := root.Get("builder"); b != nil {
		for key, to := range map[string]*string{"dockerfile": &c.Dockerfile, "context": &c.Context, "target": &c.Target} {
			if n := b.Get(key); n != nil && n.Kind == jsonpos.String {
				*to = n.Str
			}
		}
	}
	primary := "web"
	if n := root.Get("primary_role"); n != nil && n.Kind == jsonpos.String {
		primary = n.Str
	}
	servers := root.Member("servers")
	if servers == nil {
		return c, nil
	}
	if servers.Value.Kind == jsonpos.Array {
		// A list of hosts: the primary role alone, with the defaults.
		c.Roles = append(c.Roles, &Role{Name: primary, KeyStart: servers.KeyStart, KeyEnd: servers.KeyEnd, Proxy: true, Env: c.Env})
		return c, nil
	}
	for _, m := range servers.Value.Members {
		r := &Role{Name: m.Key, KeyStart: m.KeyStart, KeyEnd: m.KeyEnd, Proxy: m.Key == primary, Env: c.Env}
		if n := m.Value; n.Kind == jsonpos.Object {
			r.Node, r.Cmd, r.StopTimeout = n, n.Get("cmd"), n.Get("stop_timeout")
			if p := n.Get("proxy"); p != nil && p.Kind != jsonpos.Null {
				// Kamal's Role#running_proxy?: the setting when given, else
				// whether the role is the primary one.
				r.Proxy = !(p.Kind == jsonpos.Bool && !p.Bool)
			}
			if opts := n.Get("options"); opts != nil && opts.Kind == jsonpos.Object {
				r.Options = map[string]*jsonpos.Node{}
				for _, o := range opts.Members {
					r.Options[o.Key] = o.Value
				}
			}
			r.Env = env(n.Get("env"), c.Env)
		}
		c.Roles = append(c.Roles, r)
	}
	return c, nil
}

// serviceLine and serversLine match Kamal's required top-level keys.
var (
	serviceLine = regexp.MustCompile(`(?m)^service:`)
	serversLine = regexp.MustCompile(`(?m)^servers:`)
)

// erbTag matches ERB tags: <% %>, <%= %>, <%# %> and their -%> forms.
var erbTag = regexp.MustCompile(`(?s)<%.*?%>`)

// blankERB replaces ERB tags with spaces, keeping line breaks, so that
// offsets stay the file's.
func blankERB(src []byte) []byte {
	if !bytes.Contains(src, []byte("<%")) {
		return src
	}
	out := bytes.Clone(src)
	for _, m := range erbTag.FindAllIndex(src, -1) {
		for i := m[0]; i < m[1]; i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	return out
}

// env reads an env: setting, its clear: variables or its plain ones, over
// base; secret: names values kept elsewhere, which are not known.
func env(n *jsonpos.Node, base map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	if n == nil || n.Kind != jsonpos.Object {
		return out
	}
	vars := n
	if clear := n.Get("clear"); clear != nil {
		vars = clear
	}
	for _, m := range vars.Members {
		switch v := m.Value; v.Kind {
		case jsonpos.String:
			out[m.Key] = v.Str
		case jsonpos.Number:
			out[m.Key] = string(v.Num)
		case jsonpos.Bool:
			out[m.Key] = map[bool]string{true: "true", false: "false"}[v.Bool]
		}
	}
	return out
}

// Words is the role's command as Kamal runs it: the string is written
// into the docker run command line a shell on the host runs, so it is
// split into words as a shell splits them.
func (r *Role) Words() ([]string, bool) {
	if r.Cmd == nil || r.Cmd.Kind != jsonpos.String || strings.TrimSpace(r.Cmd.Str) == "" {
		return nil, false
	}
	words, err := shellwords.Parse(r.Cmd.Str)
	return words, err == nil
}
