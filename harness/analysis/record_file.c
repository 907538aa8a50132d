/* record_file.c - read JSON Lines run records, group them (see record_file.h). */
#define _GNU_SOURCE
#include "analysis/record_file.h"
#include "common/record_schema.h"
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends text to a growing string buffer; aborts on OOM (a report is not
 * worth limping through). */
typedef struct sbuf { char *p; size_t n, cap; } sbuf;

static void put(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) harness_oom("a group key");
    }
    memcpy(b->p + b->n, s, k + 1);
    b->n += k;
}

static void putvalue(sbuf *b, json_t *v)
{
    char tmp[64];
    if (json_is_string(v)) { put(b, json_string_value(v)); return; }
    if (json_is_integer(v)) {
        snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        snprintf(tmp, sizeof tmp, "%g", json_real_value(v));
    } else if (json_is_true(v)) {
        strcpy(tmp, "true");
    } else if (json_is_false(v)) {
        strcpy(tmp, "false");
    } else if (json_is_null(v)) {
        strcpy(tmp, "null");
    } else {
        char *d = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
        put(b, d ? d : "?");
        free(d);
        return;
    }
    put(b, tmp);
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "{k1=v1,k2=v2}" with keys sorted; nothing for an empty or absent object. */
static void putparams(sbuf *b, json_t *obj)
{
    if (!json_is_object(obj) || json_object_size(obj) == 0) return;
    size_t n = json_object_size(obj), i = 0;
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) harness_oom("a group key");
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) keys[i++] = k;
    qsort(keys, n, sizeof *keys, cmpstr);
    put(b, "{");
    for (i = 0; i < n; i++) {
        if (i) put(b, ",");
        put(b, keys[i]);
        put(b, "=");
        putvalue(b, json_object_get(obj, keys[i]));
    }
    put(b, "}");
    free(keys);
}

char *rec_key(json_t *run)
{
    sbuf b = {0};
    char tmp[32];
    json_t *c = json_object_get(run, "collector");
    json_t *w = json_object_get(run, "workload");
    put(&b, rec_str(run, "collector", "name"));
    putparams(&b, json_object_get(c, "options"));
    put(&b, "/");
    put(&b, rec_str(run, "workload", "name"));
    putparams(&b, json_object_get(w, "params"));
    snprintf(tmp, sizeof tmp, "/t%lld",
             (long long)json_integer_value(json_object_get(run, "threads")));
    put(&b, tmp);
    return b.p;
}

const char *rec_str(json_t *j, const char *k1, const char *k2)
{
    json_t *v = json_object_get(j, k1);
    if (k2) v = json_object_get(v, k2);
    const char *s = json_string_value(v);
    return s ? s : "";
}

int rec_is_ok(json_t *run)
{
    return strcmp(rec_str(run, "status", NULL), "ok") == 0;
}

double rec_num(json_t *j, int *ok, ...)
{
    va_list ap;
    va_start(ap, ok);
    const char *k;
    while (j && (k = va_arg(ap, const char *)) != NULL)
        j = json_object_get(j, k);
    va_end(ap);
    if (!json_is_number(j)) {
        if (ok) *ok = 0;
        return NAN;
    }
    if (ok) *ok = 1;
    return json_number_value(j);
}

double rec_path(json_t *j, const char *path, int *ok)
{
    char buf[128];
    if (strncmp(path, "mmu.", 4) == 0)
        return rec_num(j, ok, "mmu", path + 4, NULL);
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
        j = json_object_get(j, k);
    return rec_num(j, ok, NULL);
}

/* Why a parsed line is not a run record, or NULL: the schema's key fields
 * (common/record_schema.h) must be present and typed. */
static const char *check(json_t *j)
{
    static _Thread_local char why[160];
    if (!json_is_object(j)) return "not a JSON object";
    const char *schema = rec_str(j, "schema", NULL);
    if (strcmp(schema, "gcbench.run/1") != 0)
        return "field \"schema\" is not \"gcbench.run/1\"";
    const record_field *f = record_schema_violation(j, 1);
    if (f == NULL)
        return NULL;
    snprintf(why, sizeof why, "field \"%s\" missing or not %s", f->path,
             record_schema_type_name(f->type));
    return why;
}

