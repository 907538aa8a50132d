// binarytrees.go: the `binarytrees` workload (GCBench) in Go, for comparing
// gcbench's collectors with the real Go runtime on the same machine.
// One pass = what one gcbench `binarytrees` op does.  Prints seconds per
// pass and GC figures from runtime.MemStats.
//
//	go run scripts/go/binarytrees.go -depth 20 -passes 5
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"
)

type node struct {
	left, right *node
	i, j        int32
}

func treeSize(d int) int { return (1 << (d + 1)) - 1 }

func populate(d int, n *node) {
	if d <= 0 {
		return
	}
	n.left = &node{}
	n.right = &node{}
	populate(d-1, n.left)
	populate(d-1, n.right)
}

func makeTree(d int) *node {
	if d <= 0 {
		return &node{}
	}
	return &node{left: makeTree(d - 1), right: makeTree(d - 1)}
}

func count(n *node) int {
	if n == nil {
		return 0
	}
	return 1 + count(n.left) + count(n.right)
}

func pass(depth int) error {
	if c := count(makeTree(depth)); c != treeSize(depth) {
		return fmt.Errorf("stretch tree has %d nodes", c)
	}
	for d := 4; d <= depth-2; d += 2 {
		iters := 2 * treeSize(depth) / treeSize(d)
		for i := 0; i < iters; i++ {
			t := &node{}
			populate(d, t)
			if c := count(t); c != treeSize(d) {
				return fmt.Errorf("top-down tree has %d nodes", c)
			}
			if c := count(makeTree(d)); c != treeSize(d) {
				return fmt.Errorf("bottom-up tree has %d nodes", c)
			}
		}
	}
	return nil
}

func main() {
	depth := flag.Int("depth", 18, "tree depth")
	longLived := flag.Int("long_lived_depth", 16, "long-lived tree depth")
	passes := flag.Int("passes", 5, "passes to time")
	flag.Parse()

	longTree := &node{}
	populate(*longLived, longTree)
	array := make([]float64, 500000)
	for i := range array {
		array[i] = 1.0 / float64(i+1)
	}
	var times []float64
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for p := 0; p < *passes; p++ {
		t0 := time.Now()
		if err := pass(*depth); err != nil {
			fmt.Fprintln(os.Stderr, "validation failed:", err)
			os.Exit(1)
		}
		times = append(times, time.Since(t0).Seconds())
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if count(longTree) != treeSize(*longLived) || array[1000] != 1.0/1001 {
		fmt.Fprintln(os.Stderr, "validation failed: long-lived data")
		os.Exit(1)
	}
	sort.Float64s(times)
	var pauses []float64
	n := int(after.NumGC - before.NumGC)
	for i := 0; i < n && i < 256; i++ {
		pauses = append(pauses, float64(after.PauseNs[(int(after.NumGC)-1-i+256)%256])/1e9)
	}
	sort.Float64s(pauses)
	maxPause := 0.0
	if len(pauses) > 0 {
		maxPause = pauses[len(pauses)-1]
	}
	fmt.Printf("go %s binarytrees depth %d: median %.3f s/pass (min %.3f, %d passes), %d GCs, max pause %.6f s, sys %d bytes, GOMAXPROCS %d\n",
		runtime.Version(), *depth, times[len(times)/2], times[0], *passes, n, maxPause, after.Sys, runtime.GOMAXPROCS(0))
}
