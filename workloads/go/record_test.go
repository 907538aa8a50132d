package main

import (
	"encoding/json"
	"os"
	"testing"
)

// A real run of a twin (collect, two mutators) through the driver's
// runMutators and fill: the record carries the runtime's non-heap memory
// at the start barrier (what the models' option nonheap stands for), its
// peak, and the heap set-up left, as numbers in the JSON the runner reads.
func TestRecordCarriesNonHeap(t *testing.T) {
	twin := twins["collect"]
	p, err := twin.params(map[string]string{"n": "100"})
	if err != nil {
		t.Fatal(err)
	}
	spec := &runSpec{Record: map[string]any{}, Workload: "collect", Threads: 2, Ops: 40,
		SampleHz: 1000, RecordLatency: true}
	w := twin.New()
	if err := w.setup(p, spec.Threads); err != nil {
		t.Fatal(err)
	}
	mr := runMutators(spec, w)
	if mr.failure != nil {
		t.Fatal(mr.failure)
	}
	// fill drains gctrace: no capture here, so the marker is acknowledged
	// in advance and written to a discarded stderr.
	trace := &gcTrace{marks: make(chan struct{}, 1)}
	trace.marks <- struct{}{}
	stderr := os.Stderr
	os.Stderr, _ = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	rec := newRecord(spec.Record)
	rec.fill(spec, mr, trace)
	os.Stderr.Close()
	os.Stderr = stderr

	text, err := json.Marshal(rec.v)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Collector struct {
			NonHeap     *float64 `json:"nonheap_bytes"`
			NonHeapPeak *float64 `json:"nonheap_peak_bytes"`
		} `json:"collector"`
		Heap struct {
			Setup *float64 `json:"setup_bytes"`
		} `json:"heap"`
	}
	if err := json.Unmarshal(text, &v); err != nil {
		t.Fatal(err)
	}
	nh, peak, setup := v.Collector.NonHeap, v.Collector.NonHeapPeak, v.Heap.Setup
	if nh == nil || peak == nil || setup == nil {
		t.Fatalf("record without collector.nonheap_bytes, nonheap_peak_bytes or heap.setup_bytes: %s", text)
	}
	if *nh < 64<<10 || *nh > *peak || *peak > 1<<30 {
		t.Errorf("nonheap_bytes %g, nonheap_peak_bytes %g: want 64 KiB <= nonheap <= peak < 1 GiB", *nh, *peak)
	}
	if *setup <= 0 {
		t.Errorf("heap.setup_bytes %g", *setup)
	}
}
