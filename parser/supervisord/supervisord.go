// Package supervisord reads supervisord's configuration files with
// positions: the [program:x] sections and the options that decide how
// supervisord stops them.
//
// The syntax is Python's configparser as supervisor configures it
// (supervisor/options.py UnhosedConfigParser): "key = value" or
// "key: value" lines under "[section]" headers, option names
// case-insensitive, indented lines continuing a value, whole-line comments
// starting with ";" or "#", and inline comments starting with ";" or "#"
// after whitespace.
package supervisord

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
)

// File is a parsed configuration file.
type File struct {
	Sections []*Section
}

// Section is one "[name]" section.
type Section struct {
	Name string
	// Start and End are the byte offsets of the header line's text.
	Start, End int
	Options    []*Option
}

// Option is one "key = value" option. A key written twice keeps the last
// value, as configparser does with strict=False.
type Option struct {
	Key   string // lower-cased
	Value string // continuation lines joined with "\n"
	// Start and End are the byte offsets of the value (its first line) in
	// the file.
	Start, End int
}

// Parse parses src. It never fails: lines configparser would reject are
// skipped, so a file supervisord refuses is read as far as it goes.
func Parse(src []byte) *File {
	f := &File{}
	var sec *Section
	var last *Option
	off := 0
	for len(src) > 0 {
		raw, rest, _ := bytes.Cut(src, []byte("\n"))
		line := string(bytes.TrimSuffix(raw, []byte("\r")))
		lineOff := off
		off += len(raw) + 1
		src = rest

		trimmed := strings.TrimSpace(line)
		indented := len(line) > 0 && len(strings.TrimLeftFunc(line, unicode.IsSpace)) < len(line)
		switch {
		case trimmed == "" || trimmed[0] == ';' || trimmed[0] == '#':
			continue
		case indented && last != nil:
			if v := stripComment(trimmed); v != "" {
				last.Value += "\n" + v
			}
			continue
		}
		last = nil
		if strings.HasPrefix(trimmed, "[") {
			if end := strings.LastIndexByte(trimmed, ']'); end > 0 {
				lead := strings.Index(line, "[")
				sec = &Section{Name: trimmed[1:end], Start: lineOff + lead, End: lineOff + lead + end + 1}
				f.Sections = append(f.Sections, sec)
				continue
			}
		}
		if sec == nil {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i <= 0 {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(line[:i]))
		if key == "" {
			continue
		}
		value := line[i+1:]
		lead := len(value) - len(strings.TrimLeftFunc(value, unicode.IsSpace))
		v := stripComment(strings.TrimSpace(value))
		start := lineOff + i + 1 + lead
		last = &Option{Key: key, Value: v, Start: start, End: start + len(v)}
		sec.Options = append(sec.Options, last)
	}
	return f
}

// stripComment drops an inline comment: ";" or "#" after whitespace.
func stripComment(v string) string {
	for i := 1; i < len(v); i++ {
		if (v[i] == ';' || v[i] == '#') && (v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimSpace(v[:i])
		}
	}
	return v
}

// Get returns the section's option key (lower-case), the last one written.
func (s *Section) Get(key string) *Option {
	var out *Option
	for _, o := range s.Options {
		if o.Key == key {
			out = o
		}
	}
	return out
}

// Section returns the section named name, or nil.
func (f *File) Section(name string) *Section {
	for _, s := range f.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Program is a [program:x] section: a process supervisord starts and stops.
type Program struct {
	Name    string
	Section *Section
	Command *Option // nil when the section has none (supervisord refuses it)
	// StopSignal and StopWaitSecs are nil when not set: supervisord sends
	// TERM and waits 10 s.
	StopSignal   *Option
	StopWaitSecs *Option
	StopAsGroup  bool // stopasgroup: the signal goes to the program's process group
}

// Programs returns the file's [program:x] sections, in file order.
func (f *File) Programs() []*Program {
	var out []*Program
	for _, s := range f.Sections {
		name, ok := strings.CutPrefix(s.Name, "program:")
		if !ok {
			continue
		}
		p := &Program{Name: name, Section: s, Command: s.Get("command"), StopSignal: s.Get("stopsignal"),
			StopWaitSecs: s.Get("stopwaitsecs")}
		if o := s.Get("stopasgroup"); o != nil {
			p.StopAsGroup = Bool(o.Value)
		}
		out = append(out, p)
	}
	return out
}

// Includes returns the patterns of the [include] section's files option,
// as written (relative to the including file's directory unless absolute).
func (f *File) Includes() []string {
	s := f.Section("include")
	if s == nil {
		return nil
	}
	o := s.Get("files")
	if o == nil {
		return nil
	}
	return strings.Fields(o.Value)
}

// Bool reads a boolean as supervisor's boolean() does.
func Bool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// Seconds reads a non-negative integer number of seconds, as stopwaitsecs
// is written.
func Seconds(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil && n >= 0
}

// Signal reads a stop signal as supervisor's signal_number() does: a name
// with or without "SIG", in any case ("TERM", "sigquit"); a number is not
// read. It returns the name with "SIG".
func Signal(v string) (string, bool) {
	name := strings.ToUpper(strings.TrimSpace(v))
	if name == "" || strings.ContainsAny(name, " \t") {
		return "", false
	}
	if _, err := strconv.Atoi(name); err == nil {
		return "", false
	}
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	return name, true
}

// Expand replaces supervisord's %(name)s expansions in v with the values
// vars gives ("ENV_HOME", "program_name", "here", ...). ok is false when v
// names one vars does not know, or is not well formed: the value is then
// known only at run time. "%%" is a literal "%".
func Expand(v string, vars func(name string) (string, bool)) (string, bool) {
	if !strings.Contains(v, "%") {
		return v, true
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(v, '%')
		if i < 0 {
			b.WriteString(v)
			return b.String(), true
		}
		b.WriteString(v[:i])
		v = v[i+1:]
		if strings.HasPrefix(v, "%") {
			b.WriteByte('%')
			v = v[1:]
			continue
		}
		if !strings.HasPrefix(v, "(") {
			return "", false
		}
		end := strings.IndexByte(v, ')')
		if end < 0 {
			return "", false
		}
		val, ok := vars(v[1:end])
		if !ok {
			return "", false
		}
		v = v[end+1:]
		// A conversion such as "s" or "02d" follows; only numbers take a
		// width, and process_num is the only number supervisord gives.
		j := 0
		for j < len(v) && (v[j] >= '0' && v[j] <= '9' || v[j] == '-') {
			j++
		}
		if j >= len(v) || !strings.ContainsRune("sdr", rune(v[j])) {
			return "", false
		}
		if v[j] == 'd' {
			n, err := strconv.Atoi(val)
			if err != nil {
				return "", false
			}
			width, _ := strconv.Atoi(strings.TrimLeft(v[:j], "-"))
			val = strconv.Itoa(n)
			if strings.HasPrefix(v[:j], "0") {
				for len(val) < width {
					val = "0" + val
				}
			}
		}
		b.WriteString(val)
		v = v[j+1:]
	}
}
