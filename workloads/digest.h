/* digest.h - the run checksum a workload and its Go twin both compute.
 *
 * Each mutator thread folds 64-bit values into its own accumulator, in op
 * order (which values is the workload's choice, written in its header
 * comment); the run's checksum folds the per-thread accumulators in tid
 * order and prints 16 lower-case hex digits.  The fold is an FNV-1a step
 * on whole words: for a fixed value it is a bijection of the accumulator,
 * so changing any one folded value changes the result.  The Go twin's copy
 * is workloads/go/digest.go; the two must stay identical.
 */
#ifndef GCB_WORKLOADS_DIGEST_H
#define GCB_WORKLOADS_DIGEST_H

#include <stdint.h>
#include <stdio.h>

#define DIGEST_INIT 0xcbf29ce484222325ull

static inline uint64_t digest_fold(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

/* Fold thread accumulators t[0..n) into out ("%016llx"). */
static inline void digest_format(const uint64_t *t, int n, char *out, size_t outlen)
{
    uint64_t h = DIGEST_INIT;
    for (int i = 0; i < n; i++)
        h = digest_fold(h, t[i]);
    snprintf(out, outlen, "%016llx", (unsigned long long)h);
}

#endif
