package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// record is the run's gcbench.run/1 record: the runner's base record
// (harness/record.c, every field present at zero) with the measurements
// filled in.  Fields the Go runtime has no counterpart for are null, and
// `unavailable` maps each such field's dotted path to the reason.
// pauses.count/total_s/p*_s and mmu are computed from pauses.log by the
// runner (harness/gopeer.c), with the same code as for C runs.
type record struct {
	v           map[string]any
	unavailable map[string]any
}

func newRecord(base map[string]any) *record {
	return &record{v: base, unavailable: map[string]any{}}
}

// set stores val at a dotted path, creating objects on the way.
func (r *record) set(path string, val any) {
	o := r.v
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := o[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			o[k] = next
		}
		o = next
	}
	o[keys[len(keys)-1]] = val
}

func (r *record) null(path, why string) {
	r.set(path, nil)
	r.unavailable[path] = why
}

func (r *record) fail(status, msg string) {
	r.set("status", status)
	r.set("error", msg)
}

// recordOut is the runner's record channel, fd 3, when the environment
// says so (GCBENCH_RECORD_FD=3: the runtime itself may hold fd 3 when the
// process started without it, e.g. a cgroup file), else stdout.
var recordOut = os.Stdout

func openRecordOut() {
	if os.Getenv("GCBENCH_RECORD_FD") == "3" {
		syscall.CloseOnExec(3)
		recordOut = os.NewFile(3, "record")
	}
}

// emit writes the record to recordOut.
func (r *record) emit() int {
	r.set("unavailable", r.unavailable)
	text, err := json.Marshal(r.v)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcbench-go run: cannot encode the record:", err)
		return 2
	}
	out := recordOut
	if out == os.Stdout {
		text = append(text, '\n')
	}
	if _, err := out.Write(text); err != nil {
		fmt.Fprintln(os.Stderr, "gcbench-go run: cannot write the record:", err)
		return 2
	}
	return 0
}

// setRuntimeMemory records the runtime's own memory and the heap the run
// starts its ops with, at the start barrier (after set-up and every
// mutator's threadInit, each mutator goroutine started, before the first
// op):
//
//	collector.nonheap_bytes       runtimeStats.nonHeap: what the Go-like
//	                              models' option `nonheap` stands for
//	collector.nonheap_peak_bytes  the largest nonHeap from the sampler's
//	                              start (before threadInit) to the end
//	collector.nonheap_median_bytes the median nonHeap of the sampler's
//	                              readings during the ops and the one
//	                              at their end: the footprint Go's
//	                              memoryLimitHeapGoal sees while they run
//	heap.setup_bytes              heap/objects: what the runtime, package
//	                              init, the driver and set-up left on the
//	                              heap, live or not yet collected (objects
//	                              in a span a P still caches count once
//	                              the span goes back: up to a span per
//	                              size class short)
//	heap.unused_median_bytes      the median /memory/classes/heap/unused
//	                              of the same readings as nonheap_median:
//	                              in-use spans' bytes in no object, which
//	                              Go's memoryLimitHeapGoal counts as
//	                              non-heap besides nonHeap
//	heap.runtime_unused_bytes     with runtime_probe only: heap/unused and
//	heap.runtime_objects_bytes    heap/objects after two forced cycles
//	                              before the workload's set-up: the free
//	                              slots of the spans the runtime's, init's
//	                              and driver's objects hold (what the
//	                              Go-like models' option runtime_unused
//	                              stands for), and those objects
//	heap.runtime_scan_bytes       /gc/scan/heap before the workload's
//	                              setup: the scannable heap of the
//	                              runtime, package init and the driver
//	                              (with no cycle run yet, as in every
//	                              twin, every scannable byte allocated
//	                              since the process started, some of it
//	                              already garbage): what the Go-like
//	                              models' option `runtime_heap` stands for
//	gc.scan_heap_bytes            at the end: the pacer's scan inputs as
//	gc.scan_stack_bytes           of the last completed cycle (/gc/scan/
//	gc.scan_globals_bytes         heap, stack, globals): scannable heap,
//	                              stack bytes scanned, scannable globals
//
// No cycle is forced for them: a runtime.GC() would add a cycle to gc.log
// and restart the pacer from a fresh heap_marked before the ops, and the
// non-heap classes (stacks, metadata, buckets) hold no garbage to collect.
func (r *record) setRuntimeMemory(mr *mutatorRun) {
	b, a := mr.before, mr.after
	r.set("collector.nonheap_bytes", b.nonHeap())
	peak := max(b.nonHeap(), a.nonHeap())
	if mr.smp != nil {
		peak = max(peak, mr.smp.peakNonHeap)
	}
	r.set("collector.nonheap_peak_bytes", peak)
	if mr.smp != nil {
		r.set("collector.nonheap_median_bytes", mr.smp.nonHeapMedian(mr.originWall, mr.opsEnd, a.nonHeap()))
		r.set("heap.unused_median_bytes", mr.smp.unusedMedian(mr.originWall, mr.opsEnd, a.memUnused))
	} else {
		r.set("collector.nonheap_median_bytes", a.nonHeap())
		r.set("heap.unused_median_bytes", a.memUnused)
	}
	r.set("heap.setup_bytes", b.heapObjects)
	if mr.probe != nil {
		r.set("heap.runtime_unused_bytes", mr.probe.memUnused)
		r.set("heap.runtime_objects_bytes", mr.probe.heapObjects)
	} else {
		const why = "measured only with the go option runtime_probe (two forced cycles before the set-up)"
		r.null("heap.runtime_unused_bytes", why)
		r.null("heap.runtime_objects_bytes", why)
	}
	r.set("heap.runtime_scan_bytes", mr.presetup.scanHeap)
	r.set("heap.runtime_scan_cycles", mr.presetup.cycles)
	r.set("gc.scan_heap_bytes", a.scanHeap)
	r.set("gc.scan_stack_bytes", a.scanStack)
	r.set("gc.scan_globals_bytes", a.scanGlobals)
}

