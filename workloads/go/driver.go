package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// runMain is `gcbench-go run`: one measured run of a twin, the Go side of
// the `go` peer collector (harness/gopeer.c starts it as the run's
// process).  Spec on stdin (runspec.go), one gcbench.run/1 record on fd 3
// (stdout when fd 3 is not open).  Exit status 0 whenever a record was
// written, also for a failed run; 2 for a spec it cannot use.
//
// It mirrors harness/child.c: setup once, then each mutator goroutine
// locks its OS thread, binds it to its PU, runs threadInit and waits at the
// start barrier; the origin of every *_s time is the earliest mutator's
// start, wall_s runs to the end of the last op.
//
// Test-only: GCBENCH_GO_FAULT=crash makes mutator 0 dereference nil after
// its first op (the runtime's fatal panic, exit status 2, no record);
// GCBENCH_GO_FAULT=hang makes it sleep forever (the runner's timeout).
func runMain() int {
	openRecordOut()
	trace, err := earlyTrace, earlyTraceErr
	if trace == nil && err == nil {
		trace, err = captureGCTrace()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcbench-go run: cannot capture gctrace:", err)
		return 2
	}
	defer trace.drain() // messages written to stderr reach it before exit
	spec, err := readSpec(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcbench-go run:", err)
		return 2
	}
	rec := newRecord(spec.Record)
	t, ok := twins[spec.Workload]
	if !ok {
		rec.fail("failed", fmt.Sprintf("no Go twin of workload '%s' (twins: %v)", spec.Workload, twinNames()))
		return rec.emit()
	}
	p, err := t.params(spec.Params)
	if err != nil {
		rec.fail("failed", err.Error())
		return rec.emit()
	}
	if spec.Ballast > 0 {
		ballast = make([]byte, spec.Ballast)
	}
	n := spec.Threads
	presetup := newMetricsReader().read() // the runtime's and driver's heap, before the workload's
	var probe *runtimeStats
	if spec.RuntimeProbe {
		// Two cycles: the first flushes every P's span cache (objects in
		// a cached span count as heap/unused until then) and frees the
		// start-up's garbage (runtime.GC sweeps before it returns); the
		// second frees what the first allocated black and flushes the
		// caches refilled since.
		runtime.GC()
		runtime.GC()
		st := newMetricsReader().read()
		probe = &st
	}
	w := t.New()
	if err := w.setup(p, n); err != nil {
		rec.set("validation", err.Error())
		rec.fail("failed", err.Error())
		return rec.emit()
	}
	m := runMutators(spec, w)
	m.presetup = presetup
	m.probe = probe
	rec.fill(spec, m, trace)
	runtime.KeepAlive(ballast)
	return rec.emit()
}

// earlyTrace captures gctrace from package initialisation on, for `run`:
// under a memory limit below the runtime's own footprint, cycles start
// before main, and a line written before the capture would reach the real
// stderr instead of the record.  Cycles during the runtime's own start-up,
// before any package's init, still do (they precede the ops).
var earlyTrace *gcTrace
var earlyTraceErr error

func init() {
	if len(os.Args) >= 2 && os.Args[1] == "run" {
		earlyTrace, earlyTraceErr = captureGCTrace()
	}
}

// ballast is the Twitch idiom: a live allocation never touched, so it
// raises the heap goal without becoming resident.
var ballast []byte

// mutator is one mutator goroutine's result; written by it, read after join.
type mutator struct {
	ops        uint64
	hist       *histogram // ns per op; nil without record_latency
	cpuNs      uint64     // thread CPU from before threadInit to after threadFini
	start, end time.Time  // around the op loop
	pu         int        // PU bound to, read back; -1 unbound
	err        error
}

type mutatorRun struct {
	m          []mutator
	presetup   runtimeStats  // before the workload's setup
	probe      *runtimeStats // after runtime_probe's two cycles; nil without
	before     runtimeStats  // at the start barrier
	after      runtimeStats  // after the last mutator's threadFini
	smp        *sampler
	originWall time.Time // just after the start barrier's reading
	opsEnd     time.Time // just after the last mutator's reading
	checksum   string
	failure    error
}

func runMutators(spec *runSpec, w Workload) *mutatorRun {
	n := spec.Threads
	r := &mutatorRun{m: make([]mutator, n)}
	r.smp = startSampler(spec.SampleHz)
	fault := os.Getenv("GCBENCH_GO_FAULT")
	var stop atomic.Bool
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	per, rem := spec.Ops/uint64(n), spec.Ops%uint64(n)
	for tid := 0; tid < n; tid++ {
		quota := per
		if uint64(tid) < rem {
			quota++
		}
		go func(tid int, quota uint64) {
			defer done.Done()
			runtime.LockOSThread() // the goroutine is the thread: binding and thread CPU are its own
			ms := &r.m[tid]
			ms.pu = -1
			if len(spec.MutatorPUs) > 0 {
				bindThread(spec.MutatorPUs[tid%len(spec.MutatorPUs)])
				if pus := threadPUs(); len(pus) == 1 {
					ms.pu = pus[0]
				}
			}
			if spec.RecordLatency {
				ms.hist = newHistogram()
			}
			cpu0 := threadCPUNs()
			inited := false
			if err := w.threadInit(tid); err != nil {
				ms.err = err
				stop.Store(true)
			} else {
				inited = true
			}
			ready.Done()
			<-start
			ms.start = time.Now()
			now := ms.start
			end := now.Add(time.Duration(spec.Duration * 1e9))
			timed := spec.RecordLatency || spec.Duration > 0
			for i := uint64(0); inited; i++ {
				if spec.Duration > 0 && !now.Before(end) || spec.Duration <= 0 && i >= quota {
					break
				}
				if stop.Load() {
					break
				}
				if err := w.op(tid, i); err != nil {
					ms.err = err
					stop.Store(true)
					break
				}
				ms.ops++
				if tid == 0 && i == 0 && fault != "" {
					injectFault(fault)
				}
				if timed {
					t := time.Now()
					if ms.hist != nil {
						ms.hist.record(uint64(t.Sub(now)))
					}
					now = t
				}
			}
			ms.end = time.Now()
			if inited {
				if err := w.threadFini(tid); err != nil && ms.err == nil {
					ms.err = err
				}
			}
			ms.cpuNs = threadCPUNs() - cpu0
		}(tid, quota)
	}
	mr := newMetricsReader()
	ready.Wait()
	r.before = mr.read()
	r.originWall = time.Now()
	close(start)
	done.Wait()
	r.after = mr.read()
	r.opsEnd = time.Now()
	r.smp.finish()
	for i := range r.m {
		if r.m[i].err != nil {
			r.failure = r.m[i].err
			break
		}
	}
	if r.failure == nil {
		r.checksum = w.checksum()
	}
	return r
}

func injectFault(kind string) {
	switch kind {
	case "crash":
		var p *[1 << 10]byte
		p = nilPage(p)
		p[0] = 1 // the runtime's fatal "invalid memory address" panic
	case "hang":
		time.Sleep(1000 * time.Hour)
	}
}

//go:noinline
func nilPage(p *[1 << 10]byte) *[1 << 10]byte { return p }
