/* rand.h - splitmix64 (Steele, Lea, Flood 2014), the one generator and
 * mixer of every workload.
 *
 * rand_next: the generator; the state advances by the golden gamma and the
 * result is its finalised value.  rand_mix: one draw of a stateless
 * generator, rand_next of a state equal to z (so rand_mix(z) ==
 * rand_next(&s) when s == z).  rand_finalize: the output function alone
 * (a bijection of 64-bit words), for hashing.  A workload's Go twin
 * (workloads/go/rand.go) must draw the same values.  Pure: any thread.
 */
#ifndef GCB_WORKLOADS_RAND_H
#define GCB_WORKLOADS_RAND_H

#include <stdint.h>

static inline uint64_t rand_finalize(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t rand_mix(uint64_t z)
{
    return rand_finalize(z + 0x9e3779b97f4a7c15ull);
}

static inline uint64_t rand_next(uint64_t *s)
{
    return rand_finalize(*s += 0x9e3779b97f4a7c15ull);
}

#endif
