//go:build !goexperiment.arenas

package main

import "slices"

// rpcMem is where one rpc request's objects live.  In the default build,
// the heap: the GC reclaims them after the request, as on a gcbench
// collector without arenas.  rpc_arena.go is the GOEXPERIMENT=arenas one.
type rpcMem struct{}

func rpcNewMem() rpcMem { return rpcMem{} }

func (rpcMem) free() {}

func (rpcMem) newItem() *rpcItem       { return new(rpcItem) }
func (rpcMem) newRequest() *rpcRequest { return new(rpcRequest) }

// bytes copies b.
func (rpcMem) bytes(b []byte) []byte { return slices.Clone(b) }

// uint64s copies v.
func (rpcMem) uint64s(v []uint64) []uint64 { return slices.Clone(v) }

// appendItem is append: Go's growslice.
func (rpcMem) appendItem(s []*rpcItem, it *rpcItem) []*rpcItem { return append(s, it) }
