/* record_build.c - build "gcbench.run/1" records (see record_build.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "catalog.h"
#include "gcb/version.h"
#include "options.h"
#include "common/record_build.h"
#include "common/record_schema.h"

#ifndef GCB_COMMIT
#define GCB_COMMIT "unknown"
#endif

const char *const record_mmu_keys[RECORD_MMU_WINDOWS] = {"0.001", "0.01", "0.1", "1"};
const double record_mmu_widths[RECORD_MMU_WINDOWS] = {0.001, 0.01, 0.1, 1.0};

json_t *record_value(const gcb_option_desc *d, const gcb_value *v)
{
    if (v->special && d->special)
        return json_string(d->special);
    switch (d->type) {
    case GCB_OPT_INT:
    case GCB_OPT_BYTES:
        return json_integer(v->i);
    case GCB_OPT_DOUBLE:
        return json_real(v->d);
    case GCB_OPT_BOOL:
        return json_boolean(v->i != 0);
    case GCB_OPT_ENUM:
    case GCB_OPT_SET: {
        char buf[256];
        opt_format(d, v, buf, sizeof buf);
        return json_string(buf);
    }
    }
    return json_null();
}

static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 0x100000001b3ull;
    }
}

static void fnvs(uint64_t *h, const char *s)
{
    fnv(h, s, strlen(s) + 1);   /* the NUL separates fields */
}

static void canon(uint64_t *h, const gcb_option_desc *d, const gcb_value *v, size_t n)
{
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        opt_format(&d[i], &v[i], buf, sizeof buf);
        fnvs(h, d[i].name);
        fnvs(h, buf);
    }
    fnvs(h, ";");
}

void record_run_key(const record_req *q, char *buf, size_t len)
{
    const run_spec *s = q->spec;
    uint64_t h = 0xcbf29ce484222325ull;
    char num[64];
    fnvs(&h, q->gc->name);
    canon(&h, q->gc->options, q->opts, q->gc->noptions);
    fnvs(&h, q->w->name);
    canon(&h, q->w->params, q->params, q->w->nparams);
    snprintf(num, sizeof num, "%d", s->threads);
    fnvs(&h, num);
    fnvs(&h, s->pin ? s->pin : "none");
    for (size_t i = 0; i < s->npus; i++) {
        snprintf(num, sizeof num, "%d", s->pus[i]);
        fnvs(&h, num);
    }
    snprintf(num, sizeof num, "%llu", (unsigned long long)q->ops);
    fnvs(&h, num);
    snprintf(num, sizeof num, "%.17g", s->duration);
    fnvs(&h, num);
    snprintf(buf, len, "%016llx", (unsigned long long)h);
}

static json_t *cpu_model(void)
{
    char line[512];
    FILE *f = fopen("/proc/cpuinfo", "re");
    if (f != NULL) {
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                char *c = strchr(line, ':');
                if (c != NULL) {
                    c++;
                    while (*c == ' ' || *c == '\t')
                        c++;
                    c[strcspn(c, "\n")] = '\0';
                    fclose(f);
                    return json_string(c);
                }
            }
        }
        fclose(f);
    }
    return json_string("unknown");
}

