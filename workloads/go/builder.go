package main

// The twin of workloads/builder.c: one op builds one string with a
// strings.Builder, appending `writes` pieces of `piece` bytes (piece k is
// pool piece k % 64, bytes from splitmix64(seed)); pool = true takes a
// bytes.Buffer from a sync.Pool instead, resets it, writes, and copies the
// bytes out with string(buf.Bytes()).  Every op checks the string's
// builderChecksum against the expected one; the run checksum folds each
// op's builderChecksum (digest.go).

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
)

func init() {
	register(&Twin{
		Name:       "builder",
		DefaultOps: 100000,
		Params: []ParamDesc{
			{Name: "writes", Kind: ParamInt, Default: "100"},
			{Name: "piece", Kind: ParamInt, Default: "36"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "pool", Kind: ParamBool, Default: "false"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
		},
		New: func() Workload { return &builderTwin{} },
	})
}

type builderTwin struct {
	writes, piece int
	pieces        []string // npool pieces
	wantLen       int
	wantSum       uint64
	pool          *sync.Pool // nil unless pool = true
	corrupt       bool
	digest        []uint64 // per thread
}

// builderChecksum is workloads/builder.c's builder_checksum, bit for bit.
func builderChecksum(s string) uint64 {
	const prime = 0x100000001b3
	a := [8]uint64{1, 2, 3, 4, 5, 6, 7, 8}
	var b [8]uint64
	n := len(s)
	i := 0
	for ; i+64 <= n; i += 64 {
		for k := 0; k < 8; k++ {
			a[k] += binary.LittleEndian.Uint64([]byte(s[i+8*k : i+8*k+8]))
			b[k] += a[k]
		}
	}
	r := uint64(0xcbf29ce484222325) ^ uint64(n)
	for ; i < n; i++ {
		r = (r ^ uint64(s[i])) * prime
	}
	for k := 0; k < 8; k++ {
		r = (r ^ a[k]) * prime
	}
	for k := 0; k < 8; k++ {
		r = (r ^ b[k]) * prime
	}
	return r ^ (r >> 29)
}

func (w *builderTwin) setup(p Params, nthreads int) error {
	w.writes, w.piece = int(p.Int("writes")), int(p.Int("piece"))
	w.corrupt = p.Bool("corrupt")
	npool := min(w.writes, 64)
	rng := splitmix64{uint64(p.Int("seed"))}
	raw := make([]byte, npool*w.piece)
	for i := range raw {
		raw[i] = byte(' ' + rng.next()%95)
	}
	for k := 0; k < npool; k++ {
		w.pieces = append(w.pieces, string(raw[k*w.piece:(k+1)*w.piece]))
	}
	var want strings.Builder
	for k := 0; k < w.writes; k++ {
		want.WriteString(w.pieces[k%npool])
	}
	w.wantLen, w.wantSum = want.Len(), builderChecksum(want.String())
	if p.Bool("pool") {
		w.pool = &sync.Pool{New: func() any { return new(bytes.Buffer) }}
	}
	w.digest = make([]uint64, nthreads)
	for i := range w.digest {
		w.digest[i] = digestInit
	}
	return nil
}

func (w *builderTwin) threadInit(tid int) error { return nil }
func (w *builderTwin) threadFini(tid int) error { return nil }

func (w *builderTwin) op(tid int, i uint64) error {
	var s string
	if w.pool != nil {
		buf := w.pool.Get().(*bytes.Buffer)
		buf.Reset()
		for k := 0; k < w.writes; k++ {
			buf.WriteString(w.pieces[k%len(w.pieces)])
		}
		s = string(buf.Bytes())
		w.pool.Put(buf)
	} else {
		var b strings.Builder
		for k := 0; k < w.writes; k++ {
			b.WriteString(w.pieces[k%len(w.pieces)])
		}
		s = b.String()
	}
	if w.corrupt && i == 0 {
		s = "!" + s[1:]
	}
	sum := builderChecksum(s)
	if len(s) != w.wantLen || sum != w.wantSum {
		return fmt.Errorf("builder: op %d built %d bytes with checksum %016x, expected %d bytes with checksum %016x",
			i, len(s), sum, w.wantLen, w.wantSum)
	}
	w.digest[tid] = digestFold(w.digest[tid], sum)
	return nil
}

func (w *builderTwin) checksum() string { return digestFormat(w.digest) }