static void addtogroup(rec_set *s, size_t ri)
{
    char *key = rec_key(s->runs[ri].j);
    rec_group *g = NULL;
    for (size_t i = 0; i < s->ngroups; i++)
        if (strcmp(s->groups[i].key, key) == 0) { g = &s->groups[i]; break; }
    if (g) {
        free(key);
    } else {
        if (s->ngroups == s->gcap) {
            s->gcap = s->gcap ? 2 * s->gcap : 8;
            s->groups = realloc(s->groups, s->gcap * sizeof *s->groups);
            if (!s->groups) harness_oom("the run groups");
        }
        g = &s->groups[s->ngroups++];
        memset(g, 0, sizeof *g);
        g->key = key;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 8;
        g->idx = realloc(g->idx, g->cap * sizeof *g->idx);
        if (!g->idx) harness_oom("a run group");
    }
    g->idx[g->n++] = ri;
}

/* Is this unparsable line a record cut short (a writer killed mid-line,
 * resultsfile.h)?  It starts an object and the text ends before the JSON
 * does; any other malformed line is an error. */
static int ispartial(const char *line, size_t len, const json_error_t *err)
{
    size_t k = strspn(line, " \t");
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
        len--;
    if (k >= len || line[k] != '{')
        return 0;
    return json_error_code(err) == json_error_premature_end_of_input ||
           (size_t)err->position >= len;
}

int rec_load(rec_set *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 2;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t k = strspn(line, " \t\r\n");
        if (k < (size_t)len && line[k] == '\0') {
            fprintf(stderr, "%s:%zu: malformed JSON at column %zu: a NUL byte (not a text "
                    "file?)\n", path, lineno, k + 1);
            rc = 2;
            break;
        }
        if (line[k] == '\0') continue;
        json_error_t err;
        json_t *j = json_loadb(line, (size_t)len, 0, &err);
        if (!j && ispartial(line, (size_t)len, &err)) {
            fprintf(stderr, "%s:%zu: warning: skipping a partial record (a writer was killed "
                    "mid-line)\n", path, lineno);
            continue;
        }
        if (!j) {
            fprintf(stderr, "%s:%zu: malformed JSON at column %d: %s\n",
                    path, lineno, err.column, err.text);
            rc = 2;
            break;
        }
        const char *why = check(j);
        if (why) {
            fprintf(stderr, "%s:%zu: not a run record: %s\n", path, lineno, why);
            json_decref(j);
            rc = 2;
            break;
        }
        if (s->n == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 16;
            s->runs = realloc(s->runs, s->cap * sizeof *s->runs);
            if (!s->runs) harness_oom("the run list");
        }
        s->runs[s->n] = (rec_run){ .j = j, .file = path, .line = lineno };
        addtogroup(s, s->n);
        s->n++;
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "%s: read error: %s\n", path, strerror(errno));
        rc = 2;
    }
    free(line);
    fclose(f);
    return rc;
}

void rec_free(rec_set *s)
{
    for (size_t i = 0; i < s->n; i++) json_decref(s->runs[i].j);
    for (size_t i = 0; i < s->ngroups; i++) {
        free(s->groups[i].key);
        free(s->groups[i].idx);
    }
    free(s->runs);
    free(s->groups);
    memset(s, 0, sizeof *s);
}

size_t rec_values(const rec_set *s, const rec_group *g, const char *path, double **out)
{
    double *v = malloc((g->n ? g->n : 1) * sizeof *v);
    if (!v) harness_oom("a metric's values");
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++) {
        json_t *r = s->runs[g->idx[i]].j;
        int ok;
        double x;
        if (!rec_is_ok(r)) continue;
        x = rec_path(r, path, &ok);
        if (ok && !isnan(x)) v[k++] = x;
    }
    if (k == 0) { free(v); v = NULL; }
    *out = v;
    return k;
}

const rec_group *rec_find(const rec_set *s, const char *key)
{
    for (size_t i = 0; i < s->ngroups; i++)
        if (strcmp(s->groups[i].key, key) == 0) return &s->groups[i];
    return NULL;
}
