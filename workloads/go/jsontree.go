package main

// The twin of workloads/jsontree.c: parse a JSON document into a tree of
// values, walk it, drop it (the fastjson case).  setup generates `docs`
// documents of about `size` bytes from `seed` exactly as the C workload
// does, with their expected summary.  One op parses document i % docs
// with a hand-written parser (not encoding/json: the C workload models
// fastjson's tree of values): an object's fields or an array's elements
// are gathered in a scratch slice grown by append and then copied into an
// exact-length slice; a string with escapes is unescaped through a scratch
// []byte.  Then the op walks the tree (kinds, integer sum, FNV hash of
// every string and key in document order), checks the summary and folds
// it into the goroutine's digest: the counts per kind (null, false, true,
// number, string, array, object), the sum, the string hash.
//
// `region` is accepted and changes nothing (Go has no region.Do).
// `escape` (escape.go) is jsontree.c's: that share of ops keeps the value
// of the document's first member in slot k of the goroutine's cache,
// checks it after the op and at the end, and folds its walk's integer sum
// and string hash.

import "fmt"

func init() {
	register(&Twin{
		Name:       "jsontree",
		DefaultOps: 1000,
		Params: []ParamDesc{
			{Name: "docs", Kind: ParamInt, Default: "4"},
			{Name: "size", Kind: ParamBytes, Default: "64KiB"},
			{Name: "depth", Kind: ParamInt, Default: "8"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
			{Name: "region", Kind: ParamBool, Default: "false"},
			{Name: "escape", Kind: ParamFloat, Default: "0"},
		},
		New: func() Workload { return &jsontreeTwin{} },
	})
}

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonFalse
	jsonTrue
	jsonNumber
	jsonString
	jsonArray
	jsonObject
	jsonKinds
)

// jsonValue is one node of a parsed document.
type jsonValue struct {
	kind jsonKind
	num  int64        // jsonNumber
	str  string       // jsonString
	arr  []*jsonValue // jsonArray
	obj  []jsonField  // jsonObject, in document order
}

type jsonField struct {
	key   string
	value *jsonValue
}

type jsonSummary struct {
	kinds   [jsonKinds]uint64
	sum     int64  // of the integers
	strhash uint64 // jsonFNV over every string (keys too) in document order
}

func jsonFNV(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 0x100000001b3
	}
	return (h ^ uint64(len(s))) * 0x100000001b3
}

// ---- generation (jsontree.c's gen_*, draw for draw) ----

type jsonGen struct {
	b      []byte
	target int
	rng    splitmix64
	sum    jsonSummary
}

func (g *jsonGen) genString() {
	n := 1 + g.rng.next()%24
	raw := make([]byte, n)
	g.b = append(g.b, '"')
	for i := range raw {
		switch r := g.rng.next() % 40; r {
		case 0:
			raw[i] = '\n'
			g.b = append(g.b, '\\', 'n')
		case 1, 2:
			raw[i] = "\"\\"[r-1]
			g.b = append(g.b, '\\', raw[i])
		default:
			raw[i] = byte('a' + r%26)
			g.b = append(g.b, raw[i])
		}
	}
	g.b = append(g.b, '"')
	g.sum.strhash = jsonFNV(g.sum.strhash, string(raw))
}

func (g *jsonGen) genValue(depth int) {
	r := g.rng.next() % 16
	switch {
	case depth > 0 && len(g.b) < g.target && r < 5:
		obj := r < 2
		opener, closer := byte('['), byte(']')
		if obj {
			opener, closer = '{', '}'
			g.sum.kinds[jsonObject]++
		} else {
			g.sum.kinds[jsonArray]++
		}
		g.b = append(g.b, opener)
		n := g.rng.next() % 12
		for i := uint64(0); i < n && len(g.b) < g.target; i++ {
			if i > 0 {
				g.b = append(g.b, ',')
			}
			if obj {
				g.genString()
				g.b = append(g.b, ':')
			}
			g.genValue(depth - 1)
		}
		g.b = append(g.b, closer)
	case r < 9:
		g.genString()
		g.sum.kinds[jsonString]++
	case r < 13:
		v := int64(g.rng.next()%2000001) - 1000000
		g.b = fmt.Appendf(g.b, "%d", v)
		g.sum.kinds[jsonNumber]++
		g.sum.sum += v
	default:
		k := jsonKind(r - 13)
		g.b = append(g.b, [...]string{"null", "false", "true"}[k]...)
		g.sum.kinds[jsonNull+k]++
	}
}

// ---- parsing ----

type jsonParser struct {
	b []byte
	p int // next byte
}

func (ps *jsonParser) ws() {
	for ps.p < len(ps.b) {
		switch ps.b[ps.p] {
		case ' ', '\n', '\t', '\r':
			ps.p++
		default:
			return
		}
	}
}

