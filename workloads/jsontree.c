/* jsontree.c - parse a JSON document into a tree of values, walk it, drop
 * it (the fastjson case).
 *
 * setup() generates `docs` JSON documents of about `size` bytes each
 * (objects, arrays, strings with escapes, integers, true/false/null,
 * nesting up to `depth`) outside the heap, and sums up what they hold.
 * One op parses document i % docs into a tree of the twin's Go types
 * (jvalue: jsonValue, 80 bytes; jfield: jsonField, 24 bytes; strings as
 * bare bytes), allocating what the twin allocates under Go 1.26: an
 * object's or array's children are gathered as a non-escaping append
 * gathers them (32 bytes of stack, then scratch arrays grown by growslice)
 * and then copied into an exact-length array; strings with escapes are
 * unescaped through a scratch buffer (on the stack up to 32 bytes).  Heap
 * scratch lives in tracked scopes (gcb_scope_enter / gcb_alloc_tracked /
 * gcb_scope_exit), where Go's compiler would emit freegcTracked.  Then
 * the op walks the tree and drops it.
 *
 * Validation: the walk's counts per kind, integer sum and string hash
 * (document order, keys included) must equal setup()'s.  `corrupt` (tests
 * only) damages the parsed tree before the walk.
 *
 * Checksum (workloads/digest.h; twin: workloads/go/jsontree.go): each op
 * folds its walk's summary: the counts per kind (null, false, true, number,
 * string, array, object, in that order), the integer sum, the string hash.
 *
 * Regions (Go's region.Do, #70257): with `region` = true a document is
 * parsed and walked inside gcb_region_do.  `escape` (percent,
 * workloads/lib/escape.h) makes that share of ops keep the value of the
 * document's first member (a subtree: a cached value) in slot k of the
 * thread's long-lived cache (a heap array of ESCAPE_CACHE pointers rooted
 * in a frame pushed by thread_init), stored there directly, so inside a
 * region the store fades the subtree.  The slot is walked and checked
 * once the op (its region) is over, and every slot again at thread_fini;
 * an escaping op also folds the subtree's integer sum and string hash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gcb/workload.h"
#include "lib/escape.h"
#include "lib/growslice.h"
#include "lib/rand.h"

enum { P_DOCS, P_SIZE, P_DEPTH, P_SEED, P_CORRUPT, P_REGION, P_ESCAPE };

static const gcb_option_desc params[] = {
    {"docs", GCB_OPT_INT, "4", "distinct documents, parsed round-robin", 1, 1e4, NULL, NULL},
    {"size", GCB_OPT_BYTES, "64KiB", "approximate bytes per document", 64, 1 << 28, NULL, NULL},
    {"depth", GCB_OPT_INT, "8", "maximum nesting of objects and arrays", 1, 64, NULL, NULL},
    {"seed", GCB_OPT_INT, "1", "seed of the documents", 0, 1e18, NULL, NULL},
    {"corrupt", GCB_OPT_BOOL, "false", "tests only: damage the parsed tree to show validation fails", 0, 0, NULL, NULL},
    {"region", GCB_OPT_BOOL, "false", "parse and walk each document inside gcb_region_do (Go's region.Do)", 0, 0, NULL, NULL},
    {"escape", GCB_OPT_DOUBLE, "0", "percent of documents whose first member's value escapes into a long-lived cache", 0, 100, NULL, NULL},
};

enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ, J_KINDS };

typedef struct summary {
    uint64_t kinds[J_KINDS];
    int64_t sum;       /* of the integers */
    uint64_t strhash;  /* FNV over every string (keys too) in document order */
} summary;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return (h ^ n) * 0x100000001b3ull;
}

/* ---- generation (outside the heap) ---- */
typedef struct gen {
    char *p;
    size_t len, cap, target;
    uint64_t rng;
    int oom;
    summary sum;
} gen;

static void emit(gen *g, const char *s, size_t n)
{
    if (g->len + n + 1 > g->cap) {
        size_t c = g->cap ? 2 * g->cap : 4096;
        while (c < g->len + n + 1)
            c *= 2;
        char *q = realloc(g->p, c);
        if (q == NULL) {
            g->oom = 1;
            return;
        }
        g->p = q;
        g->cap = c;
    }
    memcpy(g->p + g->len, s, n);
    g->len += n;
    g->p[g->len] = '\0';
}

