package main

import "fmt"

// The run checksum, identical to workloads/digest.h: each thread folds
// 64-bit values into its own accumulator in op order; the run folds the
// accumulators in tid order and prints 16 lower-case hex digits.

const digestInit uint64 = 0xcbf29ce484222325

func digestFold(h, v uint64) uint64 { return (h ^ v) * 0x100000001b3 }

func digestFormat(t []uint64) string {
	h := digestInit
	for _, v := range t {
		h = digestFold(h, v)
	}
	return fmt.Sprintf("%016x", h)
}
