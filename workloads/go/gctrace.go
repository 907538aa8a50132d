package main

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// The per-cycle log comes from the runtime itself: the run's process is
// started with GODEBUG=gctrace=1, so at the end of every cycle the runtime
// writes one line to fd 2 (runtime/mgc.go, gcMarkTermination).  The driver
// points fd 2 at a pipe it reads: gctrace lines are parsed and kept, any
// other line is passed on to the real stderr, which also receives the text
// of a fatal error (debug.SetCrashOutput).
//
// Units and resolution of a line (Go 1.26):
//   gc N @S.sss s P%: X+Y+Z ms clock, A+B/C/D+E ms cpu, H0->H1->H2 MB, G MB goal, ...
// @ is milliseconds since runtime init; clock and cpu times have two
// significant digits (1 µs at best); heap sizes are whole MiB, truncated.
//
// With GODEBUG=gcpacertrace=1 too (the peer's `pacertrace` option), the
// runtime prints at each mark end, before that cycle's gctrace line
// (runtime/mgcpacer.go, endCycle):
//   pacer: U% CPU (25 exp.) for H+S+G B work (E B exp.) in T B -> L B (∆goal D, cons/mark C)
// exact in bytes: the scan work (heap, stacks, globals), the heap at the
// trigger (c.triggered) and at mark end, the distance from the goal, and
// the cons/mark estimate that set this cycle's runway.  It is joined to the
// gctrace line that follows; the pacer's other lines (assist ratio, sweep
// done) are dropped.

type gcTraceCycle struct {
	n                                                                 uint64
	atS                                                               float64 // cycle start, seconds since runtime init
	sweepTermS, markS, markTermS                                      float64 // wall: STW sweep termination, concurrent mark, STW mark termination
	cpuSweepTermS, cpuAssistS, cpuBackgroundS, cpuIdleS, cpuMarkTermS float64
	heap0, heap1, heap2, goal                                         uint64 // bytes: at start, at end of mark, marked live; goal
	procs                                                             int
	forced                                                            bool
	hasPacer                                                          bool       // false without gcpacertrace
	pacer                                                             pacerCycle // zero unless hasPacer
}

// pacerCycle is one "pacer: N% CPU" line: bytes, except consMark.
type pacerCycle struct {
	scanHeap, scanStack, scanGlobals uint64
	triggered, heapEnd, goal         uint64
	consMark                         float64
}

const gcTraceDrained = "gcbench-go: end of gctrace\n"

// gcTrace's cycles live outside the Go heap (offheap.go), as the C
// harness's cycle log is outside the collector's: under a tight memory
// limit Go runs thousands of cycles, ~190 bytes each.
type gcTrace struct {
	mu       sync.Mutex
	cycles   offHeapSlice[gcTraceCycle] // appended by the reader under mu
	pacer    pacerCycle                 // the last pacer line, for the next gctrace line; the reader only
	hasPacer bool                       // pacer is one not yet joined; the reader only
	marks    chan struct{}              // one per marker read back
}

// captureGCTrace redirects fd 2 through a pipe read by a goroutine.
// Call once, before the run allocates anything of note.
func captureGCTrace() (*gcTrace, error) {
	t := &gcTrace{marks: make(chan struct{}, 1)}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, err
	}
	const fSetPipeSz = 1031
	syscall.Syscall(syscall.SYS_FCNTL, uintptr(p[1]), fSetPipeSz, 1<<20) // best effort: never block the runtime
	orig, err := syscall.Dup(2)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(orig)
	if err := syscall.Dup3(p[1], 2, 0); err != nil {
		return nil, err
	}
	syscall.Close(p[1])
	stderr := os.NewFile(uintptr(orig), "stderr")
	debug.SetCrashOutput(stderr, debug.CrashOptions{})
	go t.read(os.NewFile(uintptr(p[0]), "gctrace"), stderr)
	return t, nil
}

