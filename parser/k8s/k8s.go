// Package k8s reads the pod specs of Kubernetes manifests (multi-document
// YAML): per container its command (which replaces the image's ENTRYPOINT)
// and args (which replace its CMD), and per pod terminationGracePeriodSeconds
// (default 30) and shareProcessNamespace. A preStop hook runs before the
// stop signal and spends time out of the same grace period; a sleep there
// (exec sleep N, sh -c "sleep N", or the sleep action) is read.
package k8s

import (
	"bytes"
	"path"
	"strconv"
	"strings"

	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/yamlpos"
)

// podSpecs says where each workload kind keeps its pod spec.
var podSpecs = map[string][]string{
	"Pod":         {"spec"},
	"Deployment":  {"spec", "template", "spec"},
	"StatefulSet": {"spec", "template", "spec"},
	"DaemonSet":   {"spec", "template", "spec"},
	"ReplicaSet":  {"spec", "template", "spec"},
	"Job":         {"spec", "template", "spec"},
	"Rollout":     {"spec", "template", "spec"}, // Argo Rollouts
	"CronJob":     {"spec", "jobTemplate", "spec", "template", "spec"},
}

// Pod is the pod spec of one workload.
type Pod struct {
	Kind, Name string
	Spec       *jsonpos.Node
	// Grace is terminationGracePeriodSeconds: nil when unset.
	Grace                 *jsonpos.Node
	ShareProcessNamespace bool
	// OneShot is a pod that runs to completion (a Job, a CronJob's job, a
	// Helm hook): a deploy does not stop it.
	OneShot    bool
	Containers []*Container
}

// Container is one container of a pod.
type Container struct {
	Name    string
	Node    *jsonpos.Node
	Image   string // "" when not set
	Command *jsonpos.Node
	Args    *jsonpos.Node
	Env     map[string]string
	// PreStop is the seconds a preStop sleep takes, and where it is
	// written; 0 and nil when the hook is no sleep gracelint can read.
	PreStop     int
	PreStopNode *jsonpos.Node
}

// IsManifest tells Kubernetes workload manifests, cheaply, for walks.
func IsManifest(src []byte) bool {
	has := func(key string) bool {
		return bytes.Contains(src, []byte(key+":")) || bytes.Contains(src, []byte(`"`+key+`"`))
	}
	return has("apiVersion") && has("kind") && has("containers")
}

// IsTemplate tells a Helm template, which is not YAML until rendered: "{{"
// outside quotes.
func IsTemplate(src []byte) bool {
	for _, line := range bytes.Split(src, []byte("\n")) {
		if i := bytes.Index(line, []byte("{{")); i >= 0 {
			before := line[:i]
			if bytes.Count(before, []byte(`"`))%2 == 0 && bytes.Count(before, []byte(`'`))%2 == 0 {
				return true
			}
		}
	}
	return false
}

// IsHelmTemplate tells a Helm template that is not JSON, such as a chart's
// templates/_helpers.tpl: src holds Helm's actions ("{{ define", "{{-",
// "-}}", "{{/*") and does not parse as JSON with placeholders, as a
// templated ECS task definition does.
func IsHelmTemplate(src []byte) bool {
	if !hasHelmAction(src) {
		return false
	}
	_, _, err := jsonpos.ParseTemplate(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")))
	return err != nil
}

func hasHelmAction(src []byte) bool {
	for _, a := range []string{"{{-", "-}}", "{{/*", "{{ define", "{{define"} {
		if bytes.Contains(src, []byte(a)) {
			return true
		}
	}
	return false
}

// Parse returns the pods of every workload document of src.
func Parse(src []byte) ([]*Pod, error) {
	docs, err := yamlpos.Parse(src)
	if err != nil {
		return nil, err
	}
	var out []*Pod
	for _, doc := range docs {
		kind := doc.Get("kind")
		if kind == nil || kind.Kind != jsonpos.String {
			continue
		}
		where, ok := podSpecs[kind.Str]
		if !ok {
			continue
		}
		spec := doc
		for _, k := range where {
			spec = spec.Get(k)
		}
		if spec == nil || spec.Kind != jsonpos.Object {
			continue
		}
		p := &Pod{Kind: kind.Str, Spec: spec, Grace: spec.Get("terminationGracePeriodSeconds")}
		if n := doc.Get("metadata").Get("name"); n != nil {
			p.Name = n.Str
		}
		p.OneShot = kind.Str == "Job" || kind.Str == "CronJob" || doc.Get("metadata").Get("annotations").Get("helm.sh/hook") != nil
		if s := spec.Get("shareProcessNamespace"); s != nil && s.Kind == jsonpos.Bool {
			p.ShareProcessNamespace = s.Bool
		}
		if cs := spec.Get("containers"); cs != nil && cs.Kind == jsonpos.Array {
			for _, n := range cs.Elems {
				if n.Kind == jsonpos.Object {
					p.Containers = append(p.Containers, container(n))
				}
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func container(n *jsonpos.Node) *Container {
	c := &Container{Node: n, Env: map[string]string{}}
	if v := n.Get("name"); v != nil {
		c.Name = v.Str
	}
	if v := n.Get("image"); v != nil && v.Kind == jsonpos.String {
		c.Image = v.Str
	}
	if v := n.Get("command"); v != nil && v.Kind == jsonpos.Array {
		c.Command = v
	}
	if v := n.Get("args"); v != nil && v.Kind == jsonpos.Array {
		c.Args = v
	}
	if env := n.Get("env"); env != nil && env.Kind == jsonpos.Array {
		for _, e := range env.Elems {
			if name, value := e.Get("name"), e.Get("value"); name != nil && value != nil && value.Kind == jsonpos.String {
				c.Env[name.Str] = value.Str
			}
		}
	}
	pre := n.Get("lifecycle").Get("preStop")
	if s := pre.Get("sleep").Get("seconds"); s != nil {
		if v, ok := s.Int(); ok && v > 0 {
			c.PreStop, c.PreStopNode = int(v), s
		}
	}
	if cmd := pre.Get("exec").Get("command"); cmd != nil && cmd.Kind == jsonpos.Array {
		if secs, ok := sleepSeconds(cmd); ok {
			c.PreStop, c.PreStopNode = secs, cmd
		}
	}
	return c
}

// sleepSeconds reads ["sleep", "10"] and ["sh", "-c", "sleep 10"].
func sleepSeconds(cmd *jsonpos.Node) (int, bool) {
	var argv []string
	for _, e := range cmd.Elems {
		if e.Kind != jsonpos.String {
			return 0, false
		}
		argv = append(argv, e.Str)
	}
	if len(argv) == 3 && (path.Base(argv[0]) == "sh" || path.Base(argv[0]) == "bash") && argv[1] == "-c" {
		argv = strings.Fields(argv[2])
	}
	if len(argv) != 2 || path.Base(argv[0]) != "sleep" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(argv[1], "s"))
	return n, err == nil && n >= 0
}
