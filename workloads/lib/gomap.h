/* gomap.h - Go's hash map (runtime/map.go before Swiss tables), on the
 * gcbench heap; shared by the mapgrow and lrucache workloads.
 *
 * A map is a heap object (gomap) pointing to an array of 2^B buckets; a
 * bucket holds 8 entries: an overflow pointer, then the pointer words
 * (string keys, pointer values), then 8 tophash bytes, then the scalar
 * words (int keys, int values) - 144 bytes, pointer words first as
 * gcb_type requires.  Load factor 6.5 entries per bucket; growth doubles
 * the array (or keeps its size when there are too many overflow buckets)
 * and is incremental: every assign or delete evacuates the old bucket it
 * touches plus the next unevacuated one (nevacuate).  Once an old chain is
 * evacuated its overflow buckets, and once every old bucket is, the old
 * array, go to gcb_free_sized (the freegc proposal's map-growth case).
 *
 * Keys are int64 or strings (gostr: a pointer-free heap object); values
 * are int64 or heap pointers.  Rooting: callers keep the map, and any key
 * string or value pointer being inserted, in frame slots and pass the
 * slots; lookups and deletes allocate nothing.  The collector is assumed
 * non-moving (Go's is), so a reachable bucket's address stays valid.
 *
 * Not modelled: the emptyRest run marker (lookups scan whole chains),
 * overflow buckets preallocated with the array for B >= 4, the hash seed
 * reset when a map empties, iterators and the concurrent-write check.
 */
#ifndef GCB_WORKLOADS_GOMAP_H
#define GCB_WORKLOADS_GOMAP_H

#include <stddef.h>
#include <stdint.h>

#include "gcb/mutator.h"

enum {
    GOMAP_SKEYS = 1, /* keys are gostr pointers (else int64) */
    GOMAP_PVALS = 2  /* values are heap pointers (else int64) */
};

#define GOMAP_BUCKET_SIZE 144 /* bytes per bucket, whatever the kind */

typedef struct gostr {
    uint64_t len; /* bytes in data */
    char data[];
} gostr;

typedef struct gomap {
    void *buckets;      /* 2^B buckets */
    void *oldbuckets;   /* previous array while growing, else NULL */
    uint64_t count;     /* live entries */
    uint64_t nevacuate; /* old buckets below this are all evacuated */
    uint64_t hash0;     /* hash seed */
    uint32_t noverflow; /* overflow buckets allocated since the last growth (approximate, as in Go) */
    uint8_t B;          /* log2 of the bucket count */
    uint8_t kind;       /* GOMAP_* flags */
    uint8_t samesize;   /* the current growth keeps the bucket count */
    uint8_t pad;
} gomap;

/* A fresh gostr holding s[0..len), or NULL when the heap is exhausted. */
gostr *gomap_str(gcb_mutator *m, const char *s, size_t len);

/* A fresh empty map of `kind`, or NULL when the heap is exhausted. */
gomap *gomap_new(gcb_mutator *m, unsigned kind, uint64_t hash0);

/* m[key] = value.  *mapslot holds the map; for string keys *keyslot holds
 * the key gostr (kept by the map when the key is new); for pointer values
 * *valslot holds the value (ival is ignored), else ival is stored.
 * Returns 0, or -1 when the heap is exhausted. */
int gomap_assign(gcb_mutator *m, void **mapslot, int64_t ikey, void **keyslot, int64_t ival,
                 void **valslot);

/* The value slot of key (ikey, or the string s[0..len) when s != NULL):
 * an int64_t * or void ** per kind; NULL when absent. */
void *gomap_find(const gomap *h, int64_t ikey, const char *s, size_t len);

/* delete(m, key); returns 1 when the key was present (a string key then goes
 * to gcb_dead: the map owned it).  May evacuate. */
int gomap_delete(gcb_mutator *m, void **mapslot, int64_t ikey, const char *s, size_t len);

/* 0 when every entry sits in the bucket its hash selects and the entries
 * add up to count; else -1 with a message in err. */
int gomap_is_valid(const gomap *h, char *err, size_t errlen);

/* Manual-memory baselines: hand every bucket, key string and the map to
 * gcb_dead (values are the caller's).  Does nothing elsewhere. */
void gomap_release(gcb_mutator *m, gomap *h);

#endif