// parseString parses the string at ps.p ('"'); ok is false on malformed
// input.
func (ps *jsonParser) parseString() (s string, ok bool) {
	start := ps.p + 1
	q, esc := start, false
	for q < len(ps.b) && ps.b[q] != '"' {
		if ps.b[q] == '\\' {
			esc = true
			q++
		}
		q++
	}
	if q >= len(ps.b) {
		return "", false
	}
	ps.p = q + 1
	if !esc {
		return string(ps.b[start:q]), true
	}
	buf := make([]byte, 0, q-start)
	for c := start; c < q; c++ {
		if ps.b[c] == '\\' {
			c++
			switch ps.b[c] {
			case 'n':
				buf = append(buf, '\n')
			case 't':
				buf = append(buf, '\t')
			default:
				buf = append(buf, ps.b[c])
			}
		} else {
			buf = append(buf, ps.b[c])
		}
	}
	return string(buf), true
}

// parseContainer parses the array or object at ps.p; nil when malformed.
func (ps *jsonParser) parseContainer(depth int) *jsonValue {
	obj := ps.b[ps.p] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	ps.p++
	if depth > 64 {
		return nil
	}
	var fields []jsonField // scratch, grown by append
	var elems []*jsonValue // scratch, grown by append
	ps.ws()
	done := ps.p < len(ps.b) && ps.b[ps.p] == closer
	if done {
		ps.p++
	}
	for !done && ps.p < len(ps.b) {
		if obj {
			ps.ws()
			if ps.p >= len(ps.b) || ps.b[ps.p] != '"' {
				return nil
			}
			key, ok := ps.parseString()
			if !ok {
				return nil
			}
			ps.ws()
			if ps.p >= len(ps.b) || ps.b[ps.p] != ':' {
				return nil
			}
			ps.p++
			v := ps.parseValue(depth + 1)
			if v == nil {
				return nil
			}
			fields = append(fields, jsonField{key, v})
		} else {
			v := ps.parseValue(depth + 1)
			if v == nil {
				return nil
			}
			elems = append(elems, v)
		}
		ps.ws()
		if ps.p < len(ps.b) && ps.b[ps.p] == ',' {
			ps.p++
			continue
		}
		if ps.p < len(ps.b) && ps.b[ps.p] == closer {
			ps.p++
			done = true
		}
		break
	}
	if !done {
		return nil
	}
	if obj {
		v := &jsonValue{kind: jsonObject}
		if len(fields) > 0 {
			v.obj = make([]jsonField, len(fields))
			copy(v.obj, fields)
		}
		return v
	}
	v := &jsonValue{kind: jsonArray}
	if len(elems) > 0 {
		v.arr = make([]*jsonValue, len(elems))
		copy(v.arr, elems)
	}
	return v
}

// parseValue parses the value at ps.p; nil when malformed.
func (ps *jsonParser) parseValue(depth int) *jsonValue {
	ps.ws()
	if ps.p >= len(ps.b) {
		return nil
	}
	switch c := ps.b[ps.p]; {
	case c == '{' || c == '[':
		return ps.parseContainer(depth)
	case c == '"':
		s, ok := ps.parseString()
		if !ok {
			return nil
		}
		return &jsonValue{kind: jsonString, str: s}
	case c == '-' || c >= '0' && c <= '9':
		q, neg := ps.p, c == '-'
		if neg {
			q++
		}
		var x int64
		digits := q
		for ; q < len(ps.b) && ps.b[q] >= '0' && ps.b[q] <= '9'; q++ {
			x = 10*x + int64(ps.b[q]-'0')
		}
		if q == digits {
			return nil
		}
		if neg {
			x = -x
		}
		ps.p = q
		return &jsonValue{kind: jsonNumber, num: x}
	}
	for k, lit := range [...]string{"null", "false", "true"} {
		if len(ps.b)-ps.p >= len(lit) && string(ps.b[ps.p:ps.p+len(lit)]) == lit {
			ps.p += len(lit)
			return &jsonValue{kind: jsonNull + jsonKind(k)}
		}
	}
	return nil
}

// walk adds v's subtree to s in document order; false at a malformed node.
func walk(v *jsonValue, s *jsonSummary) bool {
	if v == nil || v.kind >= jsonKinds {
		return false
	}
	s.kinds[v.kind]++
	switch v.kind {
	case jsonNumber:
		s.sum += v.num
	case jsonString:
		s.strhash = jsonFNV(s.strhash, v.str)
	case jsonArray:
		for _, e := range v.arr {
			if !walk(e, s) {
				return false
			}
		}
	case jsonObject:
		for _, f := range v.obj {
			s.strhash = jsonFNV(s.strhash, f.key)
			if !walk(f.value, s) {
				return false
			}
		}
	}
	return true
}

// ---- the twin ----

type jsonDoc struct {
	text []byte
	want jsonSummary
}

type jsontreeTwin struct {
	docs    []jsonDoc
	corrupt bool
	digest  []uint64 // per goroutine
	escape  uint64   // escapeThreshold of the param
	cache   []jsonCache
}

// jsonCache is a goroutine's long-lived cache of escaped subtrees.
type jsonCache struct {
	v    [escapeCache]*jsonValue
	want [escapeCache]jsonSummary
	nesc uint64
}

