package cli

import "runtime/debug"

// TuneGC sets the collector for a short-lived, allocation-heavy run: a
// higher GC percent, so that two workers do not spend their time
// collecting a tiny heap (measured in internal/bench: wall time 0.74x
// instead of 1.10x the bare BuildKit parse; 200 rather than 400, which was
// as fast there but peaked at 279 MB instead of 172 MB and ran 15% longer
// on 70,240 files), under a soft memory limit that makes the collector
// work harder as the heap nears it. The limit sits well above what a run
// keeps live (the sources of clean files are dropped; 100,322 files keep
// about 100 MB of findings, sources and paths): one near the live heap
// makes the collector run without pause (a 48 MiB limit made 10,000
// containers take 4x as long), one far above it lets GOGC's 3x reach
// 350 MB there (1 GiB did, in 26 s; 280 MiB peaks at 294 MB in 27 s; 256
// MiB at 270 MB, but in 34 s). An explicit GOGC or GOMEMLIMIT wins.
func TuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// memoryLimit is the soft limit TuneGC sets.
const memoryLimit = 280 << 20
