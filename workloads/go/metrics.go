package main

import (
	"math"
	"runtime/metrics"
)

// runtimeStats is one reading of the runtime/metrics the record uses.
// Counters are cumulative since process start; the record takes the
// difference between the reading at the start barrier and the one after
// the last mutator finished.  The /cpu/classes counters are the runtime's
// own accounting, brought up to date at the end of each GC cycle (a cycle
// still running at the end is not in them).
type runtimeStats struct {
	allocBytes, allocObjects                      uint64
	cycles                                        uint64
	heapLive, heapGoal, heapObjects               uint64  // bytes
	memTotal, memReleased, memFree, memUnused     uint64  // bytes
	gcTotal, assist, dedicated, idle, pause, user float64 // CPU seconds
	// The pacer's scan inputs as of the last completed cycle (bytes):
	// scannable heap (heapScan), stacks scanned (stackScan), scannable
	// globals (globalsScan).  Go's runway and goal are computed from them.
	scanHeap, scanStack, scanGlobals uint64
}

var metricNames = []string{
	"/gc/heap/allocs:bytes", "/gc/heap/allocs:objects", "/gc/cycles/total:gc-cycles",
	"/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/memory/classes/heap/objects:bytes",
	"/memory/classes/total:bytes", "/memory/classes/heap/released:bytes",
	"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds", "/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/gc/pause:cpu-seconds", "/cpu/classes/user:cpu-seconds",
	"/memory/classes/heap/free:bytes", "/memory/classes/heap/unused:bytes",
	"/gc/scan/heap:bytes", "/gc/scan/stack:bytes", "/gc/scan/globals:bytes",
}

// metricsReader owns its sample slice: one per goroutine that reads.
type metricsReader struct{ s []metrics.Sample }

func newMetricsReader() *metricsReader {
	r := &metricsReader{s: make([]metrics.Sample, len(metricNames))}
	for i, n := range metricNames {
		r.s[i].Name = n
	}
	return r
}

func (r *metricsReader) read() runtimeStats {
	metrics.Read(r.s)
	u := func(i int) uint64 {
		if r.s[i].Value.Kind() == metrics.KindUint64 {
			return r.s[i].Value.Uint64()
		}
		return 0
	}
	f := func(i int) float64 {
		if r.s[i].Value.Kind() == metrics.KindFloat64 {
			return r.s[i].Value.Float64()
		}
		return 0
	}
	return runtimeStats{
		allocBytes: u(0), allocObjects: u(1), cycles: u(2), heapLive: u(3), heapGoal: u(4),
		heapObjects: u(5), memTotal: u(6), memReleased: u(7),
		gcTotal: f(8), assist: f(9), dedicated: f(10), idle: f(11), pause: f(12), user: f(13),
		memFree: u(14), memUnused: u(15),
		scanHeap: u(16), scanStack: u(17), scanGlobals: u(18),
	}
}

// nonHeap is what the Go-like models' option `nonheap` stands for
// (collectors/core/pacer.c, memlimit_goal): the runtime's memory that Go's
// memoryLimitHeapGoal (mgcpacer.go) counts as non-heap, less the heap's
// unused slot bytes, which the model counts from its own spans.  Go's
// nonHeapMemory is mappedReady - heapFree - heapAlloc, and in
// runtime/metrics terms mappedReady = /memory/classes/total less
// heap/released, heapFree = heap/free, heapAlloc = heap/objects; less
// heap/unused that leaves the goroutine stacks (heap/stacks, os-stacks),
// the span, mcache and GC metadata (metadata/...), profiling buckets and
// other.  Bytes; 0 for a reading without the memory classes.  All five
// come from one metrics.Read, whose heap classes are one consistent
// snapshot, so the difference never underflows.
func (s runtimeStats) nonHeap() uint64 {
	heap := s.memReleased + s.memFree + s.heapObjects + s.memUnused
	if heap > s.memTotal {
		return 0
	}
	return s.memTotal - heap
}

// pauseHistogram is the runtime's own histogram of stop-the-world pauses
// for GC (/sched/pauses/total/gc:seconds, since process start) as a record
// object: the non-empty buckets as [upper_s, count] and nearest-rank
// quantiles, each reported as its bucket's upper bound (the lower bound for
// the open last bucket) — a cross-check of pauses.log, whose durations
// gctrace gives to two digits.
func pauseHistogram() map[string]any {
	const name = "/sched/pauses/total/gc:seconds"
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	out := map[string]any{"source": name}
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return out
	}
	h := s[0].Value.Float64Histogram()
	var n uint64
	buckets := []any{}
	for i, c := range h.Counts {
		n += c
		if c > 0 {
			buckets = append(buckets, []any{bound(h.Buckets, i), c})
		}
	}
	out["count"] = n
	out["buckets"] = buckets
	for _, q := range []struct {
		k string
		q float64
	}{{"p50_s", 0.5}, {"p90_s", 0.9}, {"p99_s", 0.99}, {"p999_s", 0.999}, {"max_s", 1}} {
		v := 0.0
		if n > 0 {
			rank := uint64(math.Ceil(q.q * float64(n)))
			rank = max(rank, 1)
			var seen uint64
			for i, c := range h.Counts {
				seen += c
				if seen >= rank {
					v = bound(h.Buckets, i)
					break
				}
			}
		}
		out[q.k] = v
	}
	return out
}

// bound is bucket i's upper bound, or its lower one when that is +Inf.
func bound(b []float64, i int) float64 {
	if math.IsInf(b[i+1], 1) {
		return b[i]
	}
	return b[i+1]
}
