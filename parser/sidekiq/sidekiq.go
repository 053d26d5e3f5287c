// Package sidekiq reads the timeout a Sidekiq configuration file sets. The
// file goes through ERB first; gracelint evaluates the common forms
// (ENV.fetch with a default, ENV[...] || default, .to_i) and never runs
// anything: any other ERB is reported as unknown, not guessed.
package sidekiq

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gracelint/gracelint/internal/num"
)

// Timeout is what a configuration says of Sidekiq's timeout.
type Timeout struct {
	// Set is true when the file sets a timeout; Known when its value could
	// be read. An unknown value comes with Why.
	Set, Known bool
	Seconds    int
	Why        string
	// Start and End are the byte offsets of the value in the original file,
	// ERB included; Line is its 1-based line.
	Start, End, Line int
	// Env names the variable the value came from, if any, and Default tells
	// whether the default was used because the variable is not set.
	Env     string
	Default bool
}

// erbTag matches <%= ... %>, <% ... %>, <%# ... %> and their -%> forms.
var erbTag = regexp.MustCompile(`(?s)<%([=#-]?)(.*?)-?%>`)

// envExpr matches the forms worth evaluating: ENV.fetch("X", 25),
// ENV.fetch("X") { 25 }, ENV["X"] || 25, each with an optional .to_i or
// Integer(...), quotes of either kind and parentheses.
var envExpr = []*regexp.Regexp{
	regexp.MustCompile(`^ENV\.fetch\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*,\s*["']?(\d+)["']?\s*\)$`),
	regexp.MustCompile(`^ENV\.fetch\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\)\s*\{\s*["']?(\d+)["']?\s*\}$`),
	regexp.MustCompile(`^ENV\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]\s*\|\|\s*["']?(\d+)["']?$`),
	regexp.MustCompile(`^["']?(\d+)["']?$`),
}

// evaluate returns the value of an ERB output expression, the variable it
// read and whether the default was used.
func evaluate(expr string, vars map[string]string) (value, env string, usedDefault, ok bool) {
	e := strings.TrimSpace(expr)
	for {
		trimmed := strings.TrimSpace(strings.TrimSuffix(e, ".to_i"))
		if strings.HasPrefix(trimmed, "Integer(") && strings.HasSuffix(trimmed, ")") {
			trimmed = trimmed[len("Integer(") : len(trimmed)-1]
		}
		if strings.HasPrefix(trimmed, "(") && strings.HasSuffix(trimmed, ")") {
			trimmed = trimmed[1 : len(trimmed)-1]
		}
		trimmed = strings.TrimSpace(trimmed)
		if trimmed == e {
			break
		}
		e = trimmed
	}
	for i, re := range envExpr {
		m := re.FindStringSubmatch(e)
		if m == nil {
			continue
		}
		if i == len(envExpr)-1 {
			return m[1], "", false, true
		}
		if v, set := vars[m[1]]; set {
			return v, m[1], false, true
		}
		return m[2], m[1], true, true
	}
	return "", "", false, false
}

// ReadTimeout reads the timeout src sets for environment env (the section
// named after it is merged over the top level), evaluating ERB with vars.
func ReadTimeout(src []byte, env string, vars map[string]string) Timeout {
	text := string(src)
	type sub struct {
		start, end int // in src
		value      string
		ok         bool
		env        string
		dflt       bool
	}
	var subs []sub
	var control []int
	var b strings.Builder
	last := 0
	tagLine, counted := 1, 0 // the line of offset counted, counted up as tags come
	for _, m := range erbTag.FindAllStringSubmatchIndex(text, -1) {
		kind, expr := text[m[2]:m[3]], text[m[4]:m[5]]
		b.WriteString(text[last:m[0]])
		last = m[1]
		switch kind {
		case "#":
			// An ERB comment: nothing.
		case "=":
			v, name, dflt, ok := evaluate(expr, vars)
			s := sub{start: m[0], end: m[1], value: v, ok: ok, env: name, dflt: dflt}
			if !ok {
				s.value = fmt.Sprintf("__gracelint_erb_%d__", len(subs))
			}
			subs = append(subs, s)
			b.WriteString(s.value)
		default:
			tagLine += strings.Count(text[counted:m[0]], "\n")
			counted = m[0]
			control = append(control, tagLine)
		}
	}
	b.WriteString(text[last:])

	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		if err != nil {
			return Timeout{Why: "the file is not YAML once its ERB is evaluated: " + strings.TrimPrefix(err.Error(), "yaml: ")}
		}
		return Timeout{}
	}
	top := doc.Content[0]
	value := lookup(top, "timeout")
	if section := lookup(top, env); section != nil && section.Kind == yaml.MappingNode {
		if v := lookup(section, "timeout"); v != nil {
			value = v
		}
	}
	if value == nil {
		return Timeout{}
	}
	t := Timeout{Set: true, Line: value.Line}
	// Map the value back to the original line: ERB never spans lines here,
	// so only columns moved.
	lineStart := 0
	for i := 1; i < value.Line; i++ {
		lineStart += strings.IndexByte(text[lineStart:], '\n') + 1
	}
	lineEnd := len(text)
	if i := strings.IndexByte(text[lineStart:], '\n'); i >= 0 {
		lineEnd = lineStart + i
	}
	line := text[lineStart:lineEnd]
	if len(control) > 0 {
		t.Why = fmt.Sprintf("the file uses ERB control flow (<%% ... %%>, line %d), which gracelint does not evaluate", control[0])
		t.Start, t.End = lineStart, lineEnd
		return t
	}
	// The value starts after the key's colon.
	colon := strings.Index(line, ":"+" ")
	if strings.HasPrefix(strings.TrimSpace(line), ":timeout:") {
		colon = strings.Index(line, "timeout:") + len("timeout")
	}
	start := lineStart + max(colon+1, 0)
	for start < lineEnd && (text[start] == ' ' || text[start] == '\t') {
		start++
	}
	end := lineEnd
	if i := strings.Index(text[start:lineEnd], " #"); i >= 0 {
		end = start + i
	}
	for end > start && (text[end-1] == ' ' || text[end-1] == '\t' || text[end-1] == '\r') {
		end--
	}
	t.Start, t.End = start, end
	for _, s := range subs {
		if s.start >= lineStart && s.end <= lineEnd {
			if !s.ok {
				t.Why = fmt.Sprintf("%s is ERB gracelint does not evaluate", strings.TrimSpace(text[s.start:s.end]))
				return t
			}
			t.Env, t.Default = s.env, s.dflt
		}
	}
	n, err := num.Atoi(strings.Trim(value.Value, `"'`))
	if err != nil || n < 0 {
		t.Why = fmt.Sprintf("timeout %q is not a number of seconds", value.Value)
		return t
	}
	t.Known, t.Seconds = true, n
	return t
}

// lookup returns the value of key in a mapping, also written as the Ruby
// symbol :key that Sidekiq's YAML files often use.
func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i].Value; k == key || k == ":"+key {
			return m.Content[i+1]
		}
	}
	return nil
}
