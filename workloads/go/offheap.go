package main

import (
	"syscall"
	"unsafe"
)

// Memory the Go runtime does not manage: anonymous mappings of the
// process's own.  The C harness keeps its inputs and its own bookkeeping
// outside the collector's heap (malloc'd corpora, latency histograms, the
// per-cycle and RSS logs), so the twin does too: the live heap the runtime
// paces on, and its memory-limit goal, then hold the workload's data as
// the model's heap does, not the driver's.  It all still counts in RSS, as
// the C side's does.  The GC neither scans nor frees this memory: what is
// kept here holds no pointers (a pointer stored here would not keep its
// object alive), and each helper falls back to the Go heap when a mapping
// fails, which is still correct.

// mapAnon maps n zeroed, page-aligned bytes (n > 0).  Any goroutine.
func mapAnon(n int) ([]byte, error) {
	return syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

// offHeap returns a copy of b outside the Go heap, never unmapped (a
// twin's process runs one run).  Twins keep their input corpora there
// (rpc's wire requests, jsontree's documents), as the C workloads keep
// theirs in malloc'd memory.  Setup only (one goroutine).
func offHeap(b []byte) []byte {
	n := len(b)
	if n == 0 {
		return b[:0:0]
	}
	if len(offHeapFree) < n {
		m, err := mapAnon(max(n, 1<<20))
		if err != nil {
			return append([]byte(nil), b...) // on the heap, then: still correct
		}
		offHeapFree = m
	}
	out := offHeapFree[:n:n]
	offHeapFree = offHeapFree[n:]
	copy(out, b)
	return out
}

var offHeapFree []byte // the unused rest of the last mapping

// offHeapNew returns a zeroed T in a mapping of its own, never unmapped:
// for the driver's larger pointer-free records (a latency histogram is
// 59 KB), a page at least.  T must hold no pointers.  Any goroutine.
func offHeapNew[T any]() *T {
	var zero T
	m, err := mapAnon(max(int(unsafe.Sizeof(zero)), 1))
	if err != nil {
		return new(T)
	}
	return (*T)(unsafe.Pointer(unsafe.SliceData(m)))
}

// offHeapBytes returns n zeroed bytes in a mapping of their own (n > 0),
// never unmapped.  Any goroutine.
func offHeapBytes(n int) []byte {
	m, err := mapAnon(n)
	if err != nil {
		return make([]byte, n)
	}
	return m
}

// offHeapSlice is an append-only slice of pointer-free T outside the Go
// heap: the driver's logs that grow with the run (a gctrace cycle per GC,
// an RSS sample per tick).  It grows by doubling into a fresh mapping
// (the first offHeapChunk bytes) and unmaps the old one, so s must not be
// kept across an append.  One goroutine at a time, as a plain slice.
type offHeapSlice[T any] struct {
	s []T    // the elements; read it directly
	m []byte // the mapping s lives in; nil while s is on the Go heap
}

const offHeapChunk = 64 << 10 // bytes of an offHeapSlice's first mapping

func (o *offHeapSlice[T]) append(v T) {
	if len(o.s) == cap(o.s) {
		o.grow()
	}
	o.s = append(o.s, v) // within capacity: no allocation
}

func (o *offHeapSlice[T]) grow() {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if size == 0 {
		return // append of a zero-size T never allocates
	}
	n := max(2*cap(o.s), offHeapChunk/size, 1)
	m, err := mapAnon(n * size)
	var s []T
	if err == nil {
		s = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(m))), n)[:len(o.s)]
	} else {
		s, m = make([]T, len(o.s), n), nil // on the heap, then: still correct
	}
	copy(s, o.s)
	if o.m != nil {
		syscall.Munmap(o.m)
	}
	o.s, o.m = s, m
}