json_t *record_new(const record_req *q)
{
    const run_spec *s = q->spec;
    char key[32], id[96], runkey[64], buf[128], host[256];
    record_run_key(q, key, sizeof key);
    /* Unique per run (the same script run twice into one file must not
     * repeat ids): the configuration hash, the repetition, 48 random bits.
     * The hash alone is the record's config_hash. */
    uint64_t nonce = 0;
    if (getrandom(&nonce, sizeof nonce, 0) != (ssize_t)sizeof nonce)
        nonce = (uint64_t)q->start.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)q->start.tv_sec;
    snprintf(id, sizeof id, "%s-%d-%012llx", key, q->repetition,
             (unsigned long long)(nonce & 0xffffffffffffull));
    /* Stable across invocations (what --resume matches on): the
     * configuration hash and the repetition. */
    snprintf(runkey, sizeof runkey, "%s-%d", key, q->repetition);

    struct tm tm;
    gmtime_r(&q->start.tv_sec, &tm);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, sizeof buf, "%s.%03ldZ", when, q->start.tv_nsec / 1000000);
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "unknown");
    host[sizeof host - 1] = '\0';

    json_t *opts = json_object();
    for (uint32_t i = 0; i < q->gc->noptions; i++)
        json_object_set_new(opts, q->gc->options[i].name, record_value(&q->gc->options[i], &q->opts[i]));
    json_t *params = json_object();
    for (uint32_t i = 0; i < q->w->nparams; i++)
        json_object_set_new(params, q->w->params[i].name, record_value(&q->w->params[i], &q->params[i]));

    json_t *mmu = json_object();
    for (int i = 0; i < RECORD_MMU_WINDOWS; i++)
        json_object_set_new(mmu, record_mmu_keys[i], json_integer(0));
    json_t *pus = json_array();
    for (size_t i = 0; i < s->npus; i++)
        json_array_append_new(pus, json_integer(s->pus[i]));

    /* The run's identity; record_schema_zero_fill adds every measured field. */
    json_t *rec = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:o, s:s},"
        " s:{s:s, s:o, s:s}, s:{s:s, s:o}, s:i, s:{s:s, s:o, s:[], s:[]},"
        " s:s, s:{}, s:{}, s:{}, s:{}, s:o, s:{}, s:{}, s:s,"
        " s:i, s:f, s:f, s:f, s:I, s:i, s:[], s:b}",
        "schema", GCB_RECORD_SCHEMA, "id", id, "key", runkey, "time", buf, "commit", GCB_COMMIT,
        "host", "name", host, "cpu", cpu_model(), "topology", q->topology ? q->topology : "",
        "collector", "name", q->gc->name, "options", opts, "path", s->collector,
        "workload", "name", q->w->name, "params", params,
        "threads", s->threads,
        "pinning", "policy", s->pin ? s->pin : "none", "pus", pus, "mutator_pus", "gc_pus",
        "status", "ok",
        "cpu", "gc", "pauses", "latency", "mmu", mmu, "rss", "heap",
        "validation", "not run",
        "repetition", q->repetition, "duration_requested_s", s->duration,
        "timeout_s", s->timeout, "sample_hz", s->sample_hz,
        "ops_requested", (json_int_t)q->ops, "procs", 0, "timeline",
        "timeline_truncated", 0);
    if (rec != NULL)
        record_schema_zero_fill(rec);
    /* Extension: what the plugin can do (compare treats gc.cycles of
     * concurrent collectors as timing, since their pacing reads clocks). */
    if (rec != NULL)
        json_object_set_new(json_object_get(rec, "collector"), "capabilities",
                            catalog_caps(q->gc->caps));
    /* Extension: the table's one line; the child replaces it with the
     * heap's own (collector->describe) once the heap exists. */
    if (rec != NULL)
        json_object_set_new(json_object_get(rec, "collector"), "description",
                            json_string(q->gc->description ? q->gc->description : ""));
    /* Extension: the configuration hash (equal for runs of one config). */
    if (rec != NULL)
        json_object_set_new(rec, "config_hash", json_string(key));
    return rec;
}

void record_fail(json_t *rec, const char *status, const char *error)
{
    json_object_set_new(rec, "status", json_string(status));
    json_object_set_new(rec, "error", json_string(error));
}

void record_set(json_t *rec, const char *path, json_t *val)
{
    char key[128];
    const char *dot;
    json_t *o = rec;
    while ((dot = strchr(path, '.')) != NULL && o != NULL) {
        size_t n = (size_t)(dot - path);
        if (n >= sizeof key)
            n = sizeof key - 1;
        memcpy(key, path, n);
        key[n] = '\0';
        o = json_object_get(o, key);
        path = dot + 1;
    }
    if (o == NULL || !json_is_object(o)) {
        json_decref(val);
        return;
    }
    json_object_set_new(o, path, val);
}

void record_unavailable(json_t *rec, const char *path, const char *why)
{
    record_set(rec, path, json_null());
    json_t *u = json_object_get(rec, "unavailable");
    if (u == NULL || !json_is_object(u)) {
        u = json_object();
        json_object_set_new(rec, "unavailable", u);
    }
    json_object_set_new(u, path, json_string(why));
}