func (t *gcTrace) read(r, stderr *os.File) {
	sc := bufio.NewScanner(r)
	sc.Buffer(offHeapBytes(64<<10), 1<<20) // a longer line gets a heap buffer
	// The runtime prints a gctrace line in several write calls, so the
	// marker (one write) can land inside one: "gc 5 ... 0.19/0.31" +
	// marker, then the line's rest as the next line.  The part before the
	// marker is held and joined to the next line, and the marker is
	// acknowledged only once that line is whole, so its cycle is drained too.
	// The line's bytes are the scanner's (no copy: the reader allocates
	// only for a held part or another program's line; gctrace_match.go).
	marker := []byte(strings.TrimSuffix(gcTraceDrained, "\n"))
	var pending []byte
	ackAfter := false
	for sc.Scan() {
		line := sc.Bytes()
		if pending != nil {
			line = append(pending, line...)
			pending = nil
		}
		if i := bytes.Index(line, marker); i >= 0 {
			line = append(line[:i:i], line[i+len(marker):]...)
			if len(line) > 0 {
				pending, ackAfter = line, true
				continue
			}
			t.marks <- struct{}{}
			continue
		}
		t.line(line, stderr)
		if ackAfter {
			ackAfter = false
			t.marks <- struct{}{}
		}
	}
}

// line keeps a gctrace line's cycle, or passes any other line on to the
// real stderr.  The reader only; allocates nothing for the runtime's lines.
func (t *gcTrace) line(line []byte, stderr *os.File) {
	var m [17]string
	if matchGCTrace(line, &m) {
		c := parseCycle(m[:])
		if t.hasPacer {
			c.pacer, c.hasPacer, t.hasPacer = t.pacer, true, false
		}
		t.mu.Lock()
		t.cycles.append(c)
		t.mu.Unlock()
		return
	}
	var pm [8]string
	if matchPacer(line, &pm) {
		t.pacer, t.hasPacer = parsePacer(pm[:]), true
		return
	}
	if bytes.HasPrefix(line, []byte("pacer: ")) {
		return // assist ratio (cycle start), sweep done: not kept
	}
	stderr.Write(append(line[:len(line):len(line)], '\n'))
}

func parsePacer(m []string) pacerCycle {
	u := func(i int) uint64 { v, _ := strconv.ParseUint(m[i], 10, 64); return v }
	d, _ := strconv.ParseInt(m[6], 10, 64)
	cm, _ := strconv.ParseFloat(m[7], 64)
	p := pacerCycle{scanHeap: u(1), scanStack: u(2), scanGlobals: u(3), triggered: u(4),
		heapEnd: u(5), consMark: cm}
	if g := int64(p.heapEnd) - d; g > 0 {
		p.goal = uint64(g)
	}
	return p
}

func parseCycle(m []string) gcTraceCycle {
	f := func(i int) float64 { v, _ := strconv.ParseFloat(m[i], 64); return v }
	u := func(i int) uint64 { v, _ := strconv.ParseUint(m[i], 10, 64); return v }
	return gcTraceCycle{
		n: u(1), atS: f(2),
		sweepTermS: f(3) / 1e3, markS: f(4) / 1e3, markTermS: f(5) / 1e3,
		cpuSweepTermS: f(6) / 1e3, cpuAssistS: f(7) / 1e3, cpuBackgroundS: f(8) / 1e3,
		cpuIdleS: f(9) / 1e3, cpuMarkTermS: f(10) / 1e3,
		heap0: u(11) << 20, heap1: u(12) << 20, heap2: u(13) << 20, goal: u(14) << 20,
		procs: int(u(15)), forced: m[16] != "",
	}
}

// drain returns every cycle the runtime reported before the call: the
// marker written after them comes out of the pipe after them.
// Other lines written before it have reached the real stderr by then.
func (t *gcTrace) drain() []gcTraceCycle {
	os.Stderr.WriteString(gcTraceDrained)
	<-t.marks
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]gcTraceCycle(nil), t.cycles.s...)
}
