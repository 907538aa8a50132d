package main

import (
	"os"
	"testing"
	"time"
)

// The drain marker can land inside a gctrace line (the runtime prints a
// line in several writes): the line must still be parsed, and the marker
// acknowledged, never waited for forever.
func TestGCTraceMarkerInsideLine(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	tr := &gcTrace{marks: make(chan struct{}, 1)}
	go tr.read(r, devnull)
	line := "gc 7 @0.123s 4%: 0.011+1.2+0.019 ms clock, 0.022+0.31/0.19/0.05+0.038 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	cut := 70
	w.WriteString("gc 6 @0.100s 4%: 0.011+1.2+0.019 ms clock, 0.022+0.31/0.19/0.05+0.038 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
	w.WriteString(line[:cut])
	w.WriteString(gcTraceDrained)
	w.WriteString(line[cut:])
	select {
	case <-tr.marks:
	case <-time.After(5 * time.Second):
		t.Fatal("marker inside a gctrace line was never acknowledged")
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if c := tr.cycles.s; len(c) != 2 || c[1].n != 7 || c[1].goal != 5<<20 {
		t.Fatalf("cycles %+v, want cycles 6 and 7 (goal 5 MiB)", c)
	}
	w.Close()
}

func TestGCTraceMarkerAlone(t *testing.T) {
	r, w, _ := os.Pipe()
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	tr := &gcTrace{marks: make(chan struct{}, 1)}
	go tr.read(r, devnull)
	w.WriteString(gcTraceDrained)
	select {
	case <-tr.marks:
	case <-time.After(5 * time.Second):
		t.Fatal("marker never acknowledged")
	}
	w.Close()
}

// With gcpacertrace, the pacer's mark-end line gives the next gctrace
// line its exact bytes and cons/mark; the pacer's other lines are dropped,
// never passed on to stderr.
func TestGCTracePacerLine(t *testing.T) {
	r, w, _ := os.Pipe()
	er, ew, _ := os.Pipe()
	tr := &gcTrace{marks: make(chan struct{}, 1)}
	go tr.read(r, ew)
	w.WriteString("pacer: assist ratio=0.29 (scan 0 MB in 3->4 MB) workers=0+0.25\n")
	w.WriteString("pacer: 28% CPU (25 exp.) for 73840+2240+154762 B work (227498 B exp.) in 3412672 B -> 4666048 B (∆goal 471744, cons/mark 5.967512296415186)\n")
	w.WriteString("gc 390 @2.738s 11%: 0.28+2.7+0.032 ms clock, 0.56+0/1.2/0+0.065 ms cpu, 2->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
	w.WriteString("pacer: sweep done at heap size 3MB; allocated 1MB during sweep; swept 598 pages at 0 pages/byte\n")
	w.WriteString("gc 391 @2.743s 11%: 0.18+1.3+0.028 ms clock, 0.37+0.10/0.063/0.10+0.057 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
	w.WriteString("other\n")
	w.WriteString(gcTraceDrained)
	select {
	case <-tr.marks:
	case <-time.After(5 * time.Second):
		t.Fatal("marker never acknowledged")
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
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
	w.Close()
}
