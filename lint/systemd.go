package lint

import (
	"strconv"
	"strings"

	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/parser/systemd"
	"github.com/mattn/go-shellwords"
)

// systemdStopTimeout is DefaultTimeoutStopSec, systemd's TimeoutStopSec
// where a unit sets none (systemd-system.conf(5)).
const systemdStopTimeout = 90

// systemdTargets builds the target of a service unit: ExecStart runs as
// the service's main process; at a stop systemd sends KillSignal (SIGTERM)
// and, with the default KillMode=control-group, to every process of the
// unit, then SIGKILL TimeoutStopSec (90 s) later. A shell between it and
// the worker stops nothing there, so only the stop timeout and the signal
// are judged.
func (f *File) systemdTargets(u *systemd.Unit, opt *Options) []*Target {
	exec := u.Get("Service", "ExecStart")
	if exec == nil {
		return nil
	}
	words, ok := systemd.Command(exec.Value)
	if !ok {
		return nil
	}
	sp := f.Lines.Span(exec.Start, exec.End)
	args := wordArgs(words, sp)
	t := &Target{Name: "service", Anchor: sp, Env: unitEnv(u)}
	t.setArgv("ExecStart", sp, args, new([]chain.Arg))
	st := &Stop{Platform: "systemd", Field: "TimeoutStopSec", Default: systemdStopTimeout, Seconds: systemdStopTimeout,
		Delivery: ToUnknown, Signal: "SIGTERM", SignalField: "KillSignal", Value: strconv.Itoa,
		Written: func(key, value string) string { return key + "=" + value }}
	if m := u.Get("Service", "KillMode"); m == nil || m.Value == "control-group" {
		st.Delivery = ToAll
	}
	for _, key := range []string{"TimeoutSec", "TimeoutStopSec"} { // the second wins
		if s := u.Get("Service", key); s != nil {
			n, ok := systemd.Seconds(s.Value)
			st.Set, st.Span, st.Unknown, st.Seconds, st.Field = true, f.Lines.Span(s.Start, s.End), !ok, n, key
		}
	}
	if s := u.Get("Service", "KillSignal"); s != nil {
		st.Signal, st.SignalSet, st.SignalSpan = s.Value, true, f.Lines.Span(s.Start, s.End)
	}
	st.Edit = func(seconds int) TextEdit { return f.setUnit(u, st.Field, strconv.Itoa(seconds)) }
	st.SignalEdit = func(signal string) TextEdit { return f.setUnit(u, "KillSignal", signal) }
	t.Stop = st
	t.Chain = chain.Walk(args, walkOptions(imageShell("", opt), "", fixedEnv(t.Env), nil))
	return []*Target{t}
}

// setUnit sets a [Service] setting: in place where it is written, else on
// a line of its own under the section header.
func (f *File) setUnit(u *systemd.Unit, key, value string) TextEdit {
	if s := u.Get("Service", key); s != nil {
		return f.Edit(s.Start, s.End, value)
	}
	return f.Edit(u.ServiceEnd, u.ServiceEnd, f.Newline()+key+"="+value)
}

// unitEnv is the environment Environment= settings give the service; nil
// when an EnvironmentFile= adds variables the unit does not show.
func unitEnv(u *systemd.Unit) map[string]string {
	if u.Get("Service", "EnvironmentFile") != nil {
		return nil
	}
	env := map[string]string{}
	for _, s := range u.Settings {
		if s.Section != "Service" || s.Key != "Environment" {
			continue
		}
		words, err := shellwords.Parse(s.Value)
		if err != nil {
			return nil
		}
		for _, w := range words {
			if k, v, ok := strings.Cut(w, "="); ok {
				env[k] = v
			}
		}
	}
	return env
}
