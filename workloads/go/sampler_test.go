package main

import (
	"testing"
	"time"
)

// nonHeapMedian takes the samples inside [from, to] and the reading at to,
// and no sample outside: those before the start barrier (set-up, with no
// cycle yet) must not pull the median down.
func TestNonHeapMedian(t *testing.T) {
	s := &sampler{t0: time.Now()}
	for i, nh := range []uint64{1, 1, 1, 1, 1, 7, 5, 9, 3, 1000} {
		s.samples.append(sample{at: time.Duration(i) * time.Second, nonHeap: nh})
	}
	from, to := s.t0.Add(5*time.Second), s.t0.Add(8*time.Second)
	// In the window: 7, 5, 9, 3 and the reading 6: median 6.
	if got := s.nonHeapMedian(from, to, 6); got != 6 {
		t.Errorf("median of {7 5 9 3} and 6: got %d, want 6", got)
	}
	// {7 5 9 3} and 2 -> 5; with no sample in the window, the reading
	// alone.
	if got := s.nonHeapMedian(from, to, 2); got != 5 {
		t.Errorf("median of {7 5 9 3} and 2: got %d, want 5", got)
	}
	if got := s.nonHeapMedian(s.t0.Add(100*time.Second), s.t0.Add(200*time.Second), 42); got != 42 {
		t.Errorf("no sample in the window: got %d, want the reading 42", got)
	}
}

// unusedMedian reads the samples' heap/unused, not their non-heap memory,
// over the same window.
func TestUnusedMedian(t *testing.T) {
	s := &sampler{t0: time.Now()}
	for i, u := range []uint64{50, 10, 30, 20, 900} {
		s.samples.append(sample{at: time.Duration(i) * time.Second, nonHeap: 1, unused: u})
	}
	from, to := s.t0.Add(1*time.Second), s.t0.Add(3*time.Second)
	// {10 30 20} and the reading 40: median of four is the lower middle, 20.
	if got := s.unusedMedian(from, to, 40); got != 20 {
		t.Errorf("median of {10 30 20} and 40: got %d, want 20", got)
	}
	if got := s.nonHeapMedian(from, to, 1); got != 1 {
		t.Errorf("nonHeapMedian over the same samples: got %d, want 1", got)
	}
}

// A sample allocates nothing on the Go heap once its log has room: an
// allocation of the sampler's can start a cycle whose stop-the-world waits
// for a mutator in a non-preemptible stretch (samplerStep).
func TestSamplerStepDoesNotAllocate(t *testing.T) {
	s := &sampler{t0: time.Now()}
	st := newSamplerStep()
	defer st.close()
	for range 1000 { // room for every step below: no growth in the count
		s.samples.append(sample{})
	}
	s.samples.s = s.samples.s[:0]
	if a := testing.AllocsPerRun(200, func() { s.step(st) }); a != 0 {
		t.Errorf("one sample allocates %v objects on the Go heap, want 0", a)
	}
	last := s.samples.s[len(s.samples.s)-1]
	if last.rss == 0 || last.heap == 0 {
		t.Errorf("sample without a reading: rss %d, heap objects %d", last.rss, last.heap)
	}
}

// statm's second field, in pages; 0 for anything else.
func TestStatmResident(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
	}{
		{"2811 1234 567 1 0 654 0\n", 1234},
		{"1 7\n", 7},
		{"1 7", 7},
		{"1  89 3", 89},
		{"1", 0},
		{"", 0},
		{"1 x 3", 0},
		{"1 12x 3", 0},
	} {
		if got := statmResident([]byte(c.in)); got != c.want {
			t.Errorf("statmResident(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}