static void gen_string(gen *g)
{
    char raw[40], out[80];
    size_t n = 1 + rand_next(&g->rng) % 24, o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rand_next(&g->rng) % 40;
        raw[i] = r == 0 ? '\n' : r == 1 ? '"' : r == 2 ? '\\' : (char)('a' + r % 26);
        if (raw[i] == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (raw[i] == '"' || raw[i] == '\\') {
            out[o++] = '\\';
            out[o++] = raw[i];
        } else {
            out[o++] = raw[i];
        }
    }
    out[o++] = '"';
    emit(g, out, o);
    g->sum.strhash = fnv(g->sum.strhash, raw, n);
}

static void gen_value(gen *g, int depth)
{
    uint64_t r = rand_next(&g->rng) % 16;
    if (depth > 0 && g->len < g->target && r < 5) {
        int obj = r < 2;
        g->sum.kinds[obj ? J_OBJ : J_ARR]++;
        emit(g, obj ? "{" : "[", 1);
        size_t n = rand_next(&g->rng) % 12;
        for (size_t i = 0; i < n && g->len < g->target; i++) {
            if (i > 0)
                emit(g, ",", 1);
            if (obj) {
                gen_string(g);
                emit(g, ":", 1);
            }
            gen_value(g, depth - 1);
        }
        emit(g, obj ? "}" : "]", 1);
    } else if (r < 9) {
        gen_string(g);
        g->sum.kinds[J_STR]++;
    } else if (r < 13) {
        char b[32];
        int64_t v = (int64_t)(rand_next(&g->rng) % 2000001) - 1000000;
        emit(g, b, (size_t)snprintf(b, sizeof b, "%lld", (long long)v));
        g->sum.kinds[J_NUM]++;
        g->sum.sum += v;
    } else {
        static const char *const lit[3] = {"null", "false", "true"};
        int k = (int)(r - 13);
        emit(g, lit[k], strlen(lit[k]));
        g->sum.kinds[J_NULL + k]++;
    }
}

typedef struct doc {
    char *text; /* NUL-terminated, malloc'd */
    size_t len;
    summary want;
} doc;

/* A thread's long-lived cache (escape > 0). */
typedef struct js_thread {
    gcb_frame frame;            /* pushed by thread_init, popped by thread_fini */
    void *slot[1];              /* the cache: ESCAPE_CACHE subtrees (NULL: empty document) */
    summary want[ESCAPE_CACHE]; /* each slot's walk */
    uint64_t nesc;              /* escapes so far */
    int live;                   /* frame pushed */
} js_thread;

typedef struct js_state {
    size_t ndocs;
    int corrupt;
    int region;
    uint64_t escape;  /* escape_threshold of the param */
    doc *docs;
    int nthreads;
    uint64_t *digest; /* per thread: digest_fold of every op's walk summary */
    js_thread *t;     /* per thread */
} js_state;

static void teardown(void *state)
{
    js_state *s = state;
    if (s == NULL)
        return;
    for (size_t i = 0; s->docs != NULL && i < s->ndocs; i++)
        free(s->docs[i].text);
    free(s->docs);
    free(s->digest);
    free(s->t);
    free(s);
}

static int setup(const gcb_value *pv, int nthreads, void **state, char *err, size_t errlen)
{
    js_state *s = calloc(1, sizeof *s);
    if (s == NULL || (s->docs = calloc((size_t)pv[P_DOCS].i, sizeof(doc))) == NULL ||
        (s->digest = malloc((size_t)nthreads * sizeof *s->digest)) == NULL)
        goto oom;
    s->nthreads = nthreads;
    for (int t = 0; t < nthreads; t++)
        s->digest[t] = DIGEST_INIT;
    s->ndocs = (size_t)pv[P_DOCS].i;
    s->corrupt = pv[P_CORRUPT].i != 0;
    s->region = pv[P_REGION].i != 0;
    s->escape = escape_threshold(pv[P_ESCAPE].d);
    if ((s->t = calloc((size_t)nthreads, sizeof *s->t)) == NULL)
        goto oom;
    uint64_t rng = (uint64_t)pv[P_SEED].i;
    for (size_t d = 0; d < s->ndocs; d++) {
        gen g = {.target = (size_t)pv[P_SIZE].i, .rng = rand_next(&rng)};
        g.sum.strhash = 0xcbf29ce484222325ull;
        /* The root is an object, grown until the target size. */
        g.sum.kinds[J_OBJ]++;
        emit(&g, "{", 1);
        for (size_t i = 0; g.len < g.target && !g.oom; i++) {
            if (i > 0)
                emit(&g, ",", 1);
            gen_string(&g);
            emit(&g, ":", 1);
            gen_value(&g, (int)pv[P_DEPTH].i - 1);
        }
        emit(&g, "}", 1);
        s->docs[d].text = g.p;
        s->docs[d].len = g.len;
        s->docs[d].want = g.sum;
        if (g.oom)
            goto oom;
    }
    *state = s;
    return 0;
oom:
    teardown(s);
    snprintf(err, errlen, "jsontree: out of memory generating %lld documents of %lld bytes",
             (long long)pv[P_DOCS].i, (long long)pv[P_SIZE].i);
    return ENOMEM;
}


