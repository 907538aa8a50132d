package main

// The twin of workloads/mapgrow.c: one op makes a built-in map from empty
// (map[int64]int64, or map[string]int64 with keys = string), inserts n
// keys with value j, looks every key up, deletes about a `delete` fraction
// of them, looks every key up again and drops the map.  Key j is
// mapgrowMix(seed*0x100000001b3 + j) (one splitmix64 step); a string key is
// j in decimal, ':' and the first 4..16 of the 16 hex digits of that mix.
// Key j is deleted when mapgrowMix(j ^ 0x5bd1e995 ^ seed) % 1024 < delete*1024.
// Every lookup must return j (or nothing once deleted), each delete must
// remove a key and len must match; the C workload's gomap_is_valid has no
// counterpart (the map is the runtime's).  The run checksum folds, per op,
// len after the inserts, the wrapping sum of the keys inserted (an int key
// itself, a string key its length in bytes), the wrapping sum of the values
// the first lookups found, len after the deletes and the sum the second
// lookups found (digest.go).

import (
	"fmt"
	"strconv"
)

func init() {
	register(&Twin{
		Name:       "mapgrow",
		DefaultOps: 400,
		Params: []ParamDesc{
			{Name: "n", Kind: ParamInt, Default: "10000"},
			{Name: "keys", Kind: ParamEnum, Default: "int", Choices: "int|string"},
			{Name: "delete", Kind: ParamFloat, Default: "0.25"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
		},
		New: func() Workload { return &mapgrowTwin{} },
	})
}

type mapgrowTwin struct {
	n          uint64
	strkeys    bool
	delPer1024 uint64 // key j is deleted when mapgrowMix(...) % 1024 < this
	seed       uint64
	corrupt    bool
	keybuf     [][]byte // per thread: the string key being formed
	digest     []uint64 // per thread
}

// mapgrowOps is one op's map behind the operations the op needs, so that
// one op body serves both key types.  find and del take key j.
type mapgrowOps struct {
	insert func(j uint64) uint64 // returns the key's checksum word (header comment)
	find   func(j uint64) (int64, bool)
	del    func(j uint64)
	bump   func(j uint64) // corrupt: add 1 to key j's value when present
	len    func() int
}

// mapgrowMix is mapgrow.c's mix(): one splitmix64 step from z.
func mapgrowMix(z uint64) uint64 {
	r := splitmix64{z}
	return r.next()
}

func (w *mapgrowTwin) intKey(j uint64) int64 { return int64(mapgrowMix(w.seed*0x100000001b3 + j)) }

// strKey forms string key j in buf (no allocation once buf has grown).
func (w *mapgrowTwin) strKey(buf []byte, j uint64) []byte {
	x := mapgrowMix(w.seed*0x100000001b3 + j)
	buf = strconv.AppendUint(buf[:0], j, 10)
	buf = append(buf, ':')
	digits := min(4+int(x>>60), 16)
	for d := 0; d < digits; d++ {
		buf = append(buf, "0123456789abcdef"[(x>>(60-4*d))&15])
	}
	return buf
}

func (w *mapgrowTwin) deleted(j uint64) bool {
	return mapgrowMix(j^0x5bd1e995^w.seed)&1023 < w.delPer1024
}

func (w *mapgrowTwin) setup(p Params, nthreads int) error {
	w.n = uint64(p.Int("n"))
	w.strkeys = p.Enum("keys") == "string"
	w.delPer1024 = uint64(uint32(p.Float("delete")*1024 + 0.5))
	w.seed = uint64(p.Int("seed"))
	w.corrupt = p.Bool("corrupt")
	w.keybuf = make([][]byte, nthreads)
	w.digest = make([]uint64, nthreads)
	for i := range w.digest {
		w.digest[i] = digestInit
	}
	return nil
}

func (w *mapgrowTwin) threadInit(tid int) error {
	w.keybuf[tid] = make([]byte, 0, 48)
	return nil
}

func (w *mapgrowTwin) threadFini(tid int) error { return nil }

func (w *mapgrowTwin) intMap() mapgrowOps {
	m := make(map[int64]int64)
	return mapgrowOps{
		insert: func(j uint64) uint64 {
			k := w.intKey(j)
			m[k] = int64(j)
			return uint64(k)
		},
		find: func(j uint64) (int64, bool) { v, ok := m[w.intKey(j)]; return v, ok },
		del:  func(j uint64) { delete(m, w.intKey(j)) },
		bump: func(j uint64) {
			if _, ok := m[w.intKey(j)]; ok {
				m[w.intKey(j)]++
			}
		},
		len: func() int { return len(m) },
	}
}

func (w *mapgrowTwin) stringMap(tid int) mapgrowOps {
	m := make(map[string]int64)
	buf := w.keybuf[tid]
	return mapgrowOps{
		insert: func(j uint64) uint64 {
			k := w.strKey(buf, j)
			m[string(k)] = int64(j)
			return uint64(len(k))
		},
		find: func(j uint64) (int64, bool) { v, ok := m[string(w.strKey(buf, j))]; return v, ok },
		del:  func(j uint64) { delete(m, string(w.strKey(buf, j))) },
		bump: func(j uint64) {
			if _, ok := m[string(w.strKey(buf, j))]; ok {
				m[string(w.strKey(buf, j))]++
			}
		},
		len: func() int { return len(m) },
	}
}

// lookups looks every key up: present with value j unless afterDelete and
// deleted.  Returns the wrapping sum of the values found.
func (w *mapgrowTwin) lookups(m mapgrowOps, afterDelete bool, i uint64) (uint64, error) {
	var sum uint64
	when := "after inserts"
	if afterDelete {
		when = "after deletes"
	}
	for j := uint64(0); j < w.n; j++ {
		v, ok := m.find(j)
		want := !(afterDelete && w.deleted(j))
		if ok != want || (ok && v != int64(j)) {
			found, expected := "absent", "absent"
			if ok {
				found = "present"
			} else {
				v = -1
			}
			if want {
				expected = "present"
			}
			return 0, fmt.Errorf("mapgrow: op %d key %d %s: found %s (value %d), expected %s (value %d)",
				i, j, when, found, v, expected, j)
		}
		if ok {
			sum += uint64(v)
		}
	}
	return sum, nil
}

func (w *mapgrowTwin) op(tid int, i uint64) error {
	var m mapgrowOps
	if w.strkeys {
		m = w.stringMap(tid)
	} else {
		m = w.intMap()
	}
	var sumKeys uint64
	for j := uint64(0); j < w.n; j++ {
		sumKeys += m.insert(j)
	}
	if uint64(m.len()) != w.n {
		return fmt.Errorf("mapgrow: op %d: map holds %d keys after %d inserts, expected %d", i, m.len(), w.n, w.n)
	}
	if w.corrupt {
		m.bump(w.n / 2)
	}
	sumInserted, err := w.lookups(m, false, i)
	if err != nil {
		return err
	}
	want := w.n
	for j := uint64(0); j < w.n; j++ {
		if !w.deleted(j) {
			continue
		}
		before := m.len()
		m.del(j)
		if m.len() != before-1 {
			return fmt.Errorf("mapgrow: op %d: delete of key %d found nothing, expected the key", i, j)
		}
		want--
	}
	if uint64(m.len()) != want {
		return fmt.Errorf("mapgrow: op %d: map holds %d keys after deletes, expected %d", i, m.len(), want)
	}
	sumKept, err := w.lookups(m, true, i)
	if err != nil {
		return err
	}
	d := digestFold(digestFold(digestFold(w.digest[tid], w.n), sumKeys), sumInserted)
	w.digest[tid] = digestFold(digestFold(d, want), sumKept)
	return nil
}

func (w *mapgrowTwin) checksum() string { return digestFormat(w.digest) }
