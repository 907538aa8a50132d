package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The Go histogram is harness/histogram.c's: the same bucket for every
// value (spot values computed by hand from the C layout), every value
// inside its bucket's range, and quantiles within half a bucket of exact.
func TestHistogramBuckets(t *testing.T) {
	for _, c := range []struct {
		v    uint64
		want int
	}{{0, 0}, {127, 127}, {128, 128}, {255, 255}, {256, 256}, {257, 256}, {258, 257},
		{511, 383}, {512, 384}, {1 << 20, 14 * 128}, {math.MaxUint64, histBuckets - 1}} {
		if got := histBucket(c.v); got != c.want {
			t.Errorf("histBucket(%d) = %d, want %d", c.v, got, c.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100000; i++ {
		v := r.Uint64() >> (r.Uint64() % 64)
		lo, hi := histBucketRange(histBucket(v))
		if v < lo || v > hi {
			t.Fatalf("%d outside its bucket [%d, %d]", v, lo, hi)
		}
		if lo >= histSub && float64(hi-lo+1)/float64(lo) > 1.0/histSub {
			t.Fatalf("bucket [%d, %d] wider than 2^-%d of its low edge", lo, hi, histSubBits)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	h, hb := newHistogram(), newHistogram()
	var v []uint64
	for i := 0; i < 20000; i++ {
		x := uint64(r.ExpFloat64() * 1e5)
		v = append(v, x)
		if i%2 == 0 {
			h.record(x)
		} else {
			hb.record(x)
		}
	}
	h.merge(hb)
	slices.Sort(v)
	if h.count != uint64(len(v)) || h.min != v[0] || h.max != v[len(v)-1] {
		t.Fatalf("count %d min %d max %d", h.count, h.min, h.max)
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := v[int(math.Ceil(q*float64(len(v))))-1]
		got := h.quantile(q)
		if exact >= histSub && math.Abs(float64(got)-float64(exact))/float64(exact) > 1.0/(2*histSub) {
			t.Errorf("q%.3f: %d, exact %d", q, got, exact)
		}
	}
	if h.quantile(1) != v[len(v)-1] {
		t.Errorf("q1 is not the max")
	}
}
