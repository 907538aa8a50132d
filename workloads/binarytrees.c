/* binarytrees.c - GCBench (Boehm's classic), one whole pass per op.
 *
 * Per thread, built in thread_init and kept live for the whole run: a
 * long-lived tree of depth `long_lived_depth` and an array of 500,000
 * doubles (pointer-free, 4 MB, a[i] = 1.0 / (i + 1)); both are validated
 * in thread_fini.  One op: a stretch tree of depth `depth`, built bottom-up
 * and dropped; then for d = 4, 6, ..., depth - 2, iterations(d) =
 * 2 * size(depth) / size(d) trees of depth d built top-down (allocate the
 * node, then populate its children with gcb_store) and as many bottom-up
 * (children first, then the parent), where size(d) = 2^(d+1) - 1 nodes.
 * Every tree's node count is checked.  scripts/go/binarytrees.go is the
 * same pass in Go.
 *
 * Every tree dies once checked; on a collector that honours gcb_dead (the
 * manual-memory baseline) the workload then frees it node by node, as a C
 * program would.
 *
 * arena = 1 builds the stretch tree and every temporary tree inside an
 * arena of its own (gcb_arena_new / gcb_arena_alloc, freed with
 * gcb_arena_free once the tree is checked); without arena support the
 * nodes come from the heap as before.
 *
 * Rooting: every pointer held across an allocation sits in a frame slot;
 * the recursive builders push one frame per level.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/binarytrees.go): each
 * op folds the node count of every tree it checks, in build order (the
 * stretch tree, then per depth d and iteration the top-down tree and the
 * bottom-up tree); thread_fini then folds the long-lived tree's node count.
 * `corrupt` (tests only) cuts the left subtree off op 0's stretch tree
 * before its check, so the run fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/workload.h"

#define ARRAY_LEN 500000 /* doubles in the long-lived array */

enum { P_DEPTH, P_LONG_LIVED_DEPTH, P_ARENA, P_TOUCH_FREED, P_CORRUPT };

static const gcb_option_desc params[] = {
    {"depth", GCB_OPT_INT, "18", "depth of the stretch tree; trees of depth 4..depth-2 are built",
     4, 24, NULL, NULL},
    {"long_lived_depth", GCB_OPT_INT, "16", "depth of the tree kept live for the whole run",
     1, 22, NULL, NULL},
    {"arena", GCB_OPT_BOOL, "false", "build each temporary tree in an arena of its own, freed "
     "after its check (Go's arenas)", 0, 0, NULL, NULL},
    {"touch_freed", GCB_OPT_BOOL, "false", "tests only, with arena on a collector with arenas: "
     "read the stretch tree's left spine after its arena is freed, to show the fault is reported (the "
     "tree must span several chunks: a freed arena's last chunk is kept for reuse, as in Go)", 0, 0, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: cut a subtree off the first stretch tree to show "
     "validation fails", 0, 0, NULL, NULL},
};

typedef struct node {
    struct node *left, *right; /* pointer slots */
    int32_t i, j;              /* scalar payload, as in GCBench */
} node;

static const gcb_type node_type = {"node", sizeof(node), 2};

/* Per thread: the frame rooting its long-lived data from thread_init to
 * thread_fini. */
typedef struct bt_thread {
    gcb_frame frame;
    void *slots[2]; /* [0] long-lived tree, [1] array of doubles */
    int live;       /* frame pushed */
    uint64_t digest; /* digest_fold of every checked tree's node count */
} bt_thread;

typedef struct bt_state {
    int depth;
    int long_lived_depth;
    int arena;          /* build temporary trees in arenas */
    int touch_freed;    /* tests only: read the stretch tree after freeing its arena */
    int corrupt;        /* tests only: op 0 cuts its stretch tree's left subtree */
    int nthreads;
    bt_thread thread[]; /* nthreads */
} bt_state;

static long tree_size(int d) { return (2L << d) - 1; }

/* Nodes in the tree at n, or -1 when a path is longer than `levels` nodes
 * (a corrupted tree: a cycle or a foreign subtree). */
static long count(gcb_mutator *m, const node *n, int levels)
{
    if (n == NULL)
        return 0;
    if (levels <= 0)
        return -1;
    gcb_poll(m);
    long l = count(m, n->left, levels - 1);
    if (l < 0)
        return -1;
    long r = count(m, n->right, levels - 1);
    if (r < 0)
        return -1;
    return 1 + l + r;
}

/* Manual memory: hand every node of a checked tree to gcb_dead, children
 * first.  Only called when the collector honours dead (the walk would be
 * pure overhead elsewhere) and only on trees whose shape was validated. */
static void release(gcb_mutator *m, node *n)
{
    if (n == NULL)
        return;
    release(m, n->left);
    release(m, n->right);
    gcb_dead(m, n, sizeof(node));
}