/* ---- the tree: the twin's Go types (workloads/go/jsontree.go) ----
 * A jvalue is Go's jsonValue (80 bytes: kind, num, str, arr, obj) and a
 * jfield Go's jsonField (24 bytes: key string, value pointer), with the
 * pointer words first (gcb_type has leading pointer words; Go's jsonValue
 * has them at words 2, 4 and 7).  Strings are Go's string data: str_len
 * pointer-free bytes, no header, no terminator, no allocation when empty. */
typedef struct jvalue jvalue;

typedef struct jfield {
    char *key;        /* key_len bytes */
    jvalue *value;
    uint64_t key_len;
} jfield;

struct jvalue {
    char *str;        /* J_STR: str_len bytes */
    jvalue **arr;     /* J_ARR: arr_len values */
    jfield *obj;      /* J_OBJ: obj_len fields, in document order */
    uint64_t kind;
    int64_t num;      /* J_NUM */
    uint64_t str_len;
    uint64_t arr_len, arr_cap;
    uint64_t obj_len, obj_cap;
};

static const gcb_type value_type = {"json.Value", sizeof(jvalue), 3};
static const gcb_type field_type = {"json.Field", sizeof(jfield), 2};
static const gcb_type ptrs_type = {"[]*json.Value", 8, 1};

/* Go 1.26 gives a non-escaping make or append up to 32 bytes of stack
 * (cmd/compile's VariableMakeThreshold; runtime.growsliceBuf): the twin's
 * escaped-string scratch of up to 32 bytes, and the first 4 elements of a
 * container's []*jsonValue scratch or its first jsonField, never reach the
 * heap.  Beyond that the scratch grows on the heap by growslice, here in a
 * tracked scope (where Go's compiler would emit freegcTracked). */
enum { STACK_SCRATCH = 32 };

typedef struct parser {
    gcb_mutator *m;
    const char *p, *end;
    int oom;
} parser;

static void ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r'))
        ps->p++;
}

/* The string at ps->p ('"') into *out (NULL when empty) and *len: Go's
 * string(b[start:q]), or with escapes string(buf) of the unescaped scratch
 * buf.  0, or -1 on malformed input or exhaustion (ps->oom).  *out must be
 * a root slot of the caller's: the string is allocated into it. */
static int parse_string(parser *ps, void **out, uint64_t *len)
{
    gcb_mutator *m = ps->m;
    const char *q = ++ps->p;
    int esc = 0;
    *out = NULL;
    *len = 0;
    while (q < ps->end && *q != '"') {
        if (*q == '\\') {
            esc = 1;
            q++;
        }
        q++;
    }
    if (q >= ps->end)
        return -1;
    size_t raw = (size_t)(q - ps->p), n = raw;
    const char *src = ps->p;
    char stack[STACK_SCRATCH], *tmp = NULL;
    void *slot[1] = {NULL};
    gcb_frame f;
    if (esc) { /* unescape into the scratch: on the stack, or tracked */
        if (raw <= sizeof stack) {
            tmp = stack;
        } else {
            gcb_scope_enter(m);
            if ((tmp = gcb_alloc_tracked(m, NULL, raw)) == NULL)
                goto oom_scope;
        }
        n = 0;
        for (const char *c = ps->p; c < q; c++) {
            if (*c == '\\') {
                c++;
                tmp[n++] = *c == 'n' ? '\n' : *c == 't' ? '\t' : *c;
            } else {
                tmp[n++] = *c;
            }
        }
        src = tmp;
    }
    if (n > 0) {
        slot[0] = tmp != stack ? tmp : NULL;
        gcb_frame_push(m, &f, slot, 1);
        *out = gcb_alloc(m, NULL, n);
        gcb_frame_pop(m, &f);
        if (*out != NULL)
            memcpy(*out, src, n);
        *len = n;
    }
    if (tmp != NULL && tmp != stack) {
        gcb_scope_exit(m);
        if (!GCB_MUT_HAS(m, alloc_tracked))
            gcb_dead(m, tmp, raw);
    }
    ps->p = q + 1;
    if (n > 0 && *out == NULL) {
        ps->oom = 1;
        return -1;
    }
    return 0;
oom_scope:
    gcb_scope_exit(m);
    ps->oom = 1;
    return -1;
}

