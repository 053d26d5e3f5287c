// Package compose reads the services of a Docker Compose file: the argv of
// each (entrypoint and command), its init, stop grace period, stop signal,
// environment and build, with positions in the file. It follows Compose's
// own semantics: a string command is split into words with go-shellwords,
// as compose-go does, not run by a shell; ${VAR}, ${VAR:-default} and $$
// are interpolated from the .env file beside the compose file, and a
// variable that is not known there stays unknown.
package compose

import (
	"bytes"
	"path"
	"strings"
	"time"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/yamlpos"
	"github.com/mattn/go-shellwords"
)

// IsComposeName tells Compose files by name: compose.yaml, compose.yml,
// docker-compose.yaml, docker-compose.yml, *.compose.y*ml and
// docker-compose.*.y*ml.
func IsComposeName(name string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	ext := path.Ext(base)
	if ext != ".yaml" && ext != ".yml" {
		return false
	}
	stem := strings.TrimSuffix(base, ext)
	return stem == "compose" || stem == "docker-compose" ||
		strings.HasSuffix(stem, ".compose") || strings.HasPrefix(stem, "docker-compose.")
}

// topLevel holds the top-level keys of Compose's schema, which allows no
// other (but x- extensions).
var topLevel = map[string]bool{"version": true, "name": true, "include": true, "services": true,
	"networks": true, "volumes": true, "configs": true, "secrets": true, "models": true}

// IsCompose tells a Compose file by its content, whatever its name
// (compose.production.yml, docker-compose-prod.yml): its top level holds a
// "services" mapping whose values are all mappings, one at least with an
// image (a string), a build, a command or an entrypoint, and neither level
// holds a key that Compose's schema does not allow there (Kubernetes'
// apiVersion and kind, CloudFormation's Resources, a Helm values file's
// other settings, a Convox service's port and health). A walk meets many
// YAML files: only those with "services:" at a line's start are parsed.
func IsCompose(src []byte) bool {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(src, []byte("services:")) && !bytes.Contains(src, []byte("\nservices:")) {
		return false
	}
	docs, err := yamlpos.Parse(src)
	if err != nil || len(docs) != 1 || docs[0].Kind != jsonpos.Object {
		return false
	}
	for _, m := range docs[0].Members {
		if !topLevel[m.Key] && !strings.HasPrefix(m.Key, "x-") {
			return false
		}
	}
	services := docs[0].Get("services")
	if services == nil || services.Kind != jsonpos.Object {
		return false
	}
	found := false
	for _, m := range services.Members {
		if m.Value.Kind != jsonpos.Object {
			return false
		}
		for _, k := range m.Value.Members {
			if !serviceKeys[k.Key] && !strings.HasPrefix(k.Key, "x-") && k.Key != "<<" {
				return false // another tool's services, as Convox's convox.yml
			}
		}
		found = found || runsSomething(m.Value, 0)
	}
	return found
}

