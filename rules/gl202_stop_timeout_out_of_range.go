package rules

import (
	"fmt"

	"github.com/gracelint/gracelint/lint"
)

// fargateMinStopTimeout is the shortest stopTimeout Fargate allows.
const fargateMinStopTimeout = 2

// StopTimeoutOutOfRange reports a Fargate container whose stopTimeout is
// outside the range Fargate supports.
var StopTimeoutOutOfRange = &lint.Rule{
	ID:        "GL202",
	Name:      "stop-timeout-out-of-range",
	Severity:  lint.Error,
	Summary:   "stopTimeout is outside the 2..120 s that Fargate supports",
	Tags:      []string{"ecs", "fargate", "timeouts"},
	UnsafeFix: true,
	Check:     checkStopTimeoutOutOfRange,
}

func checkStopTimeoutOutOfRange(p *lint.Pass) {
	for _, t := range p.File.Targets {
		if t.TaskDef == nil || !t.TaskDef.RequiresFargate() {
			continue
		}
		s := t.ECS.Def.StopTimeout
		if s == nil || (*s >= fargateMinStopTimeout && *s <= lint.FargateMaxStopTimeout) {
			continue
		}
		clamped := min(max(int(*s), fargateMinStopTimeout), lint.FargateMaxStopTimeout)
		msg := fmt.Sprintf("stopTimeout %d is outside the %d..%d s that Fargate supports (requiresCompatibilities includes FARGATE): at the next deploy ECS either rejects it or stops %q with a different timeout than the one planned",
			*s, fargateMinStopTimeout, lint.FargateMaxStopTimeout, t.Name)
		n := t.ECS.Field("stopTimeout")
		fix := &lint.Fix{
			Description: fmt.Sprintf("Set stopTimeout to %d (unsafe: the container gets a different stop window)", clamped),
			Edits:       []lint.TextEdit{p.File.Edit(n.Start, n.End, fmt.Sprint(clamped))},
		}
		p.ReportFix(lint.Error, p.File.Span(n), msg, setting(t, "stopTimeout", fmt.Sprint(clamped)), fix)
	}
}
