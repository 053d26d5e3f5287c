// Package systemd reads systemd service units with positions: what
// [Service] runs and the settings that decide how systemd stops it
// (KillSignal, KillMode, TimeoutStopSec).
package systemd

import (
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-shellwords"
)

// Setting is one "Key=Value" line of a section.
type Setting struct {
	Section, Key, Value string
	// Start and End are the byte offsets of the value (its first line).
	Start, End int
}

// Unit is a parsed unit file.
type Unit struct {
	Settings []*Setting
	// ServiceEnd is where a new [Service] setting goes: the end of the
	// [Service] header line; -1 when there is no such section.
	ServiceEnd int
}

// Parse parses src as systemd.syntax(7) describes: sections, Key=Value
// lines, comments starting with # or ;, and a trailing backslash joining
// the next line. It never fails; lines it cannot read are skipped.
func Parse(src []byte) *Unit {
	u := &Unit{ServiceEnd: -1}
	section := ""
	text := string(src)
	off := 0
	for off < len(text) {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += off
		}
		line := strings.TrimRight(text[off:end], "\r")
		start := off
		off = end + 1
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			continue
		case strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]"):
			section = trimmed[1 : len(trimmed)-1]
			if section == "Service" {
				u.ServiceEnd = start + len(line)
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		lead := len(value) - len(strings.TrimLeft(value, " \t"))
		vStart := start + len(key) + 1 + lead
		value = strings.TrimSpace(value)
		s := &Setting{Section: section, Key: strings.TrimSpace(key), Value: strings.TrimSuffix(value, "\\"), Start: vStart, End: vStart + len(value)}
		// A trailing backslash joins the next line.
		for strings.HasSuffix(value, "\\") && off < len(text) {
			next := strings.IndexByte(text[off:], '\n')
			if next < 0 {
				next = len(text)
			} else {
				next += off
			}
			value = strings.TrimSpace(strings.TrimRight(text[off:next], "\r"))
			s.Value = strings.TrimSpace(s.Value) + " " + strings.TrimSuffix(value, "\\")
			off = next + 1
		}
		s.Value = strings.TrimSpace(s.Value)
		u.Settings = append(u.Settings, s)
	}
	return u
}

// Get returns the last setting of key in section, nil when there is none.
func (u *Unit) Get(section, key string) *Setting {
	var out *Setting
	for _, s := range u.Settings {
		if s.Section == section && s.Key == key {
			out = s
		}
	}
	return out
}

// Command splits an ExecStart= value into words: the prefixes @, -, :, +
// and ! are dropped, and the rest is split as systemd does, quotes kept
// together; no shell runs it. ok is false for what cannot be split.
func Command(v string) ([]string, bool) {
	v = strings.TrimLeft(v, "@-:+!")
	if strings.TrimSpace(v) == "" {
		return nil, false
	}
	words, err := shellwords.Parse(v)
	return words, err == nil && len(words) > 0
}

// Seconds reads a time span as systemd.time(7) writes one ("90", "90s",
// "1min 30s", "2m"); infinity is not a bound (ok is false).
func Seconds(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		return n, n >= 0
	}
	units := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "sec": time.Second,
		"second": time.Second, "seconds": time.Second, "m": time.Minute, "min": time.Minute, "minute": time.Minute,
		"minutes": time.Minute, "h": time.Hour, "hr": time.Hour, "hour": time.Hour, "hours": time.Hour}
	var total time.Duration
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return 0, false
	}
	for _, f := range fields {
		i := 0
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(f[:i])
		unit, ok := units[f[i:]]
		if err != nil || !ok || n > 1<<20 {
			return 0, false
		}
		total += time.Duration(n) * unit
	}
	return int((total + time.Second - 1) / time.Second), true
}
