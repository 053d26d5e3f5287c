// Package fly reads fly.toml, Fly.io's app configuration, with positions:
// how the app's Machines are built, what each process group runs, and how
// Fly stops them (kill_signal, kill_timeout).
package fly

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-shellwords"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Config is a parsed fly.toml.
type Config struct {
	KillSignal  *Value // nil when not set
	KillTimeout *Value
	// Build is the [build] section.
	Dockerfile, BuildTarget, Image *Value
	// Cmd and Entrypoint are [experimental] cmd and entrypoint.
	Cmd, Entrypoint *Value
	// Processes are the [processes] groups, in file order; none means one
	// group, "app", that runs the image's command.
	Processes []*Process
	Env       map[string]string
	// AppStart and AppEnd are the byte offsets of the app key, where
	// findings about the app as a whole point; zero when it is missing.
	AppStart, AppEnd int
	// Builder is [build] builder or buildpacks: the image is not built from
	// a Dockerfile.
	Builder bool
	// Performance is true when a [[vm]] section asks for performance CPUs,
	// whose kill_timeout may be longer than shared CPUs'.
	Performance bool
	// TopEnd is where a new top-level key goes: the end of the last
	// top-level key's line, or 0 when there is none.
	TopEnd int
}

// Process is one process group of [processes].
type Process struct {
	Name string
	// KeyStart and KeyEnd are the byte offsets of its key.
	KeyStart, KeyEnd int
	Command          *Value
}

// Value is a scalar or an array of strings, with its byte offsets.
type Value struct {
	Str     string // a string's value
	Int     int64
	IsInt   bool
	Strings []*Value // an array's elements; nil for a scalar
	IsArray bool
	// Start and End are the byte offsets of a scalar as written (quotes
	// included); zero for an array.
	Start, End int
}

// Error is a fly.toml that does not parse.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Parse parses src.
func Parse(src []byte) (*Config, error) {
	c := &Config{Env: map[string]string{}}
	var p unstable.Parser
	p.Reset(src)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyPath(e)
			if e.Kind == unstable.ArrayTable {
				table = append(table, "[]")
			}
			continue
		case unstable.KeyValue:
		default:
			continue
		}
		keys := keyPath(e)
		full := append(slices.Clone(table), keys...)
		v := value(e.Value())
		if len(table) == 0 {
			c.TopEnd = lineEnd(src, int(e.Raw.Offset+e.Raw.Length))
		}
		key := strings.Join(full, ".")
		switch key {
		case "app":
			k := lastKey(e)
			c.AppStart, c.AppEnd = int(k.Raw.Offset), int(k.Raw.Offset+k.Raw.Length)
		case "build.builder", "build.buildpacks":
			c.Builder = true
		case "vm.[].cpu_kind", "vm.cpu_kind":
			c.Performance = c.Performance || v == nil || v.Str != "shared"
		}
		if to, ok := c.values()[key]; ok {
			*to = v
		}
		if len(full) == 2 && full[0] == "processes" {
			k := lastKey(e)
			c.Processes = append(c.Processes, &Process{Name: full[1], KeyStart: int(k.Raw.Offset), KeyEnd: int(k.Raw.Offset + k.Raw.Length), Command: v})
		}
		if len(full) == 2 && full[0] == "env" && v != nil && !v.IsArray && !v.IsInt {
			c.Env[full[1]] = v.Str
		}
	}
	if err := p.Error(); err != nil {
		var pe *unstable.ParserError
		if errors.As(err, &pe) && len(pe.Highlight) > 0 {
			return nil, &Error{Offset: int(p.Range(pe.Highlight).Offset), Msg: pe.Message}
		}
		return nil, &Error{Msg: err.Error()}
	}
	return c, nil
}

// values are the settings Parse keeps, by their dotted keys.
func (c *Config) values() map[string]**Value {
	return map[string]**Value{"kill_signal": &c.KillSignal, "kill_timeout": &c.KillTimeout,
		"build.dockerfile": &c.Dockerfile, "build.build-target": &c.BuildTarget, "build.build_target": &c.BuildTarget,
		"build.image": &c.Image, "experimental.cmd": &c.Cmd, "experimental.entrypoint": &c.Entrypoint}
}

func keyPath(e *unstable.Node) []string {
	var out []string
	it := e.Key()
	for it.Next() {
		out = append(out, string(it.Node().Data))
	}
	return out
}

func lastKey(e *unstable.Node) *unstable.Node {
	var last *unstable.Node
	it := e.Key()
	for it.Next() {
		last = it.Node()
	}
	return last
}

// value reads a string, an integer or an array of strings; anything else
// is nil.
func value(n *unstable.Node) *Value {
	switch n.Kind {
	case unstable.String:
		return &Value{Str: string(n.Data), Start: int(n.Raw.Offset), End: int(n.Raw.Offset + n.Raw.Length)}
	case unstable.Integer:
		v := &Value{Start: int(n.Raw.Offset), End: int(n.Raw.Offset + n.Raw.Length)}
		var i int64
		for _, b := range strings.ReplaceAll(string(n.Data), "_", "") {
			if b < '0' || b > '9' || i > 1<<40 {
				return nil // signed, hex, octal or huge: not a count of seconds
			}
			i = i*10 + int64(b-'0')
		}
		v.Int, v.IsInt = i, true
		return v
	case unstable.Array:
		v := &Value{IsArray: true}
		it := n.Children()
		for it.Next() {
			el := value(it.Node())
			if el == nil || el.IsArray || el.IsInt {
				return nil
			}
			v.Strings = append(v.Strings, el)
		}
		return v
	}
	return nil
}

// lineEnd is the offset of the end of the line holding offset.
func lineEnd(src []byte, offset int) int {
	for offset < len(src) && src[offset] != '\n' {
		offset++
	}
	return offset
}

// Seconds reads kill_timeout: an integer number of seconds, or a duration
// string ("5s", "2m").
func (v *Value) Seconds() (int, bool) {
	switch {
	case v == nil || v.IsArray:
		return 0, false
	case v.IsInt:
		return int(v.Int), true
	}
	d, err := time.ParseDuration(v.Str)
	if err != nil || d < 0 || d > 1<<31*time.Second {
		return 0, false
	}
	return int(d / time.Second), true
}

// Words is a command as Fly runs it: an array as is, a string split into
// words as a POSIX shell would split it, with no shell run. ok is false for
// a string that does not split (an unclosed quote).
func (v *Value) Words() (words []string, ok bool) {
	if v.IsArray {
		for _, s := range v.Strings {
			words = append(words, s.Str)
		}
		return words, true
	}
	if v.IsInt {
		return nil, false
	}
	words, err := shellwords.Parse(v.Str)
	return words, err == nil
}
