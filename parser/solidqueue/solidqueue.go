// Package solidqueue reads the Rails settings that decide how Solid Queue
// stops: config.solid_queue.shutdown_timeout in the Rails configuration,
// and whether config/puma.rb runs Solid Queue inside Puma (Rails 8's
// `plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]`).
package solidqueue

import (
	"regexp"
	"strconv"
	"strings"
)

// DefaultShutdownTimeout is Solid Queue's shutdown_timeout when no
// configuration sets it (rails/solid_queue lib/solid_queue.rb:
// mattr_accessor :shutdown_timeout, default: 5.seconds).
const DefaultShutdownTimeout = 5

// Timeout is a shutdown_timeout a configuration file sets.
type Timeout struct {
	Seconds int
	Known   bool // false for a value computed at boot (ENV, a method)
	Line    int
	// Start and End are the byte offsets of the value as written.
	Start, End int
}

var (
	timeoutRe  = regexp.MustCompile(`(?m)^[ \t]*config\.solid_queue\.shutdown_timeout[ \t]*=[ \t]*([^#\r\n]*[^#\s])`)
	durationRe = regexp.MustCompile(`^(\d{1,6})(?:\.(seconds?|minutes?))?$`)
	pluginRe   = regexp.MustCompile(`(?m)^[ \t]*plugin[ \t(]+:solid_queue\b[ \t)]*([^#\r\n]*)`)
	envCondRe  = regexp.MustCompile(`^if[ \t]+ENV(?:\[|\.fetch\(|\.key\?\()[ \t]*["']([A-Za-z_][A-Za-z0-9_]*)["'][^)\]]*[)\]][ \t]*$`)
)

// ShutdownTimeout returns the last shutdown_timeout src sets, as Ruby runs
// the assignments in order; ok is false when it sets none.
func ShutdownTimeout(src []byte) (Timeout, bool) {
	all := timeoutRe.FindAllSubmatchIndex(src, -1)
	if len(all) == 0 {
		return Timeout{}, false
	}
	m := all[len(all)-1]
	t := Timeout{Start: m[2], End: m[3], Line: 1 + strings.Count(string(src[:m[2]]), "\n")}
	if d := durationRe.FindStringSubmatch(string(src[m[2]:m[3]])); d != nil {
		n, _ := strconv.Atoi(d[1])
		if strings.HasPrefix(d[2], "minute") {
			n *= 60
		}
		t.Seconds, t.Known = n, true
	}
	return t, true
}

// PumaPlugin tells whether a Puma configuration loads Solid Queue's
// plugin: always (env ""), or only when the environment variable env is
// set. ok is false when it does not load it, or under a condition gracelint
// does not read.
func PumaPlugin(src []byte) (env string, ok bool) {
	for _, m := range pluginRe.FindAllSubmatch(src, -1) {
		cond := strings.TrimSpace(string(m[1]))
		if cond == "" {
			return "", true
		}
		if c := envCondRe.FindStringSubmatch(cond); c != nil {
			return c[1], true
		}
	}
	return "", false
}
