package main

// The twin of workloads/bytesbuffer.c: one op is one request's
// bytes.Buffer, a fresh one (or, pool = true, one from a sync.Pool that
// goes back after the op), put through `cycles` rounds of `writes` Writes
// of 1..chunk stream bytes, each followed by a Read of 0..chunk-1 bytes,
// then a read of the rest and a Reset (the capacity is kept for the next
// round).  The sizes come from splitmix64(seed ^ i*0xd1b54a32d192ed03 ^
// tid<<48); the stream is the 4093-byte pattern of splitmix64(seed) bytes,
// repeated.  Every byte read is compared with the stream and each round's
// byte count checked.  The run checksum folds, per read in op order,
// n<<8 | last byte read (0 when n = 0) (digest.go).

import (
	"bytes"
	"fmt"
	"sync"
)

const bbPattern = 4093 // bytes of the repeating stream (prime)

func init() {
	register(&Twin{
		Name:       "bytesbuffer",
		DefaultOps: 25000,
		Params: []ParamDesc{
			{Name: "writes", Kind: ParamInt, Default: "64"},
			{Name: "chunk", Kind: ParamInt, Default: "512"},
			{Name: "cycles", Kind: ParamInt, Default: "4"},
			{Name: "seed", Kind: ParamInt, Default: "1"},
			{Name: "corrupt", Kind: ParamBool, Default: "false"},
			{Name: "pool", Kind: ParamBool, Default: "false"},
		},
		New: func() Workload { return &bytesBufferTwin{} },
	})
}

type bytesBufferTwin struct {
	writes, chunk, cycles int
	seed                  uint64
	corrupt               bool
	pattern               []byte     // bbPattern + chunk bytes: pattern[k] = stream byte k mod bbPattern
	pool                  *sync.Pool // nil unless pool = true
	scratch               [][]byte   // per thread: chunk bytes that Read copies into
	digest                []uint64   // per thread
}

func (w *bytesBufferTwin) setup(p Params, nthreads int) error {
	w.writes, w.chunk, w.cycles = int(p.Int("writes")), int(p.Int("chunk")), int(p.Int("cycles"))
	w.seed = uint64(p.Int("seed"))
	w.corrupt = p.Bool("corrupt")
	w.pattern = make([]byte, bbPattern+w.chunk)
	rng := splitmix64{w.seed}
	for k := 0; k < bbPattern; k++ {
		w.pattern[k] = byte(rng.next())
	}
	for k := bbPattern; k < len(w.pattern); k++ {
		w.pattern[k] = w.pattern[k%bbPattern]
	}
	if p.Bool("pool") {
		w.pool = &sync.Pool{New: func() any { return new(bytes.Buffer) }}
	}
	w.scratch = make([][]byte, nthreads)
	w.digest = make([]uint64, nthreads)
	for i := range w.digest {
		w.digest[i] = digestInit
	}
	return nil
}

func (w *bytesBufferTwin) threadInit(tid int) error {
	w.scratch[tid] = make([]byte, w.chunk)
	return nil
}

func (w *bytesBufferTwin) threadFini(tid int) error { return nil }

// check compares got, read at stream position rpos, with the stream and
// folds the read into *h.
func (w *bytesBufferTwin) check(got []byte, rpos int, h *uint64, i uint64) error {
	for done := 0; done < len(got); {
		at := (rpos + done) % bbPattern
		k := min(len(got)-done, bbPattern-at)
		if !bytes.Equal(got[done:done+k], w.pattern[at:at+k]) {
			for j := 0; j < k; j++ {
				if got[done+j] != w.pattern[at+j] {
					return fmt.Errorf("bytesbuffer: op %d read byte %d of the stream as 0x%02x, expected 0x%02x (buffer corrupted)",
						i, rpos+done+j, got[done+j], w.pattern[at+j])
				}
			}
		}
		done += k
	}
	var last uint64
	if len(got) > 0 {
		last = uint64(got[len(got)-1])
	}
	*h = digestFold(*h, uint64(len(got))<<8|last)
	return nil
}

func (w *bytesBufferTwin) op(tid int, i uint64) error {
	var buf *bytes.Buffer
	if w.pool != nil {
		buf = w.pool.Get().(*bytes.Buffer)
		buf.Reset()
	} else {
		buf = new(bytes.Buffer)
	}
	scratch := w.scratch[tid]
	rng := splitmix64{w.seed ^ (i * 0xd1b54a32d192ed03) ^ (uint64(tid) << 48)}
	h := w.digest[tid]
	chunk := uint64(w.chunk)
	for c := 0; c < w.cycles; c++ {
		wpos, rpos := 0, 0 // stream bytes written / read this round
		for k := 0; k < w.writes; k++ {
			n := int(1 + rng.next()%chunk)
			at := wpos % bbPattern
			buf.Write(w.pattern[at : at+n])
			wpos += n
			if w.corrupt && c == 0 && k+1 == w.writes {
				unread := buf.Bytes()
				unread[len(unread)-1] ^= 0x5a
			}
			got, _ := buf.Read(scratch[:rng.next()%chunk]) // io.EOF when empty: got = 0
			if err := w.check(scratch[:got], rpos, &h, i); err != nil {
				return err
			}
			rpos += got
		}
		rest := buf.Next(buf.Len())
		if err := w.check(rest, rpos, &h, i); err != nil {
			return err
		}
		rpos += len(rest)
		if rpos != wpos || buf.Len() != 0 {
			return fmt.Errorf("bytesbuffer: op %d round %d read %d bytes, expected %d", i, c, rpos, wpos)
		}
		buf.Reset() // the capacity is kept for the next round
	}
	w.digest[tid] = h
	if w.pool != nil {
		w.pool.Put(buf)
	}
	return nil
}

func (w *bytesBufferTwin) checksum() string { return digestFormat(w.digest) }
