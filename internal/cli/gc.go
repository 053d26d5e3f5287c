package cli

import "runtime/debug"

// TuneGC sets the collector for a short-lived, allocation-heavy run: a high
// GC percent, so that two workers do not spend their time collecting a tiny
// heap (measured in internal/bench: wall time 0.73x instead of 1.10x the
// bare BuildKit parse), under a soft memory limit that makes the collector
// work harder again as the heap nears it. An explicit GOGC or GOMEMLIMIT
// wins.
func TuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
}
