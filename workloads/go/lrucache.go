package main

// The twin of workloads/lrucache.c: a long-lived LRU cache under churn.
// Per goroutine, a cache of its own: a map[int64]*lruEntry plus a doubly
// linked list in recency order, holding about `live` bytes of values
// (value sizes 64..2*value-64 bytes, each counted with lruEntryBytes).
// threadInit fills it; each op is one request for a key drawn 80/20 from
// a key space twice the cache's capacity: a hit checks the value and moves
// the entry to the front, and with probability `writes` replaces the value;
// a miss puts a fresh value and evicts from the back until the cache is
// within `live`.  The random draws, their order and the byte accounting
// are the C workload's, so both caches hold the same keys at every op.
//
// Checksum: each op folds the key, 1 for a hit or 0 for a miss, and the
// version and length of the key's value after the request.

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// lruEntryBytes is what the C workload counts per entry (its struct
// entry), so that both evict at the same points.
const lruEntryBytes = 48

func init() {
	register(&Twin{
		Name:       "lrucache",
		DefaultOps: 1000000,
		Params: []ParamDesc{
			{Name: "live", Kind: ParamBytes, Default: "64MiB"},
			{Name: "value", Kind: ParamInt, Default: "512"},
			{Name: "writes", Kind: ParamFloat, Default: "0.1"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
		},
		New: func() Workload { return &lrucacheTwin{} },
	})
}

type lruEntry struct {
	prev, next *lruEntry // toward the front (MRU) / back (LRU)
	key        int64
	ver        uint64 // the value's bytes derive from (key, ver)
	val        []byte
}

// lruCache is one goroutine's cache; only that goroutine touches it.
type lruCache struct {
	m            map[int64]*lruEntry
	head, tail   *lruEntry // MRU, LRU
	used         uint64    // bytes: values + lruEntryBytes per entry
	rng          splitmix64
	hits, misses uint64
	digest       uint64
}

type lrucacheTwin struct {
	live, value   uint64
	writesPer1024 uint64
	seed          uint64
	corrupt       bool
	keyspace      uint64      // 2 x the entries that fit
	caches        []*lruCache // each made by its own goroutine
}

var errLRUMissing = errors.New("lrucache: evicted key missing from the map, expected every listed key in it")

// lruWord is word w of the value of (key, ver).
func lruWord(key int64, ver, w uint64) uint64 {
	z := uint64(key)*0x9e3779b97f4a7c15 ^ ver<<32 ^ w
	z = (z ^ z>>31) * 0xbf58476d1ce4e5b9
	return z ^ z>>29
}

func (w *lrucacheTwin) setup(p Params, nthreads int) error {
	w.live = uint64(p.Int("live"))
	w.value = uint64(p.Int("value")) &^ 7
	w.writesPer1024 = uint64(uint32(p.Float("writes")*1024 + 0.5))
	w.seed = uint64(p.Int("seed"))
	w.corrupt = p.Bool("corrupt")
	w.keyspace = 2*(w.live/(w.value+lruEntryBytes)) + 2
	w.caches = make([]*lruCache, nthreads)
	return nil
}

func (c *lruCache) unlink(e *lruEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		c.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (c *lruCache) pushFront(e *lruEntry) {
	e.next = c.head
	if c.head != nil {
		c.head.prev = e
	} else {
		c.tail = e
	}
	c.head = e
}

// setValue gives e a fresh value for version ver.
func (w *lrucacheTwin) setValue(c *lruCache, e *lruEntry, ver uint64) {
	n := 64 + (c.rng.next() % (2*w.value - 127) &^ 7)
	v := make([]byte, n)
	for k := uint64(0); k < n/8; k++ {
		binary.LittleEndian.PutUint64(v[8*k:], lruWord(e.key, ver, k))
	}
	c.used += n - uint64(len(e.val))
	e.val, e.ver = v, ver
}

// evict drops entries from the back until the cache fits in `live` bytes
// (the front, just used, always stays).
func (w *lrucacheTwin) evict(c *lruCache) error {
	for c.used > w.live && c.tail != c.head {
		v := c.tail
		c.unlink(v)
		if _, ok := c.m[v.key]; !ok {
			return errLRUMissing
		}
		delete(c.m, v.key)
		c.used -= uint64(len(v.val)) + lruEntryBytes
	}
	return nil
}

func (w *lrucacheTwin) put(c *lruCache, key int64) error {
	e := &lruEntry{key: key}
	w.setValue(c, e, 1)
	c.m[key] = e
	c.pushFront(e)
	c.used += lruEntryBytes
	return w.evict(c)
}

func (w *lrucacheTwin) pick(c *lruCache) int64 {
	r := c.rng.next()
	hot := w.keyspace/5 + 1
	if r&1023 < 819 {
		return int64((r >> 10) % hot)
	}
	return int64((r >> 10) % w.keyspace)
}

func checkEntry(e *lruEntry, key int64) error {
	if e.key != key {
		return fmt.Errorf("lrucache: entry for key %d holds key %d, expected %d", key, e.key, key)
	}
	for k := 0; k < len(e.val)/8; k++ {
		got, want := binary.LittleEndian.Uint64(e.val[8*k:]), lruWord(key, e.ver, uint64(k))
		if got != want {
			return fmt.Errorf("lrucache: value of key %d (version %d) word %d is %016x, expected %016x "+
				"(value corrupted: freed or reused while live?)", key, e.ver, k, got, want)
		}
	}
	return nil
}

func (w *lrucacheTwin) request(c *lruCache, key int64) error {
	if e, ok := c.m[key]; ok {
		if err := checkEntry(e, key); err != nil {
			return err
		}
		c.hits++
		c.unlink(e)
		c.pushFront(e)
		if c.rng.next()&1023 < w.writesPer1024 {
			w.setValue(c, e, e.ver+1)
			return w.evict(c) // a rewritten value may be longer
		}
		return nil
	}
	c.misses++
	return w.put(c, key)
}

func (w *lrucacheTwin) threadInit(tid int) error {
	c := &lruCache{
		m:      make(map[int64]*lruEntry),
		rng:    splitmix64{w.seed ^ uint64(tid)*0xd1b54a32d192ed03},
		digest: digestInit,
	}
	w.caches[tid] = c
	c.rng.next() // the C workload seeds its map's hash with this draw
	for k := int64(0); c.used+w.value+lruEntryBytes <= w.live && uint64(k) < w.keyspace; k++ {
		if err := w.put(c, k); err != nil {
			return err
		}
	}
	return nil
}

func (w *lrucacheTwin) op(tid int, i uint64) error {
	c := w.caches[tid]
	var key int64
	if w.corrupt && i == 0 && c.head != nil {
		c.head.val[0] ^= 1
		key = c.head.key
	} else {
		key = w.pick(c)
	}
	hits := c.hits
	if err := w.request(c, key); err != nil {
		return err
	}
	e := c.head // the key's entry: request moved or put it there
	c.digest = digestFold(c.digest, uint64(key))
	c.digest = digestFold(c.digest, c.hits-hits)
	c.digest = digestFold(c.digest, e.ver)
	c.digest = digestFold(c.digest, uint64(len(e.val)))
	return nil
}

func (w *lrucacheTwin) threadFini(tid int) error {
	c := w.caches[tid]
	var n, bytes uint64
	var prev *lruEntry
	for e := c.head; e != nil; prev, e = e, e.next {
		m, ok := c.m[e.key]
		if e.prev != prev || !ok || m != e {
			what := "mislinked"
			if !ok {
				what = "not in the map"
			}
			return fmt.Errorf("lrucache: list entry %d (key %d) %s, expected it linked and mapped", n, e.key, what)
		}
		if err := checkEntry(e, e.key); err != nil {
			return err
		}
		n++
		bytes += uint64(len(e.val)) + lruEntryBytes
	}
	if n != uint64(len(c.m)) || bytes != c.used || prev != c.tail {
		return fmt.Errorf("lrucache: list holds %d entries / %d bytes, expected %d / %d (map count / accounting)",
			n, bytes, len(c.m), c.used)
	}
	if len(c.m) > 1 && c.used > w.live {
		return fmt.Errorf("lrucache: %d bytes cached, expected at most live = %d", c.used, w.live)
	}
	c.m, c.head, c.tail = nil, nil, nil
	return nil
}

func (w *lrucacheTwin) checksum() string {
	d := make([]uint64, len(w.caches))
	for i := range w.caches {
		d[i] = w.caches[i].digest
	}
	return digestFormat(d)
}
