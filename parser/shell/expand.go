package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Expand returns the word's value with its parameters ($NAME, ${NAME},
// ${NAME:-default}, ${NAME-default}) read from env, as the shell would
// expand them. ok is false where the value cannot be known: an unset
// variable without a default, any other expansion (command substitution,
// arithmetic, the script's arguments, globs).
//
// mvdan.cc/sh's expand package would do this, but it links os/exec, and
// gracelint links no program runner.
func (w Word) Expand(env map[string]string) (string, bool) {
	if w.Literal {
		return w.Value, true
	}
	if w.node == nil || w.AllArgs {
		return "", false
	}
	var b strings.Builder
	if !expandParts(&b, w.node.Parts, env, false) {
		return "", false
	}
	return b.String(), true
}

func expandParts(b *strings.Builder, parts []syntax.WordPart, env map[string]string, quoted bool) bool {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if quoted {
				b.WriteString(p.Value)
			} else {
				b.WriteString(unescape(p.Value))
			}
		case *syntax.SglQuoted:
			if p.Dollar {
				return false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			if !expandParts(b, p.Parts, env, true) {
				return false
			}
		case *syntax.ParamExp:
			v, ok := param(p, env)
			if !ok {
				return false
			}
			b.WriteString(v)
		default:
			return false
		}
	}
	return true
}

// param expands $NAME, ${NAME}, ${NAME:-word} and ${NAME-word}.
func param(p *syntax.ParamExp, env map[string]string) (string, bool) {
	if p.Param == nil || p.Excl || p.Length || p.Width || p.Index != nil || p.Slice != nil || p.Repl != nil || p.Names != 0 {
		return "", false
	}
	v, set := env[p.Param.Value]
	if p.Exp == nil {
		return v, set
	}
	switch p.Exp.Op {
	case syntax.DefaultUnsetOrNull:
		if set && v != "" {
			return v, true
		}
	case syntax.DefaultUnset:
		if set {
			return v, true
		}
	default:
		return "", false
	}
	if p.Exp.Word == nil {
		return "", true
	}
	var b strings.Builder
	if !expandParts(&b, p.Exp.Word.Parts, env, false) {
		return "", false
	}
	return b.String(), true
}
