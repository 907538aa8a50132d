package main

// The twin of workloads/binarytrees.c: GCBench, one whole pass per op.
// Per goroutine, built in threadInit and kept live for the whole run: a
// long-lived tree of depth long_lived_depth (built top-down) and an array
// of 500,000 float64s, a[k] = 1/(k+1); both are validated in threadFini.
// One op builds a stretch tree of depth `depth` bottom-up and drops it;
// then for d = 4, 6, ..., depth-2, 2*size(depth)/size(d) trees of depth d
// top-down and as many bottom-up, where size(d) = 2^(d+1)-1 nodes.  Every
// tree's node count is checked and folded into the goroutine's digest, in
// build order; threadFini folds the long-lived tree's count last.
//
// arena = true builds the stretch tree and every temporary tree in an
// arena of its own (Go's arena package, freed once the tree is checked):
// binarytrees_arena.go, built only with GOEXPERIMENT=arenas;
// binarytrees_noarena.go makes such a run fail otherwise.

import "fmt"

const btArrayLen = 500000 // float64s in the long-lived array

func init() {
	register(&Twin{
		Name:       "binarytrees",
		DefaultOps: 1,
		Params: []ParamDesc{
			{Name: "depth", Kind: ParamInt, Default: "18"},
			{Name: "long_lived_depth", Kind: ParamInt, Default: "16"},
			{Name: "arena", Kind: ParamBool, Default: "false"},
			{Name: "touch_freed", Kind: ParamBool, Default: "false"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
		},
		New: func() Workload { return &binarytreesTwin{} },
	})
}

// Node is GCBench's tree node: two pointers and a scalar payload.
type Node struct {
	left, right *Node
	i, j        int32
}

type btThread struct {
	longLived *Node
	array     []float64
	digest    uint64 // digestFold of every checked tree's node count
}

type binarytreesTwin struct {
	depth, longLivedDepth int
	arena                 bool // temporary trees in arenas (binarytrees_arena.go)
	touchFreed            bool // tests only: read the stretch tree after its arena is freed
	corrupt               bool // tests only: op 0 cuts its stretch tree's left subtree
	threads               []btThread
}

func treeSize(d int) int64 { return 2<<d - 1 }

// countNodes returns the nodes in the tree at n, or -1 when a path is
// longer than levels nodes (a corrupted tree).
func countNodes(n *Node, levels int) int64 {
	if n == nil {
		return 0
	}
	if levels <= 0 {
		return -1
	}
	l := countNodes(n.left, levels-1)
	if l < 0 {
		return -1
	}
	r := countNodes(n.right, levels-1)
	if r < 0 {
		return -1
	}
	return 1 + l + r
}

// populate gives n children down to depth d (top-down).
func populate(d int, n *Node) {
	if d <= 0 {
		return
	}
	n.left, n.right = &Node{}, &Node{}
	populate(d-1, n.left)
	populate(d-1, n.right)
}

// makeTree builds a tree of depth d bottom-up.
func makeTree(d int) *Node {
	if d <= 0 {
		return &Node{}
	}
	l := makeTree(d - 1)
	r := makeTree(d - 1)
	return &Node{left: l, right: r}
}

func (w *binarytreesTwin) setup(p Params, nthreads int) error {
	w.depth = int(p.Int("depth"))
	w.longLivedDepth = int(p.Int("long_lived_depth"))
	w.arena = p.Bool("arena")
	w.touchFreed = p.Bool("touch_freed")
	w.corrupt = p.Bool("corrupt")
	if w.arena {
		if err := arenasBuilt(); err != nil {
			return err
		}
	}
	w.threads = make([]btThread, nthreads)
	return nil
}

func (w *binarytreesTwin) threadInit(tid int) error {
	t := &w.threads[tid]
	t.digest = digestInit
	t.longLived = &Node{}
	populate(w.longLivedDepth, t.longLived)
	t.array = make([]float64, btArrayLen)
	for k := range t.array {
		t.array[k] = 1.0 / float64(k+1)
	}
	return nil
}

func (w *binarytreesTwin) threadFini(tid int) error {
	t := &w.threads[tid]
	want := treeSize(w.longLivedDepth)
	got := countNodes(t.longLived, w.longLivedDepth+1)
	t.digest = digestFold(t.digest, uint64(got))
	if got != want {
		return fmt.Errorf("binarytrees: long-lived tree of depth %d has %d nodes, expected %d",
			w.longLivedDepth, got, want)
	}
	for k, v := range t.array {
		if v != 1.0/float64(k+1) {
			return fmt.Errorf("binarytrees: long-lived array[%d] = %g, expected 1/%d", k, v, k+1)
		}
	}
	t.longLived, t.array = nil, nil
	return nil
}

// checkTree validates a tree of depth d and folds its node count into
// *digest (the op's local copy); what names the tree in the message.
func checkTree(n *Node, d int, what string, digest *uint64) error {
	got := countNodes(n, d+1)
	if got == treeSize(d) {
		*digest = digestFold(*digest, uint64(got))
		return nil
	}
	if got < 0 {
		return fmt.Errorf("binarytrees: %s tree of depth %d is deeper than %d levels "+
			"(corrupted: a node freed or reused while live?)", what, d, d+1)
	}
	return fmt.Errorf("binarytrees: %s tree of depth %d has %d nodes, expected %d",
		what, d, got, treeSize(d))
}

func (w *binarytreesTwin) op(tid int, i uint64) error {
	if w.arena {
		return w.arenaOp(tid, i)
	}
	h := w.threads[tid].digest // a local: no shared cache line written per tree
	stretch := makeTree(w.depth)
	if w.corrupt && i == 0 {
		stretch.left = nil
	}
	if err := checkTree(stretch, w.depth, "stretch", &h); err != nil {
		return err
	}
	for d := 4; d <= w.depth-2; d += 2 {
		iters := 2 * treeSize(w.depth) / treeSize(d)
		for k := int64(0); k < iters; k++ {
			t := &Node{}
			populate(d, t)
			if err := checkTree(t, d, "top-down", &h); err != nil {
				return err
			}
			if err := checkTree(makeTree(d), d, "bottom-up", &h); err != nil {
				return err
			}
		}
	}
	w.threads[tid].digest = h
	return nil
}

func (w *binarytreesTwin) checksum() string {
	d := make([]uint64, len(w.threads))
	for i := range w.threads {
		d[i] = w.threads[i].digest
	}
	return digestFormat(d)
}
