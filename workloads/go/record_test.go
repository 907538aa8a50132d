package main

import (
	"encoding/json"
	"os"
	"testing"
)

// The JSON record of a real run of twin `name` with params, threads and
// ops, through the driver's runMutators and fill (as main runs it).
func runRecord(t *testing.T, name string, params map[string]string, threads int, ops uint64) []byte {
	t.Helper()
	twin := twins[name]
	p, err := twin.params(params)
	if err != nil {
		t.Fatal(err)
	}
	spec := &runSpec{Record: map[string]any{}, Workload: name, Threads: threads, Ops: ops,
		SampleHz: 1000, RecordLatency: true}
	presetup := newMetricsReader().read()
	w := twin.New()
	if err := w.setup(p, spec.Threads); err != nil {
		t.Fatal(err)
	}
	mr := runMutators(spec, w)
	if mr.failure != nil {
		t.Fatal(mr.failure)
	}
	mr.presetup = presetup
	// fill drains gctrace: no capture here, so an empty trace file.
	f, err := os.CreateTemp(t.TempDir(), "gctrace")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	trace := newGCTrace(f, devnull)
	rec := newRecord(spec.Record)
	rec.fill(spec, mr, trace)

	text, err := json.Marshal(rec.v)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// bytes_allocated counts from before the set-up, as the C harness counts
// its mutators' allocations (thread_init included): lrucache fills a
// 1 MiB cache in threadInit and then runs 10 ops, which allocate a few KB.
func TestBytesAllocatedIncludeSetup(t *testing.T) {
	text := runRecord(t, "lrucache", map[string]string{"live": "1MiB"}, 1, 10)
	var v struct {
		Bytes   *float64 `json:"bytes_allocated"`
		Objects *float64 `json:"objects_allocated"`
	}
	if err := json.Unmarshal(text, &v); err != nil {
		t.Fatal(err)
	}
	if v.Bytes == nil || v.Objects == nil || *v.Bytes < 1<<20 || *v.Objects < 1000 {
		t.Errorf("bytes_allocated %v, objects_allocated %v: want >= 1 MiB and >= 1000 (the cache's fill)",
			v.Bytes, v.Objects)
	}
}

// A real run of a twin (collect, two mutators) through the driver's
// runMutators and fill: the record carries the runtime's non-heap memory
// at the start barrier (what the models' option nonheap stands for), its
// peak, the heap set-up left, the scannable heap before set-up (what the
// models' option runtime_heap stands for) and the pacer's scan inputs, as
// numbers in the JSON the runner reads.
func TestRecordCarriesNonHeap(t *testing.T) {
	text := runRecord(t, "collect", map[string]string{"n": "100"}, 2, 40)
	var v struct {
		Collector struct {
			NonHeap     *float64 `json:"nonheap_bytes"`
			NonHeapPeak *float64 `json:"nonheap_peak_bytes"`
			NonHeapMed  *float64 `json:"nonheap_median_bytes"`
		} `json:"collector"`
		Heap struct {
			Setup       *float64 `json:"setup_bytes"`
			RuntimeScan *float64 `json:"runtime_scan_bytes"`
		} `json:"heap"`
		GC struct {
			ScanHeap    *float64 `json:"scan_heap_bytes"`
			ScanStack   *float64 `json:"scan_stack_bytes"`
			ScanGlobals *float64 `json:"scan_globals_bytes"`
		} `json:"gc"`
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
	if med := v.Collector.NonHeapMed; med == nil || *med < 64<<10 || *med > *peak {
		t.Errorf("nonheap_median_bytes %v: want 64 KiB <= median <= peak %g", med, *peak)
	}
	if *setup <= 0 {
		t.Errorf("heap.setup_bytes %g", *setup)
	}
	// The runtime's Ps, Ms and Gs alone are tens of KB of scannable heap,
	// and its data and bss hold pointers.  (The stack bytes scanned are
	// those of the last cycle: none may have run in this short test.)
	rs, sh, ss, sg := v.Heap.RuntimeScan, v.GC.ScanHeap, v.GC.ScanStack, v.GC.ScanGlobals
	if rs == nil || sh == nil || ss == nil || sg == nil {
		t.Fatalf("record without heap.runtime_scan_bytes or gc.scan_{heap,stack,globals}_bytes: %s", text)
	}
	if *rs < 16<<10 || *sh <= 0 || *sg < 16<<10 {
		t.Errorf("runtime_scan_bytes %g, scan_heap %g, scan_globals %g (scan_stack %g): want >= 16 KiB, > 0, >= 16 KiB",
			*rs, *sh, *sg, *ss)
	}
}