/* Top-down: give `n` (already allocated) children down to depth d.
 * Returns 0, or -1 when the heap is exhausted. */
static node *new_node(gcb_mutator *m, gcb_arena *a)
{
    return a ? gcb_arena_alloc(m, a, &node_type, sizeof(node)) : gcb_alloc(m, &node_type, sizeof(node));
}

static int populate(gcb_mutator *m, gcb_arena *a, int d, node *n)
{
    if (d <= 0)
        return 0;
    void *slot[1] = {n};
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    int rc = -1;
    node *c = new_node(m, a);
    if (c == NULL)
        goto out;
    gcb_store(m, slot[0], (void **)&((node *)slot[0])->left, c);
    c = new_node(m, a);
    if (c == NULL)
        goto out;
    gcb_store(m, slot[0], (void **)&((node *)slot[0])->right, c);
    if (populate(m, a, d - 1, ((node *)slot[0])->left) != 0)
        goto out;
    rc = populate(m, a, d - 1, ((node *)slot[0])->right);
out:
    gcb_frame_pop(m, &f);
    return rc;
}

/* Bottom-up: a fresh tree of depth d, or NULL when the heap is exhausted. */
static node *make_tree(gcb_mutator *m, gcb_arena *a, int d)
{
    if (d <= 0)
        return new_node(m, a);
    void *slot[2] = {NULL, NULL};
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 2);
    node *n = NULL;
    if ((slot[0] = make_tree(m, a, d - 1)) == NULL || (slot[1] = make_tree(m, a, d - 1)) == NULL)
        goto out;
    n = new_node(m, a);
    if (n == NULL)
        goto out;
    gcb_store(m, n, (void **)&n->left, slot[0]);
    gcb_store(m, n, (void **)&n->right, slot[1]);
out:
    gcb_frame_pop(m, &f);
    return n;
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    bt_state *s = calloc(1, sizeof *s + (size_t)nthreads * sizeof(bt_thread));
    if (s == NULL) {
        snprintf(err, errlen, "binarytrees: out of memory in setup (%d threads)", nthreads);
        return ENOMEM;
    }
    s->depth = (int)pv[P_DEPTH].i;
    s->long_lived_depth = (int)pv[P_LONG_LIVED_DEPTH].i;
    s->arena = pv[P_ARENA].i != 0;
    s->touch_freed = pv[P_TOUCH_FREED].i != 0;
    s->corrupt = pv[P_CORRUPT].i != 0;
    s->nthreads = nthreads;
    *state = s;
    return 0;
}

static void teardown(void *state)
{
    free(state);
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    bt_state *s = state;
    if (tid < 0 || tid >= s->nthreads) {
        snprintf(err, errlen, "binarytrees: thread id %d outside the %d threads of setup()",
                 tid, s->nthreads);
        return -1;
    }
    bt_thread *t = &s->thread[tid];
    t->slots[0] = t->slots[1] = NULL;
    t->digest = DIGEST_INIT;
    gcb_frame_push(m, &t->frame, t->slots, 2);
    t->live = 1;
    node *root = gcb_alloc(m, &node_type, sizeof(node));
    if (root == NULL)
        goto oom;
    t->slots[0] = root;
    if (populate(m, NULL, s->long_lived_depth, root) != 0)
        goto oom;
    double *a = gcb_alloc(m, NULL, ARRAY_LEN * sizeof(double));
    if (a == NULL)
        goto oom;
    t->slots[1] = a;
    for (long k = 0; k < ARRAY_LEN; k++) {
        a[k] = 1.0 / (double)(k + 1);
        if ((k & 4095) == 0)
            gcb_poll(m); /* a long loop without allocation (mutator.h) */
    }
    return 0;
oom:
    t->slots[0] = t->slots[1] = NULL;
    gcb_frame_pop(m, &t->frame);
    t->live = 0;
    snprintf(err, errlen, "binarytrees: heap exhausted building the long-lived data (depth %d)",
             s->long_lived_depth);
    return -1;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    bt_state *s = state;
    if (tid < 0 || tid >= s->nthreads)
        return 0; /* thread_init refused it */
    bt_thread *t = &s->thread[tid];
    if (!t->live)
        return 0;
    int rc = 0;
    long want = tree_size(s->long_lived_depth);
    long got = count(m, t->slots[0], s->long_lived_depth + 1);
    const double *a = t->slots[1];
    t->digest = digest_fold(t->digest, (uint64_t)got);
    if (got != want) {
        snprintf(err, errlen, "binarytrees: long-lived tree of depth %d has %ld nodes, expected %ld",
                 s->long_lived_depth, got, want);
        rc = -1;
    } else if (a == NULL) {
        snprintf(err, errlen, "binarytrees: long-lived array is missing");
        rc = -1;
    } else {
        for (long k = 0; k < ARRAY_LEN; k++) {
            if (a[k] != 1.0 / (double)(k + 1)) {
                snprintf(err, errlen, "binarytrees: long-lived array[%ld] = %g, expected 1/%ld",
                         k, a[k], k + 1);
                rc = -1;
                break;
            }
        }
    }
    if (rc == 0 && GCB_MUT_HAS(m, dead)) {
        release(m, t->slots[0]);
        gcb_dead(m, t->slots[1], ARRAY_LEN * sizeof(double));
    }
    t->slots[0] = t->slots[1] = NULL;
    gcb_frame_pop(m, &t->frame);
    t->live = 0;
    return rc;
}