static jvalue *parse_value(parser *ps, int depth);

/* Element k of a container's scratch (the heap array h, else the stack
 * slots st: 4 values, or one field's key and value with stack_key_len)
 * into element k of d, an array of jfield (obj) or of value pointers. */
static void copy_elem(gcb_mutator *m, int obj, void *d, const void *h, void *const *st,
                      uint64_t stack_key_len, size_t k)
{
    if (obj) {
        const jfield *o = h != NULL ? &((const jfield *)h)[k] : NULL;
        jfield *f = &((jfield *)d)[k];
        gcb_store(m, d, (void **)&f->key, o ? o->key : st[0]);
        gcb_store(m, d, (void **)&f->value, o ? o->value : st[1]);
        f->key_len = o ? o->key_len : stack_key_len;
    } else {
        gcb_store(m, d, &((void **)d)[k], h ? ((void *const *)h)[k] : st[k]);
    }
}

/* An array or object at ps->p.  Its elements are gathered as the twin's
 * append does (STACK_SCRATCH bytes of stack, then tracked heap arrays
 * grown by growslice) and copied into an exact-length array. */
static jvalue *parse_container(parser *ps, int depth)
{
    gcb_mutator *m = ps->m;
    int obj = *ps->p == '{';
    char close = obj ? '}' : ']';
    size_t esize = obj ? sizeof(jfield) : 8;
    const gcb_type *etype = obj ? &field_type : &ptrs_type;
    ps->p++;
    /* [0] node, [1] heap scratch, [2] child, [3] key, [4..7] stack scratch:
     * 4 values, or one field's key [4] and value [5] (its length in
     * stack_key_len). */
    void *slot[8] = {NULL};
    uint64_t key_len = 0, stack_key_len = 0;
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 8);
    gcb_scope_enter(m);
    jvalue *v = NULL;
    size_t n = 0, cap = STACK_SCRATCH / esize;
    int ok = 0;
    if (depth > 64)
        goto out;
    ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ok = 1;
    }
    while (!ok && ps->p < ps->end) {
        if (obj) {
            ws(ps);
            if (ps->p >= ps->end || *ps->p != '"' || parse_string(ps, &slot[3], &key_len) != 0)
                goto out;
            ws(ps);
            if (ps->p >= ps->end || *ps->p++ != ':')
                goto out;
        }
        if ((slot[2] = parse_value(ps, depth + 1)) == NULL)
            goto out;
        if (n == cap) { /* growslice: from the stack or the last heap array */
            size_t nc = growslice_cap(cap, n + 1, esize);
            void *na = gcb_alloc_tracked(m, etype, nc * esize);
            if (na == NULL) {
                ps->oom = 1;
                goto out;
            }
            void *old = slot[1];
            for (size_t k = 0; k < n; k++)
                copy_elem(m, obj, na, old, &slot[4], stack_key_len, k);
            slot[1] = na;
            for (int k = 4; k < 8; k++)
                slot[k] = NULL;
            if (old != NULL && !GCB_MUT_HAS(m, alloc_tracked))
                gcb_dead(m, old, cap * esize);
            cap = nc;
        }
        if (slot[1] == NULL && obj) {
            slot[4] = slot[3];
            slot[5] = slot[2];
            stack_key_len = key_len;
        } else if (slot[1] == NULL) {
            slot[4 + n] = slot[2];
        } else if (obj) {
            jfield *d = &((jfield *)slot[1])[n];
            gcb_store(m, slot[1], (void **)&d->key, slot[3]);
            gcb_store(m, slot[1], (void **)&d->value, slot[2]);
            d->key_len = key_len;
        } else {
            gcb_store(m, slot[1], &((void **)slot[1])[n], slot[2]);
        }
        n++;
        slot[2] = slot[3] = NULL;
        ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            ok = 1;
        }
        break;
    }
    if (!ok)
        goto out;
    v = slot[0] = gcb_alloc(m, &value_type, sizeof(jvalue));
    void *a = v && n ? gcb_alloc(m, etype, n * esize) : NULL;
    if (v == NULL || (n && a == NULL)) {
        ps->oom = 1;
        v = NULL;
        goto out;
    }
    for (size_t k = 0; k < n; k++) /* copy(v.obj, fields) / copy(v.arr, elems) */
        copy_elem(m, obj, a, slot[1], &slot[4], stack_key_len, k);
    if (obj) {
        gcb_store(m, v, (void **)&v->obj, a);
        v->obj_len = v->obj_cap = n;
    } else {
        gcb_store(m, v, (void **)&v->arr, a);
        v->arr_len = v->arr_cap = n;
    }
    v->kind = obj ? J_OBJ : J_ARR;
