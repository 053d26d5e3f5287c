// Package fuzzbudget gives every fuzz target a time budget per input, so
// that an input that makes a parser or a rule hang, or take time out of
// all proportion to its size, is found like a crash.
package fuzzbudget

import (
	"testing"
	"time"
)

// Limit is the most one input may take.
const Limit = time.Second

// Check starts the clock for one input; call what it returns when the
// input is done: defer fuzzbudget.Check(t)().
func Check(t testing.TB) func() {
	start := time.Now()
	return func() {
		if d := time.Since(start); d > Limit {
			t.Fatalf("the input took %v, over the %v budget", d.Round(time.Millisecond), Limit)
		}
	}
}
