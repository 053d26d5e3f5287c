// Package railsconfig reads the Rails settings that decide how a job
// backend stops: a `config.<backend>.<setting> = N.seconds` assignment in
// the Rails configuration (config.solid_queue.shutdown_timeout,
// config.good_job.shutdown_timeout), and whether config/puma.rb loads a
// plugin that runs the backend inside Puma (Rails 8's
// `plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]`). It reads literals
// and runs nothing.
package railsconfig

import (
	"regexp"
	"strconv"
	"strings"
)

// Timeout is a duration a configuration file sets.
type Timeout struct {
	Seconds int
	Known   bool // false for a value computed at boot (ENV, a method)
	Line    int
	// Start and End are the byte offsets of the value as written.
	Start, End int
}

var (
	durationRe = regexp.MustCompile(`^(-?\d{1,6})(?:\.(seconds?|minutes?))?$`)
	envCondRe  = regexp.MustCompile(`^if[ \t]+ENV(?:\[|\.fetch\(|\.key\?\()[ \t]*["']([A-Za-z_][A-Za-z0-9_]*)["'][^)\]]*[)\]][ \t]*$`)
	keyRe      = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)*$`)
)

// Setting returns the last value src assigns to config.<key> (key:
// "good_job.shutdown_timeout"), as Ruby runs the assignments in order: a
// whole number of seconds or minutes, negative ones included (GoodJob's
// -1: no bound). ok is false when src sets none.
func Setting(src []byte, key string) (Timeout, bool) {
	if !keyRe.MatchString(key) {
		return Timeout{}, false
	}
	re := regexp.MustCompile(`(?m)^[ \t]*config\.` + strings.ReplaceAll(key, ".", `\.`) + `[ \t]*=[ \t]*([^#\r\n]*[^#\s])`)
	all := re.FindAllSubmatchIndex(src, -1)
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

// PumaPlugin tells whether a Puma configuration loads the plugin name:
// always (env ""), or only when the environment variable env is set. ok
// is false when it does not load it, or under a condition gracelint does
// not read.
func PumaPlugin(src []byte, name string) (env string, ok bool) {
	if !keyRe.MatchString(name) {
		return "", false
	}
	re := regexp.MustCompile(`(?m)^[ \t]*plugin[ \t(]+:` + name + `\b[ \t)]*([^#\r\n]*)`)
	for _, m := range re.FindAllSubmatch(src, -1) {
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