out:
    if (slot[1] != NULL && !GCB_MUT_HAS(m, alloc_tracked))
        gcb_dead(m, slot[1], cap * esize);
    gcb_scope_exit(m);
    gcb_frame_pop(m, &f);
    return v;
}

static jvalue *parse_value(parser *ps, int depth)
{
    gcb_mutator *m = ps->m;
    ws(ps);
    if (ps->p >= ps->end)
        return NULL;
    char c = *ps->p;
    if (c == '{' || c == '[')
        return parse_container(ps, depth);
    jvalue *v = NULL;
    if (c == '"') {
        void *slot[1] = {NULL};
        uint64_t len;
        gcb_frame f;
        gcb_frame_push(m, &f, slot, 1);
        int rc = parse_string(ps, &slot[0], &len);
        if (rc == 0 && (v = gcb_alloc(m, &value_type, sizeof(jvalue))) != NULL) {
            v->kind = J_STR;
            v->str_len = len;
            gcb_store(m, v, (void **)&v->str, slot[0]);
        }
        gcb_frame_pop(m, &f);
        if (rc != 0)
            return NULL;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        char *e;
        long long x = strtoll(ps->p, &e, 10);
        if (e == ps->p)
            return NULL;
        ps->p = e;
        if ((v = gcb_alloc(m, &value_type, sizeof(jvalue))) != NULL) {
            v->kind = J_NUM;
            v->num = x;
        }
    } else {
        static const char *const lit[3] = {"null", "false", "true"};
        for (int k = 0; k < 3; k++) {
            size_t n = strlen(lit[k]);
            if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, lit[k], n) == 0) {
                ps->p += n;
                if ((v = gcb_alloc(m, &value_type, sizeof(jvalue))) != NULL)
                    v->kind = J_NULL + (uint64_t)k;
                break;
            }
        }
        if (v == NULL)
            return NULL;
    }
    if (v == NULL)
        ps->oom = 1;
    return v;
}

/* Walk in document order; -1 at a malformed node. */
static int walk(gcb_mutator *m, const jvalue *v, summary *s)
{
    if (v == NULL || v->kind >= J_KINDS)
        return -1;
    s->kinds[v->kind]++;
    if (v->kind == J_NUM) {
        s->sum += v->num;
    } else if (v->kind == J_STR) {
        s->strhash = fnv(s->strhash, v->str, v->str_len);
    } else if (v->kind == J_ARR) {
        gcb_poll(m);
        for (uint64_t k = 0; k < v->arr_len; k++)
            if (walk(m, v->arr[k], s) != 0)
                return -1;
    } else if (v->kind == J_OBJ) {
        gcb_poll(m);
        for (uint64_t k = 0; k < v->obj_len; k++) {
            s->strhash = fnv(s->strhash, v->obj[k].key, v->obj[k].key_len);
            if (walk(m, v->obj[k].value, s) != 0)
                return -1;
        }
    }
    return 0;
}

