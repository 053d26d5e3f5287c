package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimitFor(t *testing.T) {
	for _, tt := range []struct{ live, want int64 }{
		{0, memoryLimit},
		{100 << 20, memoryLimit},
		{140 << 20, memoryLimit},
		{400 << 20, 800 << 20},
	} {
		if got := limitFor(memoryLimit, tt.live); got != tt.want {
			t.Errorf("limitFor(%d MiB) = %d MiB, want %d MiB", tt.live>>20, got>>20, tt.want>>20)
		}
	}
}

// TestLimitFollowsLiveHeap: with a heap that outgrows the base, the limit
// rises after a collection, so the collector does not run without pause.
func TestLimitFollowsLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	const base = 8 << 20
	defer followLiveHeap(base)()
	live := make([][]byte, 0, 64)
	for range 64 {
		live = append(live, make([]byte, 1<<20)) // 64 MiB live
	}
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) < 64<<20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
	}
	if got := debug.SetMemoryLimit(-1); got < 64<<20 {
		t.Errorf("limit %d MiB with 64 MiB live, want at least 64 MiB", got>>20)
	}
	runtime.KeepAlive(live)
}