func (w *jsontreeTwin) setup(p Params, nthreads int) error {
	w.corrupt = p.Bool("corrupt")
	depth := int(p.Int("depth"))
	rng := splitmix64{uint64(p.Int("seed"))}
	w.docs = make([]jsonDoc, p.Int("docs"))
	for d := range w.docs {
		g := jsonGen{target: int(p.Int("size")), rng: splitmix64{rng.next()}}
		g.sum.strhash = digestInit // FNV-1a's offset basis
		// The root is an object, grown until the target size.
		g.sum.kinds[jsonObject]++
		g.b = append(g.b, '{')
		for i := 0; len(g.b) < g.target; i++ {
			if i > 0 {
				g.b = append(g.b, ',')
			}
			g.genString()
			g.b = append(g.b, ':')
			g.genValue(depth - 1)
		}
		g.b = append(g.b, '}')
		w.docs[d] = jsonDoc{text: offHeap(g.b), want: g.sum} // outside the heap, as jsontree.c's malloc'd text
	}
	w.digest = make([]uint64, nthreads)
	for i := range w.digest {
		w.digest[i] = digestInit
	}
	w.escape = escapeThreshold(p.Float("escape"))
	w.cache = make([]jsonCache, nthreads)
	return nil
}

func (w *jsontreeTwin) threadInit(tid int) error { return nil }

func (w *jsontreeTwin) threadFini(tid int) error {
	c := &w.cache[tid]
	for k := uint64(0); k < min(c.nesc, escapeCache); k++ {
		if err := w.checkSlot(tid, k, "at the end"); err != nil {
			return err
		}
	}
	return nil
}

// checkSlot walks cache slot k of goroutine tid against what was cached.
func (w *jsontreeTwin) checkSlot(tid int, k uint64, when string) error {
	c := &w.cache[tid]
	got := jsonSummary{strhash: digestInit}
	ok := c.v[k] == nil && c.want[k].kinds == [jsonKinds]uint64{}
	if c.v[k] != nil {
		ok = walk(c.v[k], &got)
	}
	if !ok || got.kinds != c.want[k].kinds || got.sum != c.want[k].sum || got.strhash != c.want[k].strhash {
		return fmt.Errorf("jsontree: thread %d cache slot %d %s: the cached subtree walks to sum %d, "+
			"string hash %016x, expected %d, %016x", tid, k, when, got.sum, got.strhash,
			c.want[k].sum, c.want[k].strhash)
	}
	return nil
}

func (w *jsontreeTwin) op(tid int, i uint64) error {
	c := &w.cache[tid]
	nesc := c.nesc
	if err := w.handle(tid, i); err != nil {
		return err
	}
	if w.escape != 0 && c.nesc != nesc {
		return w.checkSlot(tid, nesc%escapeCache, "after its op")
	}
	return nil
}

func (w *jsontreeTwin) handle(tid int, i uint64) error {
	n := i % uint64(len(w.docs))
	d := &w.docs[n]
	ps := jsonParser{b: d.text}
	root := ps.parseValue(0)
	if root == nil {
		return fmt.Errorf("jsontree: op %d: malformed JSON (expected valid) at byte %d of document %d", i, ps.p, n)
	}
	if w.corrupt && len(root.obj) > 0 {
		k := []byte(root.obj[0].key) // the first key
		k[0] ^= 1
		root.obj[0].key = string(k)
	}
	got := jsonSummary{strhash: digestInit}
	want := &d.want
	if !walk(root, &got) || got != *want {
		return fmt.Errorf("jsontree: op %d document %d: walk saw %d objects %d arrays %d strings "+
			"%d numbers (sum %d, string hash %016x), expected %d %d %d %d (sum %d, %016x) "+
			"(tree corrupted: freed or reused while live?)", i, n,
			got.kinds[jsonObject], got.kinds[jsonArray], got.kinds[jsonString], got.kinds[jsonNumber],
			got.sum, got.strhash,
			want.kinds[jsonObject], want.kinds[jsonArray], want.kinds[jsonString], want.kinds[jsonNumber],
			want.sum, want.strhash)
	}
	h := w.digest[tid]
	for _, c := range got.kinds {
		h = digestFold(h, c)
	}
	h = digestFold(h, uint64(got.sum))
	w.digest[tid] = digestFold(h, got.strhash)
	if w.escape != 0 && escapeOp(w.escape, i) {
		c := &w.cache[tid]
		k := c.nesc % escapeCache
		c.nesc++
		var v *jsonValue
		if len(root.obj) > 0 {
			v = root.obj[0].value
		}
		s := jsonSummary{strhash: digestInit}
		if v != nil {
			walk(v, &s)
		}
		c.v[k], c.want[k] = v, s
		w.digest[tid] = digestFold(digestFold(w.digest[tid], uint64(s.sum)), s.strhash)
	}
	return nil
}

func (w *jsontreeTwin) checksum() string { return digestFormat(w.digest) }
