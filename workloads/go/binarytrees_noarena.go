//go:build !goexperiment.arenas

package main

// binarytrees with arena = true needs Go's arena package, which exists
// only with GOEXPERIMENT=arenas (binarytrees_arena.go); without it such a
// run fails in setup with this message.

import "errors"

var errNoArenas = errors.New("binarytrees arena=true needs the go collector's experiment=arenas")

func arenasBuilt() error { return errNoArenas }

func (w *binarytreesTwin) arenaOp(tid int, i uint64) error { return errNoArenas }
