package main

// The `escape` param of the region workloads (rpc, jsontree, api), as
// workloads/lib/escape.h decides it: op i of a thread lets part of its
// result escape into a long-lived per-thread cache when
// mix(i ^ escapeSalt) % 10000 < round(percent * 100); the escaped value
// goes to cache slot (escapes so far) % escapeCache.  The `region` param
// has no Go counterpart (no region.Do in Go 1.26): the twins accept it and
// run the request directly, as gcb_region_do does on a collector without
// regions.

const (
	escapeSalt  uint64 = 0x6573636170652121 // "escape!!"
	escapeCache        = 64                 // cache slots per thread
)

// escapeThreshold is the threshold out of 10000 for an escape percentage.
func escapeThreshold(percent float64) uint64 { return uint64(percent*100 + 0.5) }

// escapeOp reports whether op i escapes.
func escapeOp(threshold, i uint64) bool {
	r := splitmix64{i ^ escapeSalt}
	return r.next()%10000 < threshold
}
