package main

// The twin of workloads/rpc.c: RPC request handling, one arena per request
// (the arena proposal's case).  setup encodes `requests` synthetic requests
// in a protobuf-like wire format (varints, length-delimited fields):
//
//	Request { 1: uint64 id; 2: string method; 3: repeated Item items;
//	          4: bytes payload }
//	Item    { 1: uint64 key; 2: string name; 3: packed repeated uint64
//	          values; 4: Item child (nested up to `depth`) }
//
// One op handles request i % requests: it decodes the request into an
// object graph (items appended to a slice), computes the response (item
// count, value sum, name hash, payload hash), encodes it into a scratch
// buffer and copies it into a send buffer, checks it, and drops everything.
// Packed values are decoded into a scratch slice and copied out at their
// exact length, as rpc.c does.
//
// Where the objects live is rpcMem's choice: built with
// GOEXPERIMENT=arenas (rpc_arena.go) every decoded object, the grown item
// slices and the send buffer come from an arena.Arena freed at the end of
// the op, as rpc.c's objects come from gcb_arena_alloc on a collector with
// arenas; in the default build (rpc_heap.go) they come from the heap and
// the GC reclaims them, as on a collector without.  rpc.c has no param
// for this, so neither has the twin.
//
// Validation as in rpc.c: the response is decoded again and compared with
// the summary setup computed while generating the request.  The run
// checksum folds, per op, the response's length in bytes and its five
// decoded fields (digest.go).

import (
	"encoding/binary"
	"errors"
	"fmt"
)

