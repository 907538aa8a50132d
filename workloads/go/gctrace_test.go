package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// traceFile is an unlinked temporary file as fd 2 would be: the test
// writes what the runtime would, drain reads it with ReadAt.
func traceFile(t *testing.T) *os.File {
	f, err := os.CreateTemp(t.TempDir(), "gctrace")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// The runtime prints a line in several writes: a line without its newline
// yet is left for the next drain, not parsed half, not lost.
func TestGCTraceLineInTwoWrites(t *testing.T) {
	f := traceFile(t)
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	tr := newGCTrace(f, devnull)
	line := "gc 7 @0.123s 4%: 0.011+1.2+0.019 ms clock, 0.022+0.31/0.19/0.05+0.038 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	cut := 70
	f.WriteString("gc 6 @0.100s 4%: 0.011+1.2+0.019 ms clock, 0.022+0.31/0.19/0.05+0.038 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
	f.WriteString(line[:cut])
	if rest := tr.scan(false); rest != cut || len(tr.cycles.s) != 1 {
		t.Fatalf("after a line and a half: %d bytes left, %d cycles; want %d and 1", rest, len(tr.cycles.s), cut)
	}
	f.WriteString(line[cut:])
	if c := tr.drain(); len(c) != 2 || c[1].n != 7 || c[1].goal != 5<<20 {
		t.Fatalf("cycles %+v, want cycles 6 and 7 (goal 5 MiB)", c)
	}
}

// A last line that never gets its newline is passed on at the final scan;
// a line longer than the read buffer is still one line.
func TestGCTraceUnfinishedAndLongLines(t *testing.T) {
	f, out := traceFile(t), traceFile(t) // out: more than a pipe holds
	tr := newGCTrace(f, out)
	long := strings.Repeat("x", len(tr.buf)+100)
	f.WriteString(long + "\nunfinished")
	if rest := tr.scan(false); rest != len("unfinished") {
		t.Fatalf("left %d bytes, want %d", rest, len("unfinished"))
	}
	if rest := tr.scan(true); rest != 0 {
		t.Fatalf("final scan left %d bytes", rest)
	}
	got, _ := os.ReadFile(out.Name())
	if want := long + "\nunfinished\n"; string(got) != want {
		t.Fatalf("passed on %d bytes, want %d (the long line, then the unfinished one)", len(got), len(want))
	}
}

// With gcpacertrace, the pacer's mark-end line gives the next gctrace
// line its exact bytes and cons/mark; the pacer's other lines are dropped,
// never passed on to stderr.
func TestGCTracePacerLine(t *testing.T) {
	w := traceFile(t)
	er, ew, _ := os.Pipe()
	tr := newGCTrace(w, ew)
	w.WriteString("pacer: assist ratio=0.29 (scan 0 MB in 3->4 MB) workers=0+0.25\n")
	w.WriteString("pacer: 28% CPU (25 exp.) for 73840+2240+154762 B work (227498 B exp.) in 3412672 B -> 4666048 B (∆goal 471744, cons/mark 5.967512296415186)\n")
	w.WriteString("gc 390 @2.738s 11%: 0.28+2.7+0.032 ms clock, 0.56+0/1.2/0+0.065 ms cpu, 2->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
	w.WriteString("pacer: sweep done at heap size 3MB; allocated 1MB during sweep; swept 598 pages at 0 pages/byte\n")
	w.WriteString("gc 391 @2.743s 11%: 0.18+1.3+0.028 ms clock, 0.37+0.10/0.063/0.10+0.057 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
	w.WriteString("other\n")
	tr.drain()
	if len(tr.cycles.s) != 2 {
		t.Fatalf("cycles %+v, want 390 and 391", tr.cycles.s)
	}
	p := tr.cycles.s[0].pacer
	if !tr.cycles.s[0].hasPacer || p.triggered != 3412672 || p.heapEnd != 4666048 || p.goal != 4666048-471744 ||
		p.scanHeap+p.scanStack+p.scanGlobals != 73840+2240+154762 || p.consMark != 5.967512296415186 {
		t.Fatalf("cycle 390's pacer %+v", p)
	}
	if tr.cycles.s[1].hasPacer {
		t.Fatalf("cycle 391 got a pacer line that was not its own: %+v", tr.cycles.s[1].pacer)
	}
	ew.Close()
	buf := make([]byte, 256)
	n, _ := er.Read(buf)
	if got := string(buf[:n]); got != "other\n" {
		t.Fatalf("passed on to stderr: %q, want only the other line", got)
	}
}

// The expressions the hand matchers of gctrace_match.go implement.
var (
	gcTraceLineRE = regexp.MustCompile(`^gc (\d+) @([0-9.]+)s \d+%[^:]*: ([0-9.]+)\+([0-9.]+)\+([0-9.]+) ms clock, ` +
		`([0-9.]+)\+([0-9.]+)/([0-9.]+)/([0-9.]+)\+([0-9.]+) ms cpu, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal, .* (\d+) P( \(forced\))?`)
	pacerLineRE = regexp.MustCompile(`^pacer: \d+% CPU \(\d+ exp\.\) for (\d+)\+(\d+)\+(\d+) B work ` +
		`\(\d+ B exp\.\) in (\d+) B -> (\d+) B \(∆goal (-?\d+), cons/mark ([-+0-9.e]+|NaN|[+-]Inf)\)`)
)

var gcTraceCorpus = []string{
	"gc 1 @0.001s 14%: 0.21+0.28+0.007 ms clock, 0.42+0.067/0.079/0+0.014 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 2 P",
	"gc 390 @2.738s 11%: 0.28+2.7+0.032 ms clock, 0.56+0/1.2/0+0.065 ms cpu, 2->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
	"gc 12 @10.5s 3%: 0.1+1+0.02 ms clock, 0.2+0.1/0.3/0.4+0.05 ms cpu, 120->130->60 MB, 121 MB goal, 1 MB stacks, 0 MB globals, 16 P (forced)",
	"gc 7 @0.123s 4% (x): 0.011+1.2+0.019 ms clock, 0.022+0.31/0.19/0.05+0.038 ms cpu, 4->5->2 MB, 5 MB goal, 2 P, 3 P",
	"gc 8 @1.0s 5%: 1+2+3 ms clock, 1+2/3/4+5 ms cpu, 1->2->3 MB, 4 MB goal, 8 P junk 9 P (forced) tail",
	"pacer: 28% CPU (25 exp.) for 73840+2240+154762 B work (227498 B exp.) in 3412672 B -> 4666048 B (∆goal 471744, cons/mark 5.967512296415186)",
	"pacer: 25% CPU (25 exp.) for 37328+1936+177482 B work (216618 B exp.) in 59600 B -> 76016 B (∆goal -24432, cons/mark 0)",
	"pacer: 25% CPU (25 exp.) for 1+2+3 B work (4 B exp.) in 5 B -> 6 B (∆goal 7, cons/mark NaN)",
	"pacer: 25% CPU (25 exp.) for 1+2+3 B work (4 B exp.) in 5 B -> 6 B (∆goal 7, cons/mark +Inf)",
	"pacer: 25% CPU (25 exp.) for 1+2+3 B work (4 B exp.) in 5 B -> 6 B (∆goal 7, cons/mark -1.5e-07)",
	"pacer: assist ratio=0.29 (scan 0 MB in 3->4 MB) workers=0+0.25",
	"pacer: sweep done at heap size 3MB; allocated 1MB during sweep; swept 598 pages at 0 pages/byte",
}

// The hand matchers accept exactly what the expressions accept, with the
// same groups: on real and odd lines, every prefix of each, and each with
// one byte deleted or replaced.
func TestGCTraceMatchersAreTheExpressions(t *testing.T) {
	var lines []string
	for _, l := range gcTraceCorpus {
		for i := 0; i <= len(l); i++ {
			lines = append(lines, l[:i])
			if i < len(l) {
				lines = append(lines, l[:i]+l[i+1:], l[:i]+"x"+l[i+1:], l[:i]+"9"+l[i+1:], l[:i]+" "+l[i+1:])
			}
		}
	}
	for _, l := range lines {
		var m [17]string
		got, want := matchGCTrace([]byte(l), &m), gcTraceLineRE.FindStringSubmatch(l)
		if got != (want != nil) || got && !slices.Equal(m[:], want) {
			t.Fatalf("gc line %q: matched %v %q, the expression %q", l, got, m, want)
		}
		var pm [8]string
		got, want = matchPacer([]byte(l), &pm), pacerLineRE.FindStringSubmatch(l)
		if got != (want != nil) || got && !slices.Equal(pm[:], want) {
			t.Fatalf("pacer line %q: matched %v %q, the expression %q", l, got, pm, want)
		}
	}
}

// The reader allocates nothing for the runtime's lines, so it never waits
// for the GC (gctrace_match.go).
func TestGCTraceLineDoesNotAllocate(t *testing.T) {
	tr := &gcTrace{}
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	for _, l := range gcTraceCorpus[:2] {
		b := []byte(l)
		if n := testing.AllocsPerRun(100, func() { tr.line(b, devnull) }); n != 0 {
			t.Errorf("%.1f allocations per gctrace line", n)
		}
	}
	for _, l := range gcTraceCorpus[5:] {
		b := []byte(l)
		if n := testing.AllocsPerRun(100, func() { tr.line(b, devnull) }); n != 0 {
			t.Errorf("%.1f allocations per pacer line %q", n, l)
		}
	}
}
