package main

// The twin of workloads/api.c, the Twitch case: an API server with a small
// live heap and a high allocation rate per request.  Each goroutine builds
// in threadInit a table of nrec = live/72 + 1 records (*apiRecord, each
// with its name string "user-<id>") that lives for the whole run.  One op
// is one request: picks = objects/3 response items, each an *apiItem
// linked newest first, with a label string "user-<id>:<k>" and a []uint64
// of 4..32 values score + j; then the response is walked, checked and
// dropped.  pool = true takes the items and 32-word value arrays from two
// sync.Pools and puts them back after the request, so only the labels are
// allocated per request.
//
// Validation as in api.c: every item's record, label and values are
// checked, and the response checksum against the one computed while
// building; threadFini checks every record.  The run checksum folds each
// op's response checksum (digest.go).
//
// `region` is accepted and changes nothing (Go has no region.Do).
// `escape` (escape.go) is api.c's: that share of requests keeps its whole
// response list in slot k of the goroutine's cache (and gives it back to
// no pool), checks it after the request and at the end against
// c = c*31 + (sum of values + label length + record id) over the list
// newest first, and folds that into the digest.

import (
	"fmt"
	"strconv"
	"sync"
)

func init() {
	register(&Twin{
		Name:       "api",
		DefaultOps: 9000,
		Params: []ParamDesc{
			{Name: "live", Kind: ParamBytes, Default: "4MiB"},
			{Name: "objects", Kind: ParamInt, Default: "300"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
			{Name: "pool", Kind: ParamBool, Default: "false"},
			{Name: "region", Kind: ParamBool, Default: "false"},
			{Name: "escape", Kind: ParamFloat, Default: "0"},
		},
		New: func() Workload { return &apiTwin{} },
	})
}

// apiValsCap is the capacity in words of a pooled value array: the
// largest item has 32 values.
const apiValsCap = 32

// apiRecord is one long-lived record (32 bytes, as api.c's record).
type apiRecord struct {
	name  string // "user-<id>"
	id    uint64
	score uint64 // apiMix(id)
}

// apiItem is one response item; a response is a list, newest item first.
type apiItem struct {
	next  *apiItem
	rec   *apiRecord
	label string   // "user-<id>:<k>" for the k-th item built
	vals  []uint64 // rec.score + j for j < len(vals)
}

// apiThread is one mutator goroutine's state; only that goroutine uses it.
type apiThread struct {
	table []*apiRecord // record id at index id
	rng   uint64       // seed ^ tid << 32
	cache [escapeCache]*apiItem
	want  [escapeCache]uint64 // each cache slot's apiCachedSum
	nesc  uint64              // escapes so far
}

type apiTwin struct {
	nrec, picks uint64 // records per thread; items per request
	seed        uint64
	corrupt     bool       // test only: damage the newest item's label
	items       *sync.Pool // pool = true: *apiItem; else nil
	vals        *sync.Pool // pool = true: *[apiValsCap]uint64; else nil
	t           []*apiThread
	digest      []uint64 // per thread: every op's response checksum folded
	escape      uint64   // escapeThreshold of the param
}

// apiCachedSum is the check of a cached response (newest item first).
func apiCachedSum(it *apiItem) uint64 {
	c := uint64(0)
	for ; it != nil; it = it.next {
		sum := uint64(len(it.label)) + it.rec.id
		for _, v := range it.vals {
			sum += v
		}
		c = c*31 + sum
	}
	return c
}

// checkSlot checks cache slot c of goroutine tid against what was cached.
func (w *apiTwin) checkSlot(tid int, c uint64, when string) error {
	t := w.t[tid]
	for it := t.cache[c]; it != nil; it = it.next {
		if err := w.checkRecord(it.rec, it.rec.id); err != nil {
			return err
		}
	}
	if got := apiCachedSum(t.cache[c]); t.cache[c] == nil || got != t.want[c] {
		return fmt.Errorf("api: thread %d cache slot %d %s: the cached response sums to %016x, "+
			"expected %016x", tid, c, when, got, t.want[c])
	}
	return nil
}

// apiMix is api.c's mix: one splitmix64 step from state z.
func apiMix(z uint64) uint64 {
	r := splitmix64{z}
	return r.next()
}

// apiAppendName appends "user-<id>" to b.
func apiAppendName(b []byte, id uint64) []byte {
	return strconv.AppendUint(append(b, "user-"...), id, 10)
}

// apiAppendLabel appends "user-<id>:<k>" to b.
func apiAppendLabel(b []byte, id, k uint64) []byte {
	return strconv.AppendUint(append(apiAppendName(b, id), ':'), k, 10)
}

func (w *apiTwin) setup(p Params, nthreads int) error {
	w.nrec = uint64(p.Int("live"))/72 + 1 // 8 table + 32 record + ~32 name bytes
	w.picks = uint64(p.Int("objects")) / 3
	w.seed = uint64(p.Int("seed"))
	w.corrupt = p.Bool("corrupt")
	w.escape = escapeThreshold(p.Float("escape"))
	if p.Bool("pool") {
		w.items = &sync.Pool{New: func() any { return new(apiItem) }}
		w.vals = &sync.Pool{New: func() any { return new([apiValsCap]uint64) }}
	}
	w.t = make([]*apiThread, nthreads)
	w.digest = make([]uint64, nthreads)
	for i := range w.digest {
		w.digest[i] = digestInit
	}
	return nil
}

func (w *apiTwin) threadInit(tid int) error {
	if tid < 0 || tid >= len(w.t) {
		return fmt.Errorf("api: thread id %d, expected 0..%d", tid, len(w.t)-1)
	}
	t := &apiThread{table: make([]*apiRecord, w.nrec), rng: w.seed ^ uint64(tid)<<32}
	var buf [32]byte
	for id := range t.table {
		t.table[id] = &apiRecord{
			name:  string(apiAppendName(buf[:0], uint64(id))),
			id:    uint64(id),
			score: apiMix(uint64(id)),
		}
	}
	w.t[tid] = t
	return nil
}

// checkRecord reports a record that is not record id.
func (w *apiTwin) checkRecord(r *apiRecord, id uint64) error {
	var buf [32]byte
	name := apiAppendName(buf[:0], id)
	if r == nil || r.id != id || r.score != apiMix(id) || r.name != string(name) {
		var gotID uint64
		var gotName string
		if r != nil {
			gotID, gotName = r.id, r.name
		}
		// string(name): passing the []byte would move buf to the heap on
		// every call, an allocation per item that api.c does not make.
		return fmt.Errorf("api: record %d is damaged (id %d, name '%.32s'), expected '%s' "+
			"(freed or reused while live?)", id, gotID, gotName, string(name))
	}
	return nil
}

func (w *apiTwin) op(tid int, i uint64) error {
	t := w.t[tid]
	rng := t.rng ^ apiMix(i)
	var resp *apiItem // newest first
	var want uint64
	var buf [48]byte
	for k := uint64(0); k < w.picks; k++ {
		r := apiMix(rng + k)
		id, nv := r%w.nrec, 4+(r>>40)%29
		var it *apiItem
		if w.items != nil {
			it = w.items.Get().(*apiItem)
			it.vals = w.vals.Get().(*[apiValsCap]uint64)[:nv]
		} else {
			it = &apiItem{vals: make([]uint64, nv)}
		}
		it.rec = t.table[id]
		it.label = string(apiAppendLabel(buf[:0], id, k))
		for j := range it.vals {
			it.vals[j] = it.rec.score + uint64(j)
		}
		it.next = resp
		resp = it
		want = want*31 + apiMix(id)*nv + nv*(nv-1)/2 + uint64(len(it.label))
	}
	if w.corrupt && resp != nil {
		b := []byte(resp.label)
		b[0] ^= 1
		resp.label = string(b)
	}
	got, err := w.check(resp, rng, i, want)
	if err == nil && w.escape != 0 && escapeOp(w.escape, i) {
		// the response escapes into the cache: no pool
		c := t.nesc % escapeCache
		t.nesc++
		t.cache[c], t.want[c] = resp, apiCachedSum(resp)
		w.digest[tid] = digestFold(w.digest[tid], got)
		w.digest[tid] = digestFold(w.digest[tid], t.want[c])
		return w.checkSlot(tid, c, "after its request")
	}
	if w.items != nil {
		// Back to the pools, reset; the labels die.
		for it := resp; it != nil; {
			next := it.next
			w.vals.Put((*[apiValsCap]uint64)(it.vals[:apiValsCap]))
			*it = apiItem{}
			w.items.Put(it)
			it = next
		}
	}
	if err != nil {
		return err
	}
	w.digest[tid] = digestFold(w.digest[tid], got)
	return nil
}

// check walks response resp of request i (newest item first), checks each
// item against what the request built, and returns the response checksum
// in build order: got = got*31 + (sum of values + label length) per item.
func (w *apiTwin) check(resp *apiItem, rng, i, want uint64) (uint64, error) {
	got, pow, k := uint64(0), uint64(1), w.picks // got, 31^(picks-1-k) as k counts down
	var buf [48]byte
	for it := resp; it != nil; it = it.next {
		k--
		id := apiMix(rng+k) % w.nrec
		if err := w.checkRecord(it.rec, id); err != nil {
			return 0, err
		}
		label := apiAppendLabel(buf[:0], id, k)
		if it.label != string(label) {
			return 0, fmt.Errorf("api: op %d item %d label '%.48s', expected '%s' "+
				"(freed or reused while live?)", i, k, it.label, string(label)) // not label: see checkRecord
		}
		sum := uint64(len(it.label))
		for _, v := range it.vals {
			sum += v
		}
		got += sum * pow
		pow *= 31
	}
	if k != 0 || got != want {
		return 0, fmt.Errorf("api: op %d response checksum %016x over %d items, expected %016x",
			i, got, w.picks-k, want)
	}
	return got, nil
}

func (w *apiTwin) threadFini(tid int) error {
	t := w.t[tid]
	if t == nil {
		return nil
	}
	for id, r := range t.table {
		if err := w.checkRecord(r, uint64(id)); err != nil {
			return err
		}
	}
	for c := uint64(0); c < min(t.nesc, escapeCache); c++ {
		if err := w.checkSlot(tid, c, "at the end"); err != nil {
			return err
		}
	}
	w.t[tid] = nil
	return nil
}

func (w *apiTwin) checksum() string { return digestFormat(w.digest) }