// sinceInit is t's monotonic reading in seconds: time's String() prints it
// as "m=+S", counted from the time package's start, a few microseconds after
// the runtime's init (the origin of gctrace's @).
func sinceInit(t time.Time) float64 {
	s := t.String()
	if i := strings.LastIndex(s, "m=+"); i >= 0 {
		v, err := strconv.ParseFloat(s[i+3:], 64)
		if err == nil {
			return v
		}
	}
	return 0
}

func (r *record) fill(spec *runSpec, mr *mutatorRun, trace *gcTrace) {
	// Origin and wall: the earliest mutator's start, the latest end.
	origin, end := time.Time{}, time.Time{}
	for _, m := range mr.m {
		if origin.IsZero() || m.start.Before(origin) {
			origin = m.start
		}
		if m.end.After(end) {
			end = m.end
		}
	}
	if origin.IsZero() {
		origin, end = mr.originWall, mr.originWall
	}
	wall := end.Sub(origin).Seconds()
	rel := func(t time.Time) float64 { return t.Sub(origin).Seconds() }

	var ops, mcpu uint64
	mpus := []any{}
	lat := newHistogram()
	for _, m := range mr.m {
		ops += m.ops
		mcpu += m.cpuNs
		mpus = append(mpus, m.pu)
		if m.hist != nil {
			lat.merge(m.hist)
		}
	}
	r.set("pinning.mutator_pus", mpus)
	gpus := []any{}
	if len(spec.MutatorPUs) > 0 {
		for _, p := range threadPUs() { // the process mask set by the runner; GC runs anywhere in it
			gpus = append(gpus, p)
		}
	}
	r.set("pinning.gc_pus", gpus)
	r.set("ops", ops)
	r.set("wall_s", wall)
	r.set("ops_per_s", 0.0)
	if wall > 0 {
		r.set("ops_per_s", float64(ops)/wall)
	}
	// From before the workload's set-up, as the C harness counts: every
	// byte its mutators allocate, threadInit and threadFini included (on
	// lrucache, filling the cache is 19 of the 52 MB allocated at `small`).
	b, a := mr.presetup, mr.after
	r.set("bytes_allocated", a.allocBytes-b.allocBytes)
	r.set("objects_allocated", a.allocObjects-b.allocObjects)
	const allocs = "runtime/metrics /gc/heap/allocs counts every heap allocation of the process from before the workload's set-up to after its last threadFini, the runtime's and the driver's sampler's included: close to, not exactly, the workload's"
	r.set("approximate", map[string]any{"bytes_allocated": allocs, "objects_allocated": allocs})
	r.set("procs", runtime.GOMAXPROCS(0))

	// CPU: the runtime's /cpu/classes/gc split; assists run on the mutators'
	// threads and move from cpu.mutator_s to cpu.gc_s as in C runs.
	gc := a.gcTotal - b.gcTotal
	assist := a.assist - b.assist
	mut := max(float64(mcpu)/1e9-assist, 0)
	r.set("cpu.mutator_s", mut)
	r.set("cpu.gc_s", gc)
	r.set("cpu.gc_fraction", 0.0)
	if gc+mut > 0 {
		r.set("cpu.gc_fraction", gc/(gc+mut))
	}
	r.set("cpu.mutator_threads_s", float64(mcpu)/1e9)
	r.set("cpu.assist_s", assist)
	r.set("cpu.pause_s", a.pause-b.pause)
	r.set("cpu.gc_dedicated_s", a.dedicated-b.dedicated)
	r.set("cpu.gc_idle_s", a.idle-b.idle)
	r.null("cpu.gc_threads_s", "Go runs GC work on its Ps, not on threads of its own: see cpu.gc_dedicated_s, cpu.gc_idle_s, cpu.assist_s and cpu.pause_s (runtime/metrics /cpu/classes/gc)")
	r.null("cpu.sweep_s", "Go counts its background sweeping in no CPU class (runtime/metrics /cpu/classes/gc is marking, assists and pauses), so it is in neither cpu.gc_s nor cpu.mutator_s")

	// Cycles and pauses, from gctrace; the end of each mark termination
	// from MemStats.PauseEnd (exact, for the last 256 cycles), else from @.
	cycles := trace.drain()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	originInit := sinceInit(origin)
	glog, plog, tl := []any{}, []any{}, []any{}
	peakMarked := uint64(0)
	exact := map[uint64]uint64{}
	if mr.smp != nil {
		exact = mr.smp.markedByCycle()
	}
	for _, c := range cycles {
		start := c.atS - originInit
		if c.n >= 1 && c.n <= uint64(ms.NumGC) && uint64(ms.NumGC)-c.n < 256 {
			endNs := int64(ms.PauseEnd[(c.n-1)%256])
			start = float64(endNs-origin.UnixNano())/1e9 - (c.sweepTermS + c.markS + c.markTermS)
		}
		cy := map[string]any{
			"cycle": c.n, "start_s": start, "trigger_bytes": c.heap0, "marked_bytes": c.heap2,
			"goal_bytes": c.goal, "mark_s": c.markS, "assist_s": c.cpuAssistS,
			"heap_end_bytes": c.heap1, "background_s": c.cpuBackgroundS, "idle_s": c.cpuIdleS,
			"procs": c.procs, "forced": c.forced,
		}
		if p := &c.pacer; c.hasPacer { // exact bytes instead of gctrace's whole MiB
			cy["trigger_bytes"], cy["heap_end_bytes"] = p.triggered, p.heapEnd
			if p.goal > 0 {
				cy["goal_bytes"] = p.goal
			}
			if !math.IsNaN(p.consMark) && !math.IsInf(p.consMark, 0) {
				cy["cons_mark"] = p.consMark
			}
			cy["scan_bytes"] = p.scanHeap + p.scanStack + p.scanGlobals
		}
		// the marked heap exact where a sample read it (/gc/heap/live)
		marked, ok := exact[c.n]
		if ok {
			cy["marked_bytes"] = marked
		} else {
			marked = c.heap2
		}
		cy["marked_exact"] = ok
		glog = append(glog, cy)
		mt := start + c.sweepTermS + c.markS
		plog = append(plog, []any{start, c.sweepTermS, "sweep-termination"},
			[]any{mt, c.markTermS, "mark-termination"})
		tl = append(tl, []any{start, c.sweepTermS, "sweep-termination", -1},
			[]any{start + c.sweepTermS, c.markS, "mark", -1},
			[]any{mt, c.markTermS, "mark-termination", -1})
		peakMarked = max(peakMarked, marked)
	}
	r.set("gc.cycles", len(cycles))
	r.set("gc.log", glog)
	r.set("gc.source", "gctrace")
	r.set("gc.log_heap_resolution_bytes", 1<<20)
	r.set("pauses.log", plog)
	r.set("pauses.resolution_s", 1e-6)
	r.set("pauses.histogram", pauseHistogram())
	r.set("timeline", tl)
	r.set("timeline_truncated", false)
	r.set("timeline_dropped", 0)

	// Latency.
	if spec.RecordLatency {
		for _, q := range []struct {
			k string
			q float64
		}{{"p50_s", 0.5}, {"p90_s", 0.9}, {"p99_s", 0.99}, {"p999_s", 0.999}, {"max_s", 1}} {
			r.set("latency."+q.k, float64(lat.quantile(q.q))/1e9)
		}
		r.set("latency.count", lat.count)
		r.set("latency.sample_period", 1) // every op is timed
	}
	r.set("latency.clock", "go-monotonic")

	// RSS.
	smp := mr.smp
	samples := []any{}
	var sum float64
	peak := hwmBytes()
	peakHeap := uint64(0)
	for i, s := range smp.samples.s {
		samples = append(samples, []any{rel(smp.when(i)), s.rss, s.heap})
		sum += float64(s.rss)
		peak = max(peak, s.rss)
		peakHeap = max(peakHeap, s.heap)
	}
	r.set("rss.peak_bytes", peak)
	r.set("rss.mean_bytes", 0.0)
	if len(smp.samples.s) > 0 {
		r.set("rss.mean_bytes", sum/float64(len(smp.samples.s)))
	}
	r.set("rss.samples", samples)
	r.set("sample_hz", spec.SampleHz)

	// Heap: the largest live heap a cycle marked (runtime/metrics
	// /gc/heap/live:bytes as sampled, or gctrace's MiB); with no cycle, the
	// peak of the sampled heap, as for C collectors that never mark.
	live := max(smp.peakLive, a.heapLive, peakMarked)
	if len(cycles) == 0 {
		live = max(peakHeap, a.heapObjects)
	}
	r.set("heap.peak_live_bytes", live)
	r.set("heap.heap_bytes", a.heapObjects)
	r.set("heap.mapped_bytes", a.memTotal-a.memReleased)
	r.set("heap.cycles", a.cycles)
	r.setRuntimeMemory(mr)
	const noFree = "Go 1.26 counts no explicit frees: runtime.freegc (GOEXPERIMENT=runtimefreegc) has no counter in runtime/metrics or MemStats"
	r.null("heap.freed_explicit_bytes", noFree)
	r.null("heap.reused_bytes", noFree)
	r.null("heap.frees", noFree)
	r.null("heap.frees_skipped", noFree)
	if v, ok := spec.Params["pool"]; ok && v == "true" {
		r.unavailable["pool"] = "sync.Pool keeps no counters of gets, hits or drops"
	}

	// Who ran it.
	r.set("collector.version", runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	exps := []any{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOEXPERIMENT" && s.Value != "" {
				for _, e := range strings.Split(s.Value, ",") {
					exps = append(exps, e)
				}
			}
		}
	}
	r.set("collector.experiments", exps)
	r.set("collector.gomaxprocs", runtime.GOMAXPROCS(0))

	if mr.checksum != "" {
		r.set("checksum", mr.checksum)
	}
	if mr.failure != nil {
		r.set("validation", mr.failure.Error())
		r.fail("failed", mr.failure.Error())
	} else {
		r.set("validation", "passed")
	}
}