/* Manual-memory baselines: every node, string and array to gcb_dead. */
static void release(gcb_mutator *m, jvalue *v)
{
    if (v == NULL)
        return;
    if (v->kind == J_STR && v->str_len > 0)
        gcb_dead(m, v->str, v->str_len);
    if (v->kind == J_ARR && v->arr_len > 0) {
        for (uint64_t k = 0; k < v->arr_len; k++)
            release(m, v->arr[k]);
        gcb_dead(m, v->arr, v->arr_len * 8);
    }
    if (v->kind == J_OBJ && v->obj_len > 0) {
        for (uint64_t k = 0; k < v->obj_len; k++) {
            if (v->obj[k].key_len > 0)
                gcb_dead(m, v->obj[k].key, v->obj[k].key_len);
            release(m, v->obj[k].value);
        }
        gcb_dead(m, v->obj, v->obj_len * sizeof(jfield));
    }
    gcb_dead(m, v, sizeof(jvalue));
}

/* Cache the value of the root's first member in the thread's next slot
 * (detached from the tree, which the manual baselines then release) and
 * fold its walk. */
static void escape(js_state *s, gcb_mutator *m, int tid, jvalue *root)
{
    js_thread *t = &s->t[tid];
    unsigned k = (unsigned)(t->nesc++ % ESCAPE_CACHE);
    void **cache = t->slot[0];
    jvalue *v = root->kind == J_OBJ && root->obj_len > 0 ? root->obj[0].value : NULL;
    summary w = {.strhash = 0xcbf29ce484222325ull};
    if (v != NULL)
        walk(m, v, &w);
    if (GCB_MUT_HAS(m, dead))
        release(m, cache[k]);
    gcb_store(m, cache, &cache[k], v); /* the escape */
    if (v != NULL)
        gcb_store(m, root->obj, (void **)&root->obj[0].value, NULL);
    t->want[k] = w;
    s->digest[tid] = digest_fold(digest_fold(s->digest[tid], (uint64_t)w.sum), w.strhash);
}

/* Cache slot k of thread tid against what was cached; 0 or -1 with err. */
static int check_slot(js_state *s, gcb_mutator *m, int tid, unsigned k, const char *when,
                      char *err, size_t errlen)
{
    js_thread *t = &s->t[tid];
    const jvalue *v = ((void **)t->slot[0])[k];
    summary got = {.strhash = 0xcbf29ce484222325ull};
    const summary *w = &t->want[k];
    int bad = v != NULL ? walk(m, v, &got) != 0 : w->kinds[J_NULL] + w->kinds[J_FALSE] +
                                                       w->kinds[J_TRUE] + w->kinds[J_NUM] +
                                                       w->kinds[J_STR] + w->kinds[J_ARR] +
                                                       w->kinds[J_OBJ] != 0;
    if (bad || memcmp(got.kinds, w->kinds, sizeof got.kinds) != 0 || got.sum != w->sum ||
        got.strhash != w->strhash) {
        snprintf(err, errlen, "jsontree: thread %d cache slot %u %s: the cached subtree walks to "
                 "sum %lld, string hash %016llx, expected %lld, %016llx: an escaped object was "
                 "freed or reused", tid, k, when, (long long)got.sum,
                 (unsigned long long)got.strhash, (long long)w->sum,
                 (unsigned long long)w->strhash);
        return -1;
    }
    return 0;
}

static int thread_init(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    js_state *s = state;
    js_thread *t = &s->t[tid];
    if (!s->escape)
        return 0;
    t->slot[0] = NULL;
    gcb_frame_push(m, &t->frame, t->slot, 1);
    t->live = 1;
    if ((t->slot[0] = gcb_alloc(m, &ptrs_type, ESCAPE_CACHE * 8)) == NULL) {
        snprintf(err, errlen, "jsontree: heap exhausted allocating the cache");
        return -1;
    }
    return 0;
}

static int thread_fini(void *state, gcb_mutator *m, int tid, char *err, size_t errlen)
{
    js_state *s = state;
    js_thread *t = &s->t[tid];
    if (!t->live)
        return 0;
    int rc = 0;
    uint64_t n = t->nesc < ESCAPE_CACHE ? t->nesc : ESCAPE_CACHE;
    for (unsigned k = 0; k < n && rc == 0; k++)
        rc = check_slot(s, m, tid, k, "at the end", err, errlen);
    void **cache = t->slot[0];
    if (cache != NULL && GCB_MUT_HAS(m, dead)) {
        for (unsigned k = 0; k < ESCAPE_CACHE; k++)
            release(m, cache[k]);
        gcb_dead(m, cache, ESCAPE_CACHE * 8);
    }
    gcb_frame_pop(m, &t->frame);
    t->live = 0;
    return rc;
}

