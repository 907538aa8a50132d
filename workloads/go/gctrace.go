package main

import (
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// The per-cycle log comes from the runtime itself: the run's process is
// started with GODEBUG=gctrace=1, so at the end of every cycle the runtime
// writes one line to fd 2 (runtime/mgc.go, gcMarkTermination).  The driver
// points fd 2 at an unlinked temporary file and reads it only when the run
// is over (drain): nothing in the process wakes up when the runtime writes
// a line.  A pipe read by a goroutine did: each write made the reader
// runnable on a P, and with gcpacertrace (a line at every mark start) the
// reader took the idle P the cycle's mark worker would have used; on api
// (GOMAXPROCS 2) Go then ran 7 % fewer cycles, 40 % longer marks and 4.5x
// the assist time per cycle.  Lines that are not the runtime's trace are
// passed on to the real stderr at drain; os.Stderr itself is pointed at the
// real stderr, and so is the text of a fatal error (debug.SetCrashOutput).
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

// gcTrace's cycles live outside the Go heap (offheap.go), as the C
// harness's cycle log is outside the collector's: under a tight memory
// limit Go runs thousands of cycles, ~190 bytes each.
type gcTrace struct {
	mu       sync.Mutex                 // drain
	file     *os.File                   // fd 2's file, read with ReadAt (pread: fd 2's offset stays the runtime's)
	stderr   *os.File                   // the real stderr
	off      int64                      // bytes of file drained
	cycles   offHeapSlice[gcTraceCycle] // parsed by drain
	pacer    pacerCycle                 // the last pacer line, for the next gctrace line
	hasPacer bool                       // pacer is one not yet joined
	buf      []byte                     // drain's read buffer, off the Go heap
}

// captureGCTrace points fd 2 at an unlinked temporary file.  Call once,
// before the run allocates anything of note.
func captureGCTrace() (*gcTrace, error) {
	f, err := os.CreateTemp("", "gcbench-gctrace-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // the open file lives on until exit
	orig, err := syscall.Dup(2)
	if err != nil {
		f.Close()
		return nil, err
	}
	syscall.CloseOnExec(orig)
	if err := syscall.Dup3(int(f.Fd()), 2, 0); err != nil {
		f.Close()
		syscall.Close(orig)
		return nil, err
	}
	stderr := os.NewFile(uintptr(orig), "stderr")
	debug.SetCrashOutput(stderr, debug.CrashOptions{})
	fd2 = os.Stderr // kept reachable: its finalizer would close fd 2
	os.Stderr = stderr
	return newGCTrace(f, stderr), nil
}

// fd2 is the *os.File of fd 2 that os.Stderr was before the capture.
var fd2 *os.File

func newGCTrace(f, stderr *os.File) *gcTrace {
	return &gcTrace{file: f, stderr: stderr, buf: offHeapBytes(64 << 10)}
}

// drain parses what the runtime has written since the last drain and
// returns every cycle so far.  A line still being written (the runtime
// prints one in several writes) is waited for, up to 100 ms, then passed
// on as text.  Goroutine-safe; the driver calls it once the ops are over.
func (t *gcTrace) drain() []gcTraceCycle {
	t.mu.Lock()
	defer t.mu.Unlock()
	for try := 0; ; try++ {
		if t.scan(try >= 100) == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	return append([]gcTraceCycle(nil), t.cycles.s...)
}

// scan parses the complete lines from t.off on (and with final, a last
// line without its newline too); returns the bytes of an incomplete line
// left for the next scan.
func (t *gcTrace) scan(final bool) int {
	var long []byte // a line longer than buf, on the heap
	for {
		n, err := t.file.ReadAt(t.buf, t.off)
		chunk := t.buf[:n]
		for {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				break
			}
			line := chunk[:i]
			if long != nil {
				line = append(long, line...)
				long = nil
			}
			t.line(line, t.stderr)
			chunk = chunk[i+1:]
			t.off += int64(i + 1)
		}
		if err != nil || n < len(t.buf) { // at the end of what is written
			rest := len(long) + len(chunk)
			if rest > 0 && final {
				t.line(append(long, chunk...), t.stderr)
				t.off += int64(len(chunk))
				return 0
			}
			t.off -= int64(len(long)) // read again next time
			return rest
		}
		if len(chunk) == n { // no newline in a whole buffer
			long = append(long, chunk...)
			t.off += int64(n)
		}
	}
}

// line takes one line of fd 2: a cycle, a pacer line, or text for stderr.
// Under t.mu (drain).
func (t *gcTrace) line(line []byte, stderr *os.File) {
	var m [17]string
	if matchGCTrace(line, &m) {
		c := parseCycle(m[:])
		if t.hasPacer {
			c.pacer, c.hasPacer, t.hasPacer = t.pacer, true, false
		}
		t.cycles.append(c)
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
