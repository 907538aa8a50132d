package main

import "syscall"

// offHeap returns a copy of b in memory the Go runtime does not manage:
// anonymous mappings of the process's own, never unmapped (a twin's
// process runs one run).  Twins keep their input corpora there (rpc's
// wire requests, jsontree's documents) because the C workloads keep theirs
// in malloc'd memory, outside the collector's heap: so the live heap the
// runtime paces on, and its memory-limit goal, hold the same data as the
// model's.  The corpus still counts in RSS, as the C workload's does.
// Setup only (one goroutine); the GC ignores pointers into this memory.
func offHeap(b []byte) []byte {
	n := len(b)
	if n == 0 {
		return b[:0:0]
	}
	if len(offHeapFree) < n {
		size := max(n, 1<<20)
		m, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_ANON|syscall.MAP_PRIVATE)
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