/* 0 when the tree in *slot, of depth d, has size(d) nodes: it is then
 * dead, released where that means anything, *slot is cleared and the count
 * folded into *digest.  Else -1 and a message (the corrupted tree is left
 * alone). */
static int check(gcb_mutator *m, gcb_arena *a, void **slot, int d, const char *what,
                 uint64_t *digest, char *err, size_t errlen)
{
    long got = count(m, *slot, d + 1);
    if (got == tree_size(d)) {
        *digest = digest_fold(*digest, (uint64_t)got);
        if (GCB_MUT_HAS(m, dead) && (a == NULL || a == GCB_NO_ARENA))
            release(m, *slot);
        *slot = NULL;
        if (a != NULL)
            gcb_arena_free(m, a);
        return 0;
    }
    if (a != NULL) {
        *slot = NULL; /* the corrupted tree dies with its arena */
        gcb_arena_free(m, a);
    }
    if (got < 0)
        snprintf(err, errlen, "binarytrees: %s tree of depth %d is deeper than %d levels "
                 "(corrupted: a node freed or reused while live?)", what, d, d + 1);
    else
        snprintf(err, errlen, "binarytrees: %s tree of depth %d has %ld nodes, expected %ld",
                 what, d, got, tree_size(d));
    return -1;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    bt_state *s = state;
    uint64_t h = s->thread[tid].digest; /* a local: no shared cache line written per tree */
    void *slot[1] = {NULL}; /* the tree being built or checked */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    int rc = -1;
    int d = s->depth;

    gcb_arena *a = s->arena ? gcb_arena_new(m) : NULL;
    if ((slot[0] = make_tree(m, a, d)) == NULL)
        goto oom;
    volatile node *stale = slot[0];
    if (s->corrupt && i == 0)
        gcb_store(m, slot[0], (void **)&((node *)slot[0])->left, NULL); /* the subtree is lost */
    if (check(m, a, &slot[0], d, "stretch", &h, err, errlen) != 0)
        goto out;
    if (s->touch_freed && a != NULL && a != GCB_NO_ARENA) {
        /* Down the left spine, as the Go twin's readable(): the root lies
         * in the arena's last chunk, which Go keeps for the next arena
         * instead of faulting it; the leftmost leaf was allocated first,
         * in a full chunk, so with a tree over several chunks the walk
         * faults on a collector with arenas and never gets past it. */
        long levels = 0;
        for (volatile node *n = stale; n != NULL; n = n->left)
            levels++;
        snprintf(err, errlen, "binarytrees: a freed arena's node was readable (%ld levels)", levels);
        goto out;
    }

    for (d = 4; d <= s->depth - 2; d += 2) {
        long iters = 2 * tree_size(s->depth) / tree_size(d);
        for (long k = 0; k < iters; k++) {
            a = s->arena ? gcb_arena_new(m) : NULL;
            if ((slot[0] = new_node(m, a)) == NULL)
                goto oom;
            if (populate(m, a, d, slot[0]) != 0)
                goto oom;
            if (check(m, a, &slot[0], d, "top-down", &h, err, errlen) != 0)
                goto out;
            a = s->arena ? gcb_arena_new(m) : NULL;
            if ((slot[0] = make_tree(m, a, d)) == NULL)
                goto oom;
            if (check(m, a, &slot[0], d, "bottom-up", &h, err, errlen) != 0)
                goto out;
        }
    }
    s->thread[tid].digest = h;
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "binarytrees: heap exhausted building a tree of depth %d", d);
    slot[0] = NULL;
    if (a != NULL)
        gcb_arena_free(m, a); /* the tree being built when the heap ran out */
out:
    gcb_frame_pop(m, &f);
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const bt_state *s = state;
    uint64_t h = DIGEST_INIT;
    for (int t = 0; t < s->nthreads; t++)
        h = digest_fold(h, s->thread[t].digest);
    snprintf(out, outlen, "%016llx", (unsigned long long)h);
}

const gcb_workload workload_binarytrees = {
    .name = "binarytrees",
    .description = "GCBench: stretch tree, long-lived tree + 500,000 doubles, top-down and "
                   "bottom-up trees of depth 4..depth-2; node counts validated",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 1,
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
