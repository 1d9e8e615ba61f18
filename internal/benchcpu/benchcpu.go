// Package benchcpu reports the CPU time a benchmark spends per operation,
// next to the wall time testing measures.
//
// The per-call benchmarks run client and emulator in one process on a
// machine that may be shared. Wall time then counts the time the
// scheduler kept a runnable goroutine waiting, which varies with the
// machine's load from run to run; CPU time (user and system, all threads
// of the process, from getrusage) counts only the work done, so it
// compares two ways of making the same call more steadily. Both are
// reported; neither is asserted. Pair goes further: it interleaves the two
// ways call by call, so that both see the same load, and reports their
// ratio.
package benchcpu

import "testing"

// Measure starts counting the process's CPU time and returns a func that
// reports it, divided by b.N, as the metric "cpu-ns/op". Call it right
// after b.ResetTimer and defer the func it returns:
//
//	b.ResetTimer()
//	defer benchcpu.Measure(b)()
//
// Where the platform has no getrusage the metric is not reported.
func Measure(b *testing.B) func() {
	start, ok := cpuTime()
	if !ok {
		return func() {}
	}
	return func() {
		end, _ := cpuTime()
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// Loop runs call b.N times, reporting allocations and CPU time (Measure).
func Loop(b *testing.B, call func()) {
	b.ReportAllocs()
	b.ResetTimer()
	defer Measure(b)()
	for i := 0; i < b.N; i++ {
		call()
	}
}
