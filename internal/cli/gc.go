package cli

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// TuneGC sets the collector for a short-lived, allocation-heavy run: a
// higher GC percent, so that two workers do not spend their time
// collecting a tiny heap (measured in internal/bench: wall time 0.74x
// instead of 1.10x the bare BuildKit parse; 200 rather than 400, which was
// as fast there but peaked at 279 MB instead of 172 MB and ran 15% longer
// on 70,240 files), under a soft memory limit that makes the collector
// work harder as the heap nears it, so that GOGC's 3x does not reach
// 350 MB on 100,322 files that keep about 100 MB live (280 MiB peaks at
// 294 MB there, in 27 s; 1 GiB let it reach 349 MB).
//
// A fixed limit turns into a collector that never stops once the live heap
// nears it (a 48 MiB limit made 10,000 containers take 4x as long; 280 MiB
// made one Compose file of 50,000 services take 5x as long as 25,000), so
// the limit follows the heap: after each collection it is raised to twice
// the heap that survived, when that is above the base. Memory stays
// within about 2x the live heap, and the collector runs at most as often
// as GOGC=100 would. (1.5x kept a tree of 100,000 Dockerfiles with a
// finding each at 292 MB instead of about 390, but ran one file of 100,000
// Compose services or Kubernetes documents 1.5-1.9x slower in
// BenchmarkScaling: docs/performance.md.)
// An explicit GOGC or GOMEMLIMIT wins.
func TuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") == "" {
		followLiveHeap(memoryLimit)
	}
}

// memoryLimit is the soft limit TuneGC sets while the live heap is small.
const memoryLimit = 280 << 20

// limitFor is the soft limit for a live heap of live bytes.
func limitFor(base, live int64) int64 {
	return max(base, 2*live)
}

// followLiveHeap sets the soft limit to base and, after each collection,
// to limitFor the heap that survived it, until stop is called.
func followLiveHeap(base int64) (stop func()) {
	var stopped atomic.Bool
	debug.SetMemoryLimit(base)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	// A finalizer runs once after each collection that finds its object
	// unreachable; setting it again keeps the object for the next one.
	var after func(*gcCycle)
	after = func(c *gcCycle) {
		if stopped.Load() {
			return
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(limitFor(base, int64(min(sample[0].Value.Uint64(), 1<<62))))
		}
		runtime.SetFinalizer(c, after)
	}
	runtime.SetFinalizer(&gcCycle{}, after)
	return func() { stopped.Store(true) }
}

// gcCycle is the object whose finalizer marks the end of a collection;
// it holds a pointer, so the tiny allocator, which packs small objects
// without pointers together and may keep it alive, leaves it alone.
type gcCycle struct{ _ *gcCycle }