// serviceKeys holds the keys of a service in Compose's schema, which allows
// no other (but x- extensions), and those of the legacy file formats.
var serviceKeys = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent
		command configs container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime
		cpu_shares cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices dns dns_opt
		dns_search domainname entrypoint env_file environment expose extends external_links extra_hosts gpus
		group_add healthcheck hostname image init ipc isolation label_file labels links logging mac_address
		mem_limit mem_reservation mem_swappiness memswap_limit models network_mode networks oom_kill_disable
		oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles provider
		pull_policy pull_refresh_after read_only restart runtime scale secrets security_opt shm_size stdin_open
		stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode uts
		volumes volumes_from working_dir
		dockerfile log_driver log_opt net volume_driver`) {
		serviceKeys[k] = true
	}
}

// runsSomething tells a service that sets an image (a string), a build, a
// command or an entrypoint, itself or through a YAML merge key ("<<: *x").
func runsSomething(s *jsonpos.Node, depth int) bool {
	if v := s.Get("image"); v != nil && v.Kind == jsonpos.String {
		return true
	}
	if v := s.Get("build"); v != nil && (v.Kind == jsonpos.String || v.Kind == jsonpos.Object) {
		return true
	}
	for _, key := range []string{"command", "entrypoint"} {
		if v := s.Get(key); v != nil && (v.Kind == jsonpos.String || v.Kind == jsonpos.Array || v.Kind == jsonpos.Null) {
			return true
		}
	}
	if merged := s.Get("<<"); merged != nil && depth < 10 {
		switch merged.Kind {
		case jsonpos.Object:
			return runsSomething(merged, depth+1)
		case jsonpos.Array:
			for _, e := range merged.Elems {
				if e.Kind == jsonpos.Object && runsSomething(e, depth+1) {
					return true
				}
			}
		}
	}
	return false
}

// Service is one service.
type Service struct {
	Name       string
	Node       *jsonpos.Node // the service's mapping
	KeyStart   int           // the service's key
	KeyEnd     int
	Image      Value
	Entrypoint *Command
	Command    *Command
	Init       *bool
	StopGrace  *Grace
	StopSignal Value
	Env        map[string]string
	// Build is the Dockerfile the service builds, relative to the compose
	// file's directory, or ""; BuildContext is its build context there,
	// and Target the stage it builds ("" for the last).
	Build        string
	BuildContext string
	Target       string
	// OneShot is true for a service another waits for to complete
	// (depends_on: condition: service_completed_successfully).
	OneShot bool
}

// Value is a scalar after interpolation.
type Value struct {
	Node  *jsonpos.Node // nil when unset
	Str   string
	Known bool
}

// Grace is a stop_grace_period.
type Grace struct {
	Node    *jsonpos.Node
	Seconds int
	Known   bool
}

// Command is an entrypoint or command.
type Command struct {
	Node *jsonpos.Node
	Args []Arg
	// Split is true for a string, which Compose splits into words.
	Split bool
}

// Arg is one argument; a list element's span is its own, a split string's
// words all span the string.
type Arg struct {
	Value      string
	Known      bool
	Start, End int
}

// Parse reads the services of a Compose file; dotenv holds the variables
// of the .env file beside it.
func Parse(src []byte, dotenv map[string]string) ([]*Service, error) {
	docs, err := yamlpos.Parse(src)
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	services := docs[0].Get("services")
	if services == nil || services.Kind != jsonpos.Object {
		return nil, nil
	}
	var out []*Service
	for _, m := range services.Members {
		n := m.Value
		if n.Kind != jsonpos.Object {
			continue
		}
		s := &Service{Name: m.Key, Node: n, KeyStart: m.KeyStart, KeyEnd: m.KeyEnd, Env: map[string]string{}}
		get := func(key string) *jsonpos.Node { return field(n, key, 0) }
		s.Image = scalar(get("image"), dotenv)
		s.Entrypoint = command(get("entrypoint"), dotenv)
		s.Command = command(get("command"), dotenv)
		if v := get("init"); v != nil && v.Kind == jsonpos.Bool {
			s.Init = &v.Bool
		}
		if v := get("stop_grace_period"); v != nil {
			g := &Grace{Node: v}
			if sv := scalar(v, dotenv); sv.Known {
				if d, err := time.ParseDuration(sv.Str); err == nil && d >= 0 {
					g.Seconds, g.Known = int(d.Seconds()), true
				}
			}
			s.StopGrace = g
		}
		s.StopSignal = scalar(get("stop_signal"), dotenv)
		s.Env = environment(get("environment"), dotenv)
		s.Build, s.BuildContext, s.Target = build(get("build"), dotenv)
		out = append(out, s)
	}
	// A service another waits for with service_completed_successfully runs
	// once and exits: nothing of it is stopped at a deploy.
	for _, m := range services.Members {
		if m.Value.Kind != jsonpos.Object {
			continue
		}
		deps := field(m.Value, "depends_on", 0)
		if deps == nil || deps.Kind != jsonpos.Object {
			continue
		}
		for _, d := range deps.Members {
			if c := field(d.Value, "condition", 0); c != nil && c.Kind == jsonpos.String && c.Str == "service_completed_successfully" {
				for _, s := range out {
					if s.Name == d.Key {
						s.OneShot = true
					}
				}
			}
		}
	}
	return out, nil
}

// field returns a mapping's key, looking through YAML merge keys
// ("<<: *base") where the mapping does not set it.
func field(n *jsonpos.Node, key string, depth int) *jsonpos.Node {
	if n == nil || n.Kind != jsonpos.Object {
		return nil
	}
	if v := n.Get(key); v != nil {
		return v
	}
	merged := n.Get("<<")
	if merged == nil || depth >= 10 {
		return nil
	}
	if merged.Kind == jsonpos.Array {
		for _, e := range merged.Elems {
			if v := field(e, key, depth+1); v != nil {
				return v
			}
		}
		return nil
	}
	return field(merged, key, depth+1)
}

func scalar(n *jsonpos.Node, env map[string]string) Value {
	if n == nil || n.Kind == jsonpos.Null {
		return Value{}
	}
	v := Value{Node: n}
	switch n.Kind {
	case jsonpos.String:
		v.Str, v.Known = Interpolate(n.Str, env)
	case jsonpos.Number:
		v.Str, v.Known = string(n.Num), true
	case jsonpos.Bool:
		v.Str, v.Known = "false", true
		if n.Bool {
			v.Str = "true"
		}
	}
	return v
}

func command(n *jsonpos.Node, env map[string]string) *Command {
	if n == nil || n.Kind == jsonpos.Null {
		return nil
	}
	c := &Command{Node: n}
	switch n.Kind {
	case jsonpos.String:
		c.Split = true
		s, known := Interpolate(n.Str, env)
		words, err := shellwords.Parse(s)
		if !known || err != nil {
			c.Args = []Arg{{Start: n.Start, End: n.End}} // not known: one unknown word
			return c
		}
		for _, w := range words {
			c.Args = append(c.Args, Arg{Value: w, Known: true, Start: n.Start, End: n.End})
		}
	case jsonpos.Array:
		for _, e := range n.Elems {
			v := scalar(e, env)
			c.Args = append(c.Args, Arg{Value: v.Str, Known: v.Known, Start: e.Start, End: e.End})
		}
	default:
		c.Args = []Arg{{Start: n.Start, End: n.End}}
	}
	return c
}

func environment(n *jsonpos.Node, env map[string]string) map[string]string {
	out := map[string]string{}
	switch {
	case n == nil:
	case n.Kind == jsonpos.Object:
		for _, m := range n.Members {
			if v := scalar(m.Value, env); v.Known {
				out[m.Key] = v.Str
			}
		}
	case n.Kind == jsonpos.Array:
		for _, e := range n.Elems {
			if v := scalar(e, env); v.Known {
				if k, val, ok := strings.Cut(v.Str, "="); ok {
					out[k] = val
				}
			}
		}
	}
	return out
}

func build(n *jsonpos.Node, env map[string]string) (dockerfile, context, target string) {
	switch {
	case n == nil:
		return "", "", ""
	case n.Kind == jsonpos.String:
		if v := scalar(n, env); v.Known {
			return path.Join(v.Str, "Dockerfile"), path.Clean(v.Str), ""
		}
	case n.Kind == jsonpos.Object:
		ctx, file, tgt := scalar(n.Get("context"), env), scalar(n.Get("dockerfile"), env), scalar(n.Get("target"), env)
		if ctx.Node != nil && !ctx.Known || file.Node != nil && !file.Known || tgt.Node != nil && !tgt.Known {
			return "", "", ""
		}
		if tgt.Node != nil && strings.Contains(tgt.Node.Str, "$") {
			// The stage is chosen where the file is deployed (target:
			// ${ENVIRONMENT:-development}); its default is no claim.
			return "", "", ""
		}
		dir := "."
		if ctx.Node != nil {
			dir = ctx.Str
		}
		name := "Dockerfile"
		if file.Node != nil {
			name = file.Str
		}
		return path.Join(dir, name), path.Clean(dir), tgt.Str
	}
	return "", "", ""
}

// Interpolate expands ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?err}, ${VAR?err}, ${VAR:+alt}, ${VAR+alt}, $VAR and $$ with env.
// known is false when a variable without a default is not in env: the
// deploy's environment may set it.
func Interpolate(s string, env map[string]string) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	known := true
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '{':
			end := matchingBrace(s, i+1)
			if end < 0 {
				b.WriteString(s[i:])
				return b.String(), known
			}
			v, ok := expand(s[i+2:end], env)
			b.WriteString(v)
			known = known && ok
			i = end
		case isNameChar(next, true):
			j := i + 1
			for j < len(s) && isNameChar(s[j], false) {
				j++
			}
			v, ok := env[s[i+1:j]]
			b.WriteString(v)
			known = known && ok
			i = j - 1
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), known
}

func expand(expr string, env map[string]string) (string, bool) {
	name := expr
	op, arg := "", ""
	for _, o := range []string{":-", ":?", ":+", "-", "?", "+"} {
		if i := strings.Index(expr, o); i > 0 && (op == "" || i < len(name)) {
			name, op, arg = expr[:i], o, expr[i+len(o):]
		}
	}
	val, set := env[name]
	alt, altKnown := Interpolate(arg, env)
	switch op {
	case ":-":
		if set && val != "" {
			return val, true
		}
		return alt, altKnown
	case "-":
		if set {
			return val, true
		}
		return alt, altKnown
	case ":+":
		if !set {
			return "", false
		}
		if val != "" {
			return alt, altKnown
		}
		return "", true
	case "+":
		if !set {
			return "", false
		}
		return alt, altKnown
	}
	return val, set
}

func matchingBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isNameChar(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// ParseDotEnv reads a .env file: KEY=VALUE lines, with # comments, an
// optional "export ", and quotes around values.
func ParseDotEnv(src []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
			v = v[1 : len(v)-1]
		} else if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		out[strings.TrimSpace(k)] = v
	}
	return out
}
