/* gomap.h - Go's hash map as Go 1.24+ builds it (Swiss tables,
 * internal/runtime/maps), on the gcbench heap; shared by the mapgrow and
 * lrucache workloads.
 *
 * Heap objects, with Go's sizes for the same Go types:
 * - the map header (gomap, 48 bytes: Go's Map);
 * - a small map (at most 8 entries) is one group, which the header points
 *   to; a larger one a directory (dirlen table pointers, 2^global_depth)
 *   of tables (gotable, 32 bytes: Go's table), each with an array of
 *   groups (a power of two of them, at most 1024 slots);
 * - a group holds 8 slots and their control word: per slot the key (an
 *   int64, or a string as pointer and length) and the value (an int64 or
 *   a heap pointer), 136 bytes for int keys, 200 for string keys, as
 *   Go's group of map[int64]V and map[string]V.  The words are laid out
 *   pointer words first, as gcb_type requires (Go interleaves slots: the
 *   size and the pointer words per group are the same).
 * The first insert allocates the small group; the 9th moves the entries
 * into a table of 16 slots (a directory of one); a table whose growth
 * budget (7/8 of its slots, less tombstones) is spent first prunes
 * tombstones (when that frees a tenth of it), else doubles into a new
 * table, or, at 1024 slots, splits into two tables of 1024 (extendible
 * hashing: the directory doubles when the table's local depth reached the
 * global one).  Deletes leave a tombstone in a full group, an empty slot
 * otherwise.  Every array, table and directory a growth or split replaces
 * goes to gcb_free_sized, as do small groups (Go 1.26's released runtime
 * frees none of them: freegc in maps is the proposal's map case, here
 * what a collector with freegc would get; the manual baselines need it).
 *
 * Keys are int64 or strings (gostr: a pointer-free heap object; the slot
 * keeps its pointer and a copy of its length, as Go's string header);
 * values are int64 or heap pointers.  Hashes: h2 (the control byte) is
 * the hash's low 7 bits, h1 the rest; the directory index its top
 * global_depth bits; probing is Go's triangular sequence over groups.
 * Rooting: callers keep the map, and any key string or value pointer
 * being inserted, in frame slots and pass the slots; lookups and deletes
 * allocate nothing.  The collector is assumed non-moving (Go's is), so a
 * reachable object's address stays valid.
 *
 * Not modelled: the hash seed reset when a map empties, iterators, the
 * concurrent-write check, hints (make with a size), and the compiler's
 * stack allocation of non-escaping maps.
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

typedef struct gostr {
    uint64_t len; /* bytes in data */
    char data[];
} gostr;

typedef struct gomap {
    void *dir;            /* NULL (no entry yet), the small map's group
                             (dirlen 0), or the directory of dirlen tables */
    uint64_t count;       /* live entries (Go's used) */
    uint64_t hash0;       /* hash seed */
    uint64_t dirlen;      /* table pointers in dir; 0: small map */
    uint8_t global_depth; /* dirlen = 2^global_depth */
    uint8_t kind;         /* GOMAP_* flags */
    uint8_t pad[6];
    uint64_t clearseq;    /* Go's clearSeq (no clear here: always 0) */
} gomap;

typedef struct gotable {
    void *groups;         /* ngroups groups */
    uint64_t ngroups;     /* a power of two; capacity = 8 x ngroups */
    int64_t index;        /* first directory entry pointing here */
    uint16_t used;        /* live entries */
    uint16_t capacity;    /* slots */
    uint16_t growth_left; /* inserts into empty slots before a rehash */
    uint8_t local_depth;  /* 2^(global - local) directory entries point here */
    uint8_t pad;
} gotable;

/* A fresh gostr holding s[0..len), or NULL when the heap is exhausted. */
gostr *gomap_str(gcb_mutator *m, const char *s, size_t len);

/* A fresh empty map of `kind` (the header alone, as Go's make without a
 * hint), or NULL when the heap is exhausted. */
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
 * to gcb_dead: the map owned it).  Allocates nothing. */
int gomap_delete(gcb_mutator *m, void **mapslot, int64_t ikey, const char *s, size_t len);

/* 0 when the map's structure holds: every entry's control byte is its
 * hash's h2, its table is the one the directory gives its hash, a lookup's
 * probe reaches it, each table's used and growth budget add up, the
 * directory's entries point at tables whose depth and index match, and
 * the entries add up to count; else -1 with a message in err. */
int gomap_is_valid(const gomap *h, char *err, size_t errlen);

/* Manual-memory baselines: hand every group, table, directory, key string
 * and the map to gcb_dead (values are the caller's).  Does nothing
 * elsewhere. */
void gomap_release(gcb_mutator *m, gomap *h);

#endif
