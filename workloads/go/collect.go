package main

// The twin of workloads/collect.c: one op is slices.Collect of an iterator
// of n elements, element k being collectValue(seed + tid, k): an int64
// (elem = int, a pointer-free array) or a fresh *collectItem holding the
// value and k (elem = ptr, a scanned array).  append grows the slice
// (Go's growslice; the C workload models it in growslice.h).  Then the op
// checks the capacity (against what Collect gave in setup), the length and
// every element, and drops the slice.  The run checksum folds, per op, the
// length and the wrapping sum of the values (digest.go).

import (
	"fmt"
	"iter"
	"slices"
)

func init() {
	register(&Twin{
		Name:       "collect",
		DefaultOps: 30000,
		Params: []ParamDesc{
			{Name: "n", Kind: ParamInt, Default: "1000"},
			{Name: "elem", Kind: ParamEnum, Default: "int", Choices: "int|ptr"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
		},
		New: func() Workload { return &collectTwin{} },
	})
}

// collectItem is what the iterator yields with elem = ptr (16 bytes).
type collectItem struct {
	v uint64 // the iterator's value
	k uint64 // its index
}

type collectTwin struct {
	n       uint64
	ptrs    bool
	seed    uint64
	corrupt bool
	wantCap int      // capacity slices.Collect gives for n elements
	digest  []uint64 // per thread
}

// collectValue is collect.c's value(): element k of the sequence seeded by seed.
func collectValue(seed, k uint64) uint64 {
	z := seed*0x100000001b3 + k + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func collectInts(seed, n uint64) iter.Seq[int64] {
	return func(yield func(int64) bool) {
		for k := uint64(0); k < n; k++ {
			if !yield(int64(collectValue(seed, k))) {
				return
			}
		}
	}
}

func collectItems(seed, n uint64) iter.Seq[*collectItem] {
	return func(yield func(*collectItem) bool) {
		for k := uint64(0); k < n; k++ {
			if !yield(&collectItem{v: collectValue(seed, k), k: k}) {
				return
			}
		}
	}
}

func (w *collectTwin) setup(p Params, nthreads int) error {
	w.n = uint64(p.Int("n"))
	w.ptrs = p.Enum("elem") == "ptr"
	w.seed = uint64(p.Int("seed"))
	w.corrupt = p.Bool("corrupt")
	if w.ptrs {
		w.wantCap = cap(slices.Collect(collectItems(w.seed, w.n)))
	} else {
		w.wantCap = cap(slices.Collect(collectInts(w.seed, w.n)))
	}
	w.digest = make([]uint64, nthreads)
	for i := range w.digest {
		w.digest[i] = digestInit
	}
	return nil
}

func (w *collectTwin) threadInit(tid int) error { return nil }
func (w *collectTwin) threadFini(tid int) error { return nil }

func (w *collectTwin) op(tid int, i uint64) error {
	seed := w.seed + uint64(tid) // each thread its own sequence
	var length, capacity int
	var sum uint64
	check := func(k int, got, gotk uint64) error {
		if want := collectValue(seed, uint64(k)); got != want || gotk != uint64(k) {
			return fmt.Errorf("collect: op %d element %d is %016x (index %d), expected %016x (slice corrupted)",
				i, k, got, gotk, want)
		}
		sum += got
		return nil
	}
	if w.ptrs {
		s := slices.Collect(collectItems(seed, w.n))
		if w.corrupt {
			s[len(s)/2].v ^= 1
		}
		length, capacity = len(s), cap(s)
		if capacity != w.wantCap {
			return w.capError(i, capacity)
		}
		for k, it := range s {
			if it == nil {
				return check(k, 0, ^uint64(0))
			}
			if err := check(k, it.v, it.k); err != nil {
				return err
			}
		}
	} else {
		s := slices.Collect(collectInts(seed, w.n))
		if w.corrupt {
			s[len(s)/2] ^= 1
		}
		length, capacity = len(s), cap(s)
		if capacity != w.wantCap {
			return w.capError(i, capacity)
		}
		for k, v := range s {
			if err := check(k, uint64(v), uint64(k)); err != nil {
				return err
			}
		}
	}
	if uint64(length) != w.n {
		return fmt.Errorf("collect: op %d collected %d elements, expected %d", i, length, w.n)
	}
	w.digest[tid] = digestFold(digestFold(w.digest[tid], uint64(length)), sum)
	return nil
}

func (w *collectTwin) capError(i uint64, got int) error {
	return fmt.Errorf("collect: op %d ended with capacity %d, expected %d (Go's append)", i, got, w.wantCap)
}

func (w *collectTwin) checksum() string { return digestFormat(w.digest) }
