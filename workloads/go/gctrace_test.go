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
	if len(tr.cycles) != 2 || tr.cycles[1].n != 7 || tr.cycles[1].goal != 5<<20 {
		t.Fatalf("cycles %+v, want cycles 6 and 7 (goal 5 MiB)", tr.cycles)
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
