//go:build goexperiment.arenas

package main

import "arena"

// rpcMem is where one rpc request's objects live.  Built with
// GOEXPERIMENT=arenas, an arena.Arena freed when the request is done, as
// rpc.c's objects come from gcb_arena_alloc on a collector with arenas;
// any use of them after free faults.  rpc_heap.go is the default build.
type rpcMem struct{ a *arena.Arena }

func rpcNewMem() rpcMem { return rpcMem{arena.NewArena()} }

func (m rpcMem) free() { m.a.Free() }

func (m rpcMem) newItem() *rpcItem       { return arena.New[rpcItem](m.a) }
func (m rpcMem) newRequest() *rpcRequest { return arena.New[rpcRequest](m.a) }

// bytes copies b into the arena.
func (m rpcMem) bytes(b []byte) []byte {
	c := arena.MakeSlice[byte](m.a, len(b), len(b))
	copy(c, b)
	return c
}

// uint64s copies v into the arena.
func (m rpcMem) uint64s(v []uint64) []uint64 {
	c := arena.MakeSlice[uint64](m.a, len(v), len(v))
	copy(c, v)
	return c
}

// appendItem appends it to s, growing s in the arena (append would grow
// it in the heap) by Go's nextslicecap rule for one more element, as
// rpc.c grows its items with growslice_cap (without the size-class
// rounding, which a bump allocator has no use for).
func (m rpcMem) appendItem(s []*rpcItem, it *rpcItem) []*rpcItem {
	if len(s) == cap(s) {
		c := max(2*cap(s), 1)
		if cap(s) >= 256 {
			c = cap(s) + (cap(s)+3*256)/4
		}
		g := arena.MakeSlice[*rpcItem](m.a, len(s), c)
		copy(g, s)
		s = g
	}
	return append(s, it)
}
