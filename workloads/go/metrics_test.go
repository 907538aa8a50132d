package main

import (
	"runtime/metrics"
	"strings"
	"testing"
)

// nonHeap is /memory/classes/total less the heap classes the model
// accounts itself (released, free, objects, unused), and 0 rather than a
// wrapped difference for an inconsistent reading.
func TestNonHeapFromASample(t *testing.T) {
	s := runtimeStats{memTotal: 10 << 20, memReleased: 1 << 20, memFree: 2 << 20,
		heapObjects: 3 << 20, memUnused: 512 << 10}
	if got, want := s.nonHeap(), uint64(10<<20-1<<20-2<<20-3<<20-512<<10); got != want {
		t.Errorf("nonHeap %d, want %d", got, want)
	}
	s.memUnused = 5 << 20
	if got := s.nonHeap(); got != 0 {
		t.Errorf("nonHeap %d for heap classes over the total, want 0", got)
	}
}

// In one runtime/metrics reading, the driver's nonHeap is exactly the sum
// of the /memory/classes leaves that are not heap/objects, unused, free or
// released (stacks, metadata, os-stacks, profiling buckets, other): the
// memory Go's memoryLimitHeapGoal counts as non-heap beside heap/unused.
func TestNonHeapIsTheNonHeapClasses(t *testing.T) {
	heapClass := map[string]bool{"/memory/classes/heap/objects:bytes": true,
		"/memory/classes/heap/unused:bytes": true, "/memory/classes/heap/free:bytes": true,
		"/memory/classes/heap/released:bytes": true}
	var s []metrics.Sample
	for _, d := range metrics.All() {
		if strings.HasPrefix(d.Name, "/memory/classes/") {
			s = append(s, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(s)
	var st runtimeStats
	var others uint64
	found := 0
	for _, x := range s {
		v := x.Value.Uint64()
		switch x.Name {
		case "/memory/classes/total:bytes":
			st.memTotal = v
		case "/memory/classes/heap/objects:bytes":
			st.heapObjects = v
		case "/memory/classes/heap/unused:bytes":
			st.memUnused = v
		case "/memory/classes/heap/free:bytes":
			st.memFree = v
		case "/memory/classes/heap/released:bytes":
			st.memReleased = v
		default:
			others += v
			found++
		}
		if heapClass[x.Name] {
			found++
		}
	}
	if found < 8 {
		t.Fatalf("only %d /memory/classes leaves: %v", found, s)
	}
	if got := st.nonHeap(); got != others || got == 0 {
		t.Errorf("nonHeap %d, the non-heap classes sum to %d", got, others)
	}
}

// The driver's own reader fills in every class nonHeap needs.
func TestMetricsReaderReadsTheMemoryClasses(t *testing.T) {
	st := newMetricsReader().read()
	if st.memFree+st.memUnused == 0 || st.heapObjects == 0 || st.memTotal == 0 {
		t.Fatalf("memory classes not read: %+v", st)
	}
	if nh := st.nonHeap(); nh == 0 || nh >= st.memTotal {
		t.Fatalf("nonHeap %d of a %d-byte total", nh, st.memTotal)
	}
}
