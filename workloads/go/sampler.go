package main

import (
	"bytes"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"
	"syscall"
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
	st := newSamplerStep()
	defer st.close()
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	for {
		s.step(st)
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
	}
}

// samplerStep is what one sample reads with, opened once: the sampler
// must not allocate on the Go heap while the ops run.  Whichever
// goroutine's allocation crosses the trigger starts a cycle (mallocgc
// calls gcStart), and that cycle's stop-the-world then waits for every
// mutator to reach a safe point: on rpc with arenas a mutator clears each
// new 8 MiB arena chunk without one (runtime/arena.go,
// allocUserArenaChunk: memclrNoHeapPointers with mallocing set, heapLive
// already counting the chunk), and when the sampler's allocation for
// reading /proc/self/statm started the cycle meanwhile, the pause waited
// the rest of the clear: 1-4 sweep terminations of 13-32 ms per run,
// where the mutator that starts the cycle itself, after its clear, has
// none; the C harness's sampler thread allocates nothing from the heap
// it measures.
type samplerStep struct {
	mr    *metricsReader
	again []metrics.Sample
	statm statmReader
}

func newSamplerStep() *samplerStep {
	return &samplerStep{mr: newMetricsReader(),
		again: []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}, statm: openStatm()}
}

func (st *samplerStep) close() { st.statm.close() }

// step takes one sample; no heap allocation once s.samples has room
// (sampler_test.go).
func (s *sampler) step(st *samplerStep) {
	r := st.mr.read()
	// One metrics.Read is not one instant: it reads the cycle count
	// before the marked heap and may be preempted between, so a mark
	// termination in that gap pairs cycle n-1's count with cycle n's
	// heap.  Both change in one stop-the-world; a count read again
	// after the heap and found unchanged shows none came between.
	metrics.Read(st.again)
	cycles := r.cycles
	if st.again[0].Value.Kind() != metrics.KindUint64 || st.again[0].Value.Uint64() != cycles {
		cycles = 0
	}
	s.peakLive = max(s.peakLive, r.heapLive)
	s.peakNonHeap = max(s.peakNonHeap, r.nonHeap())
	at := time.Since(s.t0)
	s.samples.append(sample{at, st.statm.rss(), r.heapObjects, r.nonHeap(), r.memUnused,
		cycles, r.heapLive})
}

// finish stops the goroutine; its fields are the caller's afterwards.
func (s *sampler) finish() {
	close(s.stop)
	<-s.done
}

var pageSize = uint64(os.Getpagesize())

// statmReader reads the resident set from /proc/self/statm (its second
// field, in pages) through a descriptor opened once and a buffer of its
// own: no heap allocation per reading (samplerStep says why).  fd < 0
// when the open failed: rss is then 0, as a failed reading always was.
type statmReader struct {
	fd  int
	buf [128]byte
}

func openStatm() statmReader {
	fd, err := syscall.Open("/proc/self/statm", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		fd = -1
	}
	return statmReader{fd: fd}
}

func (r *statmReader) close() {
	if r.fd >= 0 {
		syscall.Close(r.fd)
		r.fd = -1
	}
}

// rss is the resident set in bytes; 0 when it cannot be read.
func (r *statmReader) rss() uint64 {
	if r.fd < 0 {
		return 0
	}
	n, err := syscall.Pread(r.fd, r.buf[:], 0)
	if err != nil || n <= 0 {
		return 0
	}
	return statmResident(r.buf[:n]) * pageSize
}

// statmResident parses statm's second field ("size resident shared ..."),
// in pages; 0 when it is missing or not a number.
func statmResident(b []byte) uint64 {
	i := 0
	for i < len(b) && b[i] != ' ' { // size
		i++
	}
	for i < len(b) && b[i] == ' ' {
		i++
	}
	var v uint64
	start := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		v = v*10 + uint64(b[i]-'0')
		i++
	}
	if i == start || (i < len(b) && b[i] != ' ' && b[i] != '\n') {
		return 0
	}
	return v
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
