package main

import (
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
	memTotal, memReleased                         uint64  // bytes
	gcTotal, assist, dedicated, idle, pause, user float64 // CPU seconds
}

var metricNames = []string{
	"/gc/heap/allocs:bytes", "/gc/heap/allocs:objects", "/gc/cycles/total:gc-cycles",
	"/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/memory/classes/heap/objects:bytes",
	"/memory/classes/total:bytes", "/memory/classes/heap/released:bytes",
	"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds", "/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/gc/pause:cpu-seconds", "/cpu/classes/user:cpu-seconds",
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
	}
}