func init() {
	register(&Twin{
		Name:       "rpc",
		DefaultOps: 20000,
		Params: []ParamDesc{
			{Name: "requests", Kind: ParamInt, Default: "32"},
			{Name: "items", Kind: ParamInt, Default: "20"},
			{Name: "depth", Kind: ParamInt, Default: "2"},
			{Name: "payload", Kind: ParamInt, Default: "256"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
			{Name: "region", Kind: ParamBool, Default: "false"},
			{Name: "escape", Kind: ParamFloat, Default: "0"},
		},
		New: func() Workload { return &rpcTwin{} },
	})
}

// rpcSummary is what a correct handler answers.
type rpcSummary struct {
	id, count, sum, namehash, payhash uint64
}

// The decoded graph.  Names and the method stay []byte rather than string
// so that the arena build allocates them with arena.MakeSlice.
type rpcItem struct {
	key    uint64
	name   []byte
	values []uint64
	child  *rpcItem
}

type rpcRequest struct {
	id      uint64
	method  []byte
	items   []*rpcItem
	payload []byte
}

type rpcTwin struct {
	wire    [][]byte     // request r, encoded; read-only after setup
	want    []rpcSummary // request r's correct response
	corrupt bool         // test only: damage the first item's decoded name
	digest  []uint64     // per thread: every op's response folded
	escape  uint64       // escapeThreshold of the param
	cache   []rpcCache   // per thread
}

// rpcCache is a thread's long-lived cache of escaped results.
type rpcCache struct {
	item [escapeCache]*rpcItem
	resp [escapeCache][]byte
	want [escapeCache]rpcSummary // count, sum, namehash; payhash: the response's FNV
	nesc uint64
}

var errRPCMalformed = errors.New("malformed wire data (expected a valid request)")

const rpcFNVOffset uint64 = 0xcbf29ce484222325

// rpcMix is rpc.c's mix: one splitmix64 step from state z.
func rpcMix(z uint64) uint64 {
	r := splitmix64{z}
	return r.next()
}

func rpcFNV(h uint64, b []byte) uint64 {
	for _, c := range b {
		h = (h ^ uint64(c)) * 0x100000001b3
	}
	return h
}

func rpcPutField(b []byte, field, wt, v uint64) []byte {
	b = binary.AppendUvarint(b, field<<3|wt)
	if wt == 0 {
		b = binary.AppendUvarint(b, v)
	}
	return b
}

func rpcPutBytes(b []byte, field uint64, p []byte) []byte {
	b = rpcPutField(b, field, 2, 0)
	return append(binary.AppendUvarint(b, uint64(len(p))), p...)
}

// rpcGenItem encodes the body of an Item of depth d, drawing from *rng as
// rpc.c's gen_item does, and accounts for it in s.
func rpcGenItem(rng *uint64, d int, s *rpcSummary) []byte {
	next := func() uint64 { v := rpcMix(*rng); *rng++; return v }
	key := next() >> 20
	name := make([]byte, 8+next()%25)
	for i := range name {
		name[i] = byte('a' + next()%26)
	}
	nv := next() % 17
	in := rpcPutBytes(rpcPutField(nil, 1, 0, key), 2, name)
	s.count++
	s.sum += key
	s.namehash = rpcFNV(s.namehash, name)
	var packed []byte
	for range nv {
		shift := rpcMix(*rng) % 64 // values of every varint length
		*rng++
		v := rpcMix(*rng) >> shift
		s.sum += v
		packed = binary.AppendUvarint(packed, v)
	}
	if nv > 0 {
		in = rpcPutBytes(in, 3, packed)
	}
	if d > 0 {
		in = rpcPutBytes(in, 4, rpcGenItem(rng, d-1, s))
	}
	return in
}

func (w *rpcTwin) setup(p Params, nthreads int) error {
	nreq := int(p.Int("requests"))
	w.corrupt = p.Bool("corrupt")
	rng := uint64(p.Int("seed")) * 0x100000001b3
	pay := make([]byte, p.Int("payload"))
	w.wire = make([][]byte, nreq)
	w.want = make([]rpcSummary, nreq)
	for r := range nreq {
		s := &w.want[r]
		s.id = rpcMix(rng)
		rng++
		s.namehash = rpcFNV(rpcFNVOffset, nil)
		method := "/svc.Store/Get"
		if r&1 != 0 {
			method = "/svc.Store/Put"
		}
		for i := range pay {
			pay[i] = byte(rpcMix(rng))
			rng++
		}
		s.payhash = rpcFNV(rpcFNVOffset, pay)
		b := rpcPutBytes(rpcPutField(nil, 1, 0, s.id), 2, []byte(method))
		for range p.Int("items") {
			b = rpcPutBytes(b, 3, rpcGenItem(&rng, int(p.Int("depth")), s))
		}
		w.wire[r] = offHeap(rpcPutBytes(b, 4, pay)) // outside the heap, as rpc.c's malloc'd wire
	}
	w.escape = escapeThreshold(p.Float("escape"))
	w.cache = make([]rpcCache, nthreads)
	w.digest = make([]uint64, nthreads)
	for i := range w.digest {
		w.digest[i] = digestInit
	}
	return nil
}

func (w *rpcTwin) threadInit(tid int) error { return nil }
func (w *rpcTwin) threadFini(tid int) error {
	c := &w.cache[tid]
	for k := uint64(0); k < min(c.nesc, escapeCache); k++ {
		if err := w.checkSlot(tid, k, "at the end"); err != nil {
			return err
		}
	}
	return nil
}

// rpcField splits a length-delimited field body off b.
func rpcField(b []byte) (body, rest []byte, err error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, errRPCMalformed
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}

// rpcVarint splits a varint off b.
func rpcVarint(b []byte) (v uint64, rest []byte, err error) {
	v, k := binary.Uvarint(b)
	if k <= 0 {
		return 0, nil, errRPCMalformed
	}
	return v, b[k:], nil
}

func rpcDecodeItem(m rpcMem, b []byte) (*rpcItem, error) {
	it := m.newItem()
	for len(b) > 0 {
		tag, rest, err := rpcVarint(b)
		if err != nil {
			return nil, err
		}
		var body []byte
		switch tag {
		case 1<<3 | 0:
			it.key, b, err = rpcVarint(rest)
		case 2<<3 | 2:
			if body, b, err = rpcField(rest); err == nil {
				it.name = m.bytes(body)
			}
		case 3<<3 | 2:
			if body, b, err = rpcField(rest); err == nil {
				// Scratch: at most one value per byte; dies here.
				vals := make([]uint64, 0, len(body))
				for len(body) > 0 && err == nil {
					var v uint64
					if v, body, err = rpcVarint(body); err == nil {
						vals = append(vals, v)
					}
				}
				if len(vals) > 0 {
					it.values = m.uint64s(vals)
				}
			}
		case 4<<3 | 2:
			if body, b, err = rpcField(rest); err == nil {
				it.child, err = rpcDecodeItem(m, body)
			}
		default:
			err = errRPCMalformed
		}
		if err != nil {
			return nil, err
		}
	}
	return it, nil
}

func rpcDecode(m rpcMem, b []byte) (*rpcRequest, error) {
	q := m.newRequest()
	for len(b) > 0 {
		tag, rest, err := rpcVarint(b)
		if err != nil {
			return nil, err
		}
		if tag == 1<<3|0 {
			if q.id, b, err = rpcVarint(rest); err != nil {
				return nil, err
			}
			continue
		}
		if tag&7 != 2 {
			return nil, errRPCMalformed
		}
		var body []byte
		if body, b, err = rpcField(rest); err != nil {
			return nil, err
		}
		switch tag >> 3 {
		case 3:
			it, err := rpcDecodeItem(m, body)
			if err != nil {
				return nil, err
			}
			q.items = m.appendItem(q.items, it)
		case 2:
			q.method = m.bytes(body)
		case 4:
			q.payload = m.bytes(body)
		default:
			return nil, errRPCMalformed
		}
	}
	return q, nil
}

// account adds item it and its chain of children to s.
func (s *rpcSummary) account(it *rpcItem) {
	for ; it != nil; it = it.child {
		s.count++
		s.sum += it.key
		for _, v := range it.values {
			s.sum += v
		}
		s.namehash = rpcFNV(s.namehash, it.name)
	}
}

var rpcFieldNames = [5]string{"id", "item count", "value sum", "name hash", "payload hash"}

// rpcClone is a heap copy of the chain at src.
func rpcClone(src *rpcItem) *rpcItem {
	var head, prev *rpcItem
	for ; src != nil; src = src.child {
		it := &rpcItem{key: src.key, name: append([]byte{}, src.name...)}
		if src.name == nil {
			it.name = nil
		}
		if len(src.values) > 0 {
			it.values = append([]uint64(nil), src.values...)
		}
		if prev != nil {
			prev.child = it
		} else {
			head = it
		}
		prev = it
	}
	return head
}

// checkSlot checks cache slot k of thread tid against what was cached.
func (w *rpcTwin) checkSlot(tid int, k uint64, when string) error {
	c := &w.cache[tid]
	got := rpcSummary{namehash: rpcFNVOffset}
	got.account(c.item[k])
	got.payhash = rpcFNV(rpcFNVOffset, c.resp[k])
	wt := &c.want[k]
	if c.resp[k] == nil || got.count != wt.count || got.sum != wt.sum ||
		got.namehash != wt.namehash || got.payhash != wt.payhash {
		return fmt.Errorf("rpc: thread %d cache slot %d %s: cached item chain (%d items, sum %016x) "+
			"or response differs from what was cached (%d items, sum %016x)",
			tid, k, when, got.count, got.sum, wt.count, wt.sum)
	}
	return nil
}

func (w *rpcTwin) op(tid int, i uint64) error {
	c := &w.cache[tid]
	nesc := c.nesc
	if err := w.handle(tid, i); err != nil {
		return err
	}
	if w.escape != 0 && c.nesc != nesc {
		return w.checkSlot(tid, nesc%escapeCache, "after its request")
	}
	return nil
}

func (w *rpcTwin) handle(tid int, i uint64) error {
	r := i % uint64(len(w.wire))
	m := rpcNewMem()
	defer m.free() // nothing may point into the arena after this
	d, err := rpcDecode(m, w.wire[r])
	if err != nil {
		return fmt.Errorf("rpc: op %d: %v decoding request %d", i, err, r)
	}
	if w.corrupt && len(d.items) > 0 && len(d.items[0].name) > 0 {
		d.items[0].name[0] ^= 1
	}
	got := rpcSummary{id: d.id, namehash: rpcFNVOffset}
	for _, it := range d.items {
		got.account(it)
	}
	got.payhash = rpcFNV(rpcFNVOffset, d.payload)
	// Encode into a scratch buffer, then into the send buffer.
	var scratch [128]byte
	enc := scratch[:0]
	for k, f := range [5]uint64{got.id, got.count, got.sum, got.namehash, got.payhash} {
		enc = binary.AppendUvarint(enc, uint64(k+1)<<3)
		enc = binary.AppendUvarint(enc, f)
	}
	out := m.bytes(enc)
	// Validate: decode the response and compare with setup's answer.
	var vals [5]uint64
	rest := out
	for k := range vals {
		tag, b, err := rpcVarint(rest)
		if err != nil || tag != uint64(k+1)<<3 {
			break
		}
		if vals[k], rest, err = rpcVarint(b); err != nil {
			vals[k] = 0
			break
		}
	}
	wt := &w.want[r]
	for k, want := range [5]uint64{wt.id, wt.count, wt.sum, wt.namehash, wt.payhash} {
		if vals[k] != want {
			return fmt.Errorf("rpc: op %d request %d: response %s %016x, expected %016x "+
				"(request graph corrupted: freed or reused while live?)",
				i, r, rpcFieldNames[k], vals[k], want)
		}
	}
	w.digest[tid] = digestFold(w.digest[tid], uint64(len(out)))
	for _, v := range vals {
		w.digest[tid] = digestFold(w.digest[tid], v)
	}
	if w.escape != 0 && escapeOp(w.escape, i) {
		c := &w.cache[tid]
		k := c.nesc % escapeCache
		c.nesc++
		c.item[k] = nil
		if len(d.items) > 0 {
			c.item[k] = rpcClone(d.items[0])
		}
		c.resp[k] = append(make([]byte, 0, len(out)), out...)
		s := rpcSummary{namehash: rpcFNVOffset}
		s.account(c.item[k])
		s.payhash = rpcFNV(rpcFNVOffset, c.resp[k])
		c.want[k] = s
		w.digest[tid] = digestFold(digestFold(digestFold(w.digest[tid], s.count), s.sum), s.namehash)
	}
	return nil
}

func (w *rpcTwin) checksum() string { return digestFormat(w.digest) }