/* One document: parse, walk, validate (and escape). */
static int handle(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    js_state *s = state;
    const doc *d = &s->docs[i % s->ndocs];
    void *slot[1] = {NULL}; /* the tree */
    gcb_frame f;
    gcb_frame_push(m, &f, slot, 1);
    parser ps = {m, d->text, d->text + d->len, 0};
    int rc = -1;
    if ((slot[0] = parse_value(&ps, 0)) == NULL) {
        snprintf(err, errlen, "jsontree: op %llu: %s at byte %zu of document %llu",
                 (unsigned long long)i, ps.oom ? "heap exhausted" : "malformed JSON (expected valid)",
                 (size_t)(ps.p - d->text), (unsigned long long)(i % s->ndocs));
        goto out;
    }
    if (s->corrupt) {
        jvalue *root = slot[0];
        if (root->kind == J_OBJ && root->obj_len > 0 && root->obj[0].key_len > 0)
            root->obj[0].key[0] ^= 1; /* the first key */
    }
    summary got = {.strhash = 0xcbf29ce484222325ull};
    const summary *w = &d->want;
    if (walk(m, slot[0], &got) != 0 || memcmp(got.kinds, w->kinds, sizeof got.kinds) != 0 ||
        got.sum != w->sum || got.strhash != w->strhash) {
        snprintf(err, errlen,
                 "jsontree: op %llu document %llu: walk saw %llu objects %llu arrays %llu strings "
                 "%llu numbers (sum %lld, string hash %016llx), expected %llu %llu %llu %llu (sum "
                 "%lld, %016llx) (tree corrupted: freed or reused while live?)",
                 (unsigned long long)i, (unsigned long long)(i % s->ndocs),
                 (unsigned long long)got.kinds[J_OBJ], (unsigned long long)got.kinds[J_ARR],
                 (unsigned long long)got.kinds[J_STR], (unsigned long long)got.kinds[J_NUM],
                 (long long)got.sum, (unsigned long long)got.strhash,
                 (unsigned long long)w->kinds[J_OBJ], (unsigned long long)w->kinds[J_ARR],
                 (unsigned long long)w->kinds[J_STR], (unsigned long long)w->kinds[J_NUM],
                 (long long)w->sum, (unsigned long long)w->strhash);
        goto out;
    }
    uint64_t h = s->digest[tid];
    for (int k = 0; k < J_KINDS; k++)
        h = digest_fold(h, got.kinds[k]);
    h = digest_fold(h, (uint64_t)got.sum);
    s->digest[tid] = digest_fold(h, got.strhash);
    if (s->escape && escape_op(s->escape, i))
        escape(s, m, tid, slot[0]);
    rc = 0;
out:
    if (GCB_MUT_HAS(m, dead))
        release(m, slot[0]);
    gcb_frame_pop(m, &f);
    return rc;
}

static int op(void *state, gcb_mutator *m, int tid, uint64_t i, char *err, size_t errlen)
{
    js_state *s = state;
    uint64_t nesc = s->escape ? s->t[tid].nesc : 0;
    int rc = escape_run(m, s->region, handle, s, tid, i, err, errlen);
    /* What escaped must be intact now that the op (its region) is over. */
    if (rc == 0 && s->escape && s->t[tid].nesc != nesc)
        rc = check_slot(s, m, tid, (unsigned)(nesc % ESCAPE_CACHE), "after its op", err, errlen);
    return rc;
}

static void checksum(void *state, char *out, size_t outlen)
{
    const js_state *s = state;
    digest_format(s->digest, s->nthreads, out, outlen);
}

const gcb_workload workload_jsontree = {
    .name = "jsontree",
    .description = "fastjson-style: parse a generated JSON document into a tree of values, walk "
                   "it, drop it; scratch arrays in tracked scopes; validated summary",
    .nparams = sizeof params / sizeof params[0],
    .params = params,
    .default_ops = 1000, /* ~1 s on nogc (Release) */
    .setup = setup,
    .thread_init = thread_init,
    .op = op,
    .thread_fini = thread_fini,
    .teardown = teardown,
    .checksum = checksum,
};
