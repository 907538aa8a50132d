//go:build goexperiment.arenas

package main

// binarytrees with arena = true (GOEXPERIMENT=arenas): the stretch tree
// and every temporary tree live in an arena of their own, freed once the
// tree is checked, as workloads/binarytrees.c does with gcb_arena_new /
// gcb_arena_free.

import (
	"arena"
	"errors"
)

func arenasBuilt() error { return nil }

// populateIn and makeTreeIn are populate and makeTree with every node
// allocated in a.
func populateIn(a *arena.Arena, d int, n *Node) {
	if d <= 0 {
		return
	}
	n.left, n.right = arena.New[Node](a), arena.New[Node](a)
	populateIn(a, d-1, n.left)
	populateIn(a, d-1, n.right)
}

func makeTreeIn(a *arena.Arena, d int) *Node {
	if d <= 0 {
		return arena.New[Node](a)
	}
	l := makeTreeIn(a, d-1)
	r := makeTreeIn(a, d-1)
	n := arena.New[Node](a)
	n.left, n.right = l, r
	return n
}

// readable walks the left spine of a freed stretch tree down to its first
// allocated node.  Go's Arena.Free keeps the arena's last (active) chunk
// for reuse and makes only its full chunks fault, so the read faults (the
// runtime reports it and the run crashes) when the tree fills more than
// one chunk (8 MiB: depth >= 18); a smaller tree stays readable.
func readable(n *Node) bool {
	levels := 0
	for ; n != nil; n = n.left {
		levels++
	}
	return levels > 0
}

// checkIn is checkTree on the tree built in a, then frees a whether or
// not the check passed.
func checkIn(a *arena.Arena, n *Node, d int, what string, digest *uint64) error {
	err := checkTree(n, d, what, digest)
	a.Free()
	return err
}

func (w *binarytreesTwin) arenaOp(tid int, i uint64) error {
	h := w.threads[tid].digest
	a := arena.NewArena()
	stretch := makeTreeIn(a, w.depth)
	if w.corrupt && i == 0 {
		stretch.left = nil
	}
	if err := checkIn(a, stretch, w.depth, "stretch", &h); err != nil {
		return err
	}
	if w.touchFreed && readable(stretch) {
		return errors.New("binarytrees: a freed arena's node was readable (touch_freed: expected a fault)")
	}
	for d := 4; d <= w.depth-2; d += 2 {
		iters := 2 * treeSize(w.depth) / treeSize(d)
		for k := int64(0); k < iters; k++ {
			a = arena.NewArena()
			t := arena.New[Node](a)
			populateIn(a, d, t)
			if err := checkIn(a, t, d, "top-down", &h); err != nil {
				return err
			}
			a = arena.NewArena()
			if err := checkIn(a, makeTreeIn(a, d), d, "bottom-up", &h); err != nil {
				return err
			}
		}
	}
	w.threads[tid].digest = h
	return nil
}
