package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/gracelint/gracelint/catalog"
	"github.com/gracelint/gracelint/internal/chain"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/parser/taskdef"
)

// mainName names the process that should get the stop signal.
func mainName(c *chain.Chain) string {
	if c.Worker != nil {
		return c.Worker.Name
	}
	prog := chain.Program(chain.Values(c.Main))
	if len(prog) == 0 || prog[0] == "" {
		return "the main process"
	}
	return fmt.Sprintf("%q", path.Base(prog[0]))
}

// lost says what a process loses when it is SIGKILLed.
func lost(c *chain.Chain) string {
	switch {
	case c.Worker == nil:
		return "without a chance to shut down cleanly"
	case c.Worker.Name == "sidekiq":
		return "without requeueing its running jobs"
	case c.Worker.Spec.Jobs:
		return "with its running jobs unfinished"
	case c.Worker.Spec.Role == catalog.Manager:
		return "with every process it supervises"
	}
	return "with the requests in flight cut"
}

// lostWork says what is lost when a worker is SIGKILLed while draining.
func lostWork(w *chain.Worker) string {
	if w.Spec.Jobs {
		return "the jobs still running then are lost"
	}
	return "the requests still in flight then are cut"
}

// stopWait says how long the platform waits before SIGKILL.
func stopWait(t *lint.Target) string {
	switch {
	case t.Stop == nil || t.Stop.Unknown:
		return "the stop timeout"
	case t.Stop.Set:
		return fmt.Sprintf("%s (%d s)", t.Stop.Field, t.Stop.Seconds)
	case t.Stop.DefaultWhy != "":
		return fmt.Sprintf("%d s (%s)", t.Stop.Seconds, t.Stop.DefaultWhy)
	case t.Stop.Field == "":
		return fmt.Sprintf("%d s", t.Stop.Seconds)
	}
	return fmt.Sprintf("the default %s (%d s)", t.Stop.Field, t.Stop.Seconds)
}

// initName names the chain's init for a message.
func initName(in *chain.Init) string {
	switch {
	case in.Name == "pause":
		return "the pod's pause process (shareProcessNamespace)"
	case in.Platform != "":
		return fmt.Sprintf("the init that %s starts", in.Platform)
	}
	return in.Name
}

// shellFate says what happens at a stop when a shell process (a shell, or a
// script run by one) that does not exec stands at hop order between the stop
// signal and c's main process (order 0 is PID 1). in is the first init or
// forwarding wrapper of the chain, if any.
func shellFate(t *lint.Target, in *chain.Init, shellName string, order int, c *chain.Chain) string {
	name, main := path.Base(shellName), mainName(c)
	if in != nil && in.Name == "pause" {
		// kubelet signals the container's main process itself, here the
		// shell, which is no PID 1 and dies on it.
		return fmt.Sprintf("at the next deploy %s gets SIGTERM and exits at once, the container stops with it, and %s is SIGKILLed mid-job %s",
			name, main, lost(c))
	}
	if in != nil && in.Order < order {
		how := "forwards SIGTERM to " + name
		if in.Group {
			how = "signals the whole process group"
		}
		return fmt.Sprintf("at the next deploy %s %s, %s exits at once, %s exits with it, and %s is SIGKILLed mid-job %s",
			initName(in), how, name, in.Name, main, lost(c))
	}
	if order == 0 && !t.EntrypointUnknown {
		return fmt.Sprintf("%s is PID 1 and ignores SIGTERM, so at the next deploy %s never gets the signal and is SIGKILLed after %s %s",
			name, main, stopWait(t), lost(c))
	}
	return fmt.Sprintf("at the next deploy SIGTERM never reaches %s, which is SIGKILLed when %s ends at the latest, %s", main, stopWait(t), lost(c))
}

// stopSignal names the signal a manager stops proc with.
func stopSignal(proc *chain.Process) string {
	if proc.Signal == "" {
		return "its stop signal"
	}
	return proc.Signal
}

// managedFate says what happens at a stop to c, a process manager m
// starts as proc through a shell (or script) shellName that stays as its
// parent: the shell dies of the manager's signal at once, and the manager
// takes the process for stopped (measured with foreman and supervisord:
// rules/manager_signals_test.go).
func managedFate(m *chain.Worker, proc *chain.Process, shellName string, c *chain.Chain) string {
	if m.Spec.Manages == "s6" {
		// s6-overlay's last stage signals every process left, then
		// SIGKILLs them S6_KILL_GRACETIME (3000 ms) later.
		return fmt.Sprintf("at the next deploy s6-supervise sends %s to %s alone, which exits at once; %s gets SIGTERM only in s6-overlay's last stage, S6_KILL_GRACETIME (3 s by default) before SIGKILL, %s",
			stopSignal(proc), shellName, mainName(c), lost(c))
	}
	if proc.Group {
		return fmt.Sprintf("at the next deploy %s sends %s to the process group, %s exits at once, %s takes %s for stopped, and %s is SIGKILLed with the container %s",
			m.Name, stopSignal(proc), shellName, m.Name, proc.Name, mainName(c), lost(c))
	}
	return fmt.Sprintf("at the next deploy %s sends %s to %s alone, which exits at once, and %s never gets it: it is killed with the container %s",
		m.Name, stopSignal(proc), shellName, mainName(c), lost(c))
}

// shellReason says why the shell stays, and which shell was assumed.
func shellReason(sh *chain.Shell) string {
	if sh.Result.ByDialect && path.Base(sh.Name) == "sh" {
		return fmt.Sprintf("%s (%s)", sh.Result.Reason, sh.DialectWhy)
	}
	return sh.Result.Reason
}

// jsonArray renders argv as a JSON array the way people write it.
func jsonArray(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = jsonString(a)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// setting writes `"key": value` as the file writes it: JSON for task
// definitions, `Key: value` for CloudFormation's PascalCase YAML or JSON,
// `key: value` for Compose and Kubernetes YAML.
func setting(t *lint.Target, key, value string) string {
	switch {
	case t.Stop != nil && t.Stop.Written != nil:
		return t.Stop.Written(key, value)
	case t.Fly != nil:
		return key + " = " + value
	case t.ECS == nil: // Compose and Kubernetes: YAML, written as people write it
		return key + ": " + value
	case t.ECS.Pascal:
		return taskdef.Key(key, true) + ": " + value
	}
	return jsonString(key) + ": " + value
}
