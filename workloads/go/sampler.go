package main

import (
	"bytes"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"
	"time"
)

// sampler reads the resident set (/proc/self/statm) and the heap's object
// bytes (runtime/metrics) every 1/hz seconds on its own goroutine, like
// harness/sampler.c, and keeps the largest live heap the runtime reported
// (/gc/heap/live:bytes: marked by the last cycle) and the largest non-heap
// memory (runtimeStats.nonHeap), and each sample's non-heap memory.  The
// samples live outside the Go heap (offheap.go), as harness/sampler.c's
// are outside the collector's, so each holds its time as an offset from
// t0 (a time.Time holds a pointer).
type sample struct {
	at        time.Duration // since t0, on the monotonic clock
	rss, heap uint64
	nonHeap   uint64 // runtimeStats.nonHeap
	unused    uint64 // /memory/classes/heap/unused: in-use spans' bytes in no object
	cycles    uint64 // /gc/cycles/total: cycles completed at the reading; 0 if torn
	live      uint64 // /gc/heap/live: the heap marked by cycle `cycles`, exact
}

type sampler struct {
	interval    time.Duration
	t0          time.Time
	stop        chan struct{}
	done        chan struct{}
	samples     offHeapSlice[sample] // written by the sampler goroutine until done closes
	peakLive    uint64
	peakNonHeap uint64
}

func startSampler(hz float64) *sampler {
	s := &sampler{interval: time.Duration(float64(time.Second) / hz), t0: time.Now(),
		stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

// when is sample i's time: t0's monotonic reading plus the offset, so
// durations against other times are exactly time.Now()'s.
func (s *sampler) when(i int) time.Time { return s.t0.Add(s.samples.s[i].at) }

func (s *sampler) run() {
	defer close(s.done)
	mr := newMetricsReader()
	again := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	for {
		st := mr.read()
		// One metrics.Read is not one instant: it reads the cycle count
		// before the marked heap and may be preempted between, so a mark
		// termination in that gap pairs cycle n-1's count with cycle n's
		// heap.  Both change in one stop-the-world; a count read again
		// after the heap and found unchanged shows none came between.
		metrics.Read(again)
		cycles := st.cycles
		if again[0].Value.Kind() != metrics.KindUint64 || again[0].Value.Uint64() != cycles {
			cycles = 0
		}
		s.peakLive = max(s.peakLive, st.heapLive)
		s.peakNonHeap = max(s.peakNonHeap, st.nonHeap())
		at := time.Since(s.t0)
		s.samples.append(sample{at, rssBytes(), st.heapObjects, st.nonHeap(), st.memUnused,
			cycles, st.heapLive})
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
	}
}

// finish stops the goroutine; its fields are the caller's afterwards.
func (s *sampler) finish() {
	close(s.stop)
	<-s.done
}

var pageSize = uint64(os.Getpagesize())

func rssBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseUint(string(f[1]), 10, 64)
	return n * pageSize
}

// hwmBytes is VmHWM of /proc/self/status: the kernel's peak resident set.
func hwmBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(l, []byte("VmHWM:")); ok {
			f := bytes.Fields(v)
			if len(f) >= 1 {
				n, _ := strconv.ParseUint(string(f[0]), 10, 64)
				return n << 10
			}
		}
	}
	return 0
}

// nonHeapMedian is the median non-heap memory of the samples taken in
// [from, to] and of the reading `last` at to: the runtime's own footprint
// while the ops ran, GC metadata included (GC work buffers and
// gcMiscSys, which the first cycles allocate and a start-barrier reading
// before them misses).  Bytes; the caller's after finish.
func (s *sampler) nonHeapMedian(from, to time.Time, last uint64) uint64 {
	return s.median(from, to, last, func(x *sample) uint64 { return x.nonHeap })
}

// unusedMedian is the median heap/unused of the same samples and `last`:
// the bytes of in-use spans in no object (free slots, slots of cached
// spans not yet counted, span tails), which Go's memoryLimitHeapGoal
// counts as non-heap memory besides nonHeap.  Bytes; the caller's after
// finish.
func (s *sampler) unusedMedian(from, to time.Time, last uint64) uint64 {
	return s.median(from, to, last, func(x *sample) uint64 { return x.unused })
}

// markedByCycle maps a cycle's number to the heap it marked, exact
// (/gc/heap/live, Go's heapMarked, set with the cycle count in one
// stop-the-world at mark termination; a sample whose count changed while
// it read is left out, run), for every cycle a sample fell after and
// before the next: gctrace gives the marked heap in whole MiB only.  The
// caller's after finish.
func (s *sampler) markedByCycle() map[uint64]uint64 {
	m := map[uint64]uint64{}
	for i := range s.samples.s {
		if x := &s.samples.s[i]; x.cycles > 0 {
			m[x.cycles] = x.live
		}
	}
	return m
}

func (s *sampler) median(from, to time.Time, last uint64, f func(*sample) uint64) uint64 {
	v := []uint64{last}
	for i := range s.samples.s {
		if t := s.when(i); !t.Before(from) && !t.After(to) {
			v = append(v, f(&s.samples.s[i]))
		}
	}
	slices.Sort(v)
	return v[(len(v)-1)/2]
}
