package main

import "math"

// histogram is harness/histogram.c in Go, bucket for bucket: values are
// nanoseconds; below 2^histSubBits exact, above each power of two split
// into 2^histSubBits linear sub-buckets (relative error < 2^-histSubBits).
// One per mutator goroutine; merged after the run.  Outside the Go heap
// (offheap.go), as harness/histogram.c's are outside the collector's: each
// is 59 KB, live through the ops.
const (
	histSubBits = 7
	histSub     = 1 << histSubBits
	histBuckets = (64 - histSubBits + 1) * histSub
)

type histogram struct {
	count, max, min uint64
	counts          [histBuckets]uint64
}

func newHistogram() *histogram {
	h := offHeapNew[histogram]()
	h.min = math.MaxUint64
	return h
}

func histBucket(v uint64) int {
	if v < histSub {
		return int(v)
	}
	e := 63 - leadingZeros(v)
	shift := e - histSubBits
	return (shift+1)*histSub + int(v>>uint(shift)) - histSub
}

func leadingZeros(v uint64) int {
	n := 0
	for b := uint64(1) << 63; b != 0 && v&b == 0; b >>= 1 {
		n++
	}
	return n
}

func histBucketRange(i int) (lo, hi uint64) {
	if i < histSub {
		return uint64(i), uint64(i)
	}
	k, s := i/histSub, i%histSub
	width := uint64(1) << uint(k-1)
	lo = uint64(histSub+s) << uint(k-1)
	return lo, lo + width - 1
}

func (h *histogram) record(v uint64) {
	h.counts[histBucket(v)]++
	h.count++
	if v > h.max {
		h.max = v
	}
	if v < h.min {
		h.min = v
	}
}

func (h *histogram) merge(o *histogram) {
	if o.count == 0 {
		return
	}
	for i := range h.counts {
		h.counts[i] += o.counts[i]
	}
	h.count += o.count
	h.max = max(h.max, o.max)
	h.min = min(h.min, o.min)
}

// quantile is hist_quantile: nearest rank, the bucket midpoint clamped to
// [min, max]; q >= 1 gives max exactly; 0 when empty.
func (h *histogram) quantile(q float64) uint64 {
	if h.count == 0 {
		return 0
	}
	if !(q > 0) {
		return h.min
	}
	if q >= 1 {
		return h.max
	}
	r := math.Ceil(q * float64(h.count))
	rank := uint64(1)
	if r > float64(h.count) {
		rank = h.count
	} else if r >= 1 {
		rank = uint64(r)
	}
	seen := uint64(0)
	for i := range h.counts {
		seen += h.counts[i]
		if seen >= rank {
			lo, hi := histBucketRange(i)
			return min(max(lo+(hi-lo)/2, h.min), h.max)
		}
	}
	return h.max
}
