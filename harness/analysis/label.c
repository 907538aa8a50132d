/* label.c - readable group labels (see label.h). */
#define _GNU_SOURCE
#include "analysis/label.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Value text of obj[k]: strings bare, other JSON compact, "-" when absent. */
static char *valtext(json_t *obj, const char *k)
{
    json_t *v = json_object_get(obj, k);
    if (v == NULL) return strdup("-");
    if (json_is_string(v)) return strdup(json_string_value(v));
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    return t ? t : strdup("?");
}

static json_t *sub(json_t *r, const char *k1, const char *k2)
{
    return json_object_get(json_object_get(r, k1), k2);
}

/* Does key k of the `field` object (options or params) differ among the
 * records whose `owner`.name equals name? */
static int varies(json_t *const *recs, size_t n, const char *owner, const char *name,
                  const char *field, const char *k)
{
    char *first = NULL;
    int differs = 0;
    for (size_t i = 0; i < n && !differs; i++) {
        const char *nm = json_string_value(sub(recs[i], owner, "name"));
        if (strcmp(nm ? nm : "", name) != 0) continue;
        char *v = valtext(sub(recs[i], owner, field), k);
        if (first == NULL) first = v;
        else {
            differs = strcmp(first, v) != 0;
            free(v);
        }
    }
    free(first);
    return differs;
}

/* Every key that appears in the `field` object of some record of `name`. */
static size_t keysof(json_t *const *recs, size_t n, const char *owner, const char *name,
                     const char *field, const char ***out)
{
    size_t cap = 16, m = 0;
    const char **ks = malloc(cap * sizeof *ks);
    if (!ks) harness_oom("the report's group labels");
    for (size_t i = 0; i < n; i++) {
        const char *nm = json_string_value(sub(recs[i], owner, "name"));
        if (strcmp(nm ? nm : "", name) != 0) continue;
        const char *k;
        json_t *v;
        json_object_foreach(sub(recs[i], owner, field), k, v) {
            size_t j = 0;
            while (j < m && strcmp(ks[j], k) != 0) j++;
            if (j < m) continue;
            if (m == cap) {
                cap *= 2;
                ks = realloc(ks, cap * sizeof *ks);
                if (!ks) harness_oom("the report's group labels");
            }
            ks[m++] = k;
        }
    }
    qsort(ks, m, sizeof *ks, cmpstr);
    *out = ks;
    return m;
}

/* "name k1=v1 k2=v2" over the varying keys of recs[i]. */
static char *name(json_t *const *recs, size_t n, size_t i, const char *owner, const char *field)
{
    const char *nm = json_string_value(sub(recs[i], owner, "name"));
    nm = nm ? nm : "";
    char *p = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&p, &len);
    if (!f) harness_oom("the report's group labels");
    fputs(nm, f);
    const char **ks;
    size_t m = keysof(recs, n, owner, nm, field, &ks);
    for (size_t j = 0; j < m; j++) {
        if (!varies(recs, n, owner, nm, field, ks[j])) continue;
        char *v = valtext(sub(recs[i], owner, field), ks[j]);
        fprintf(f, " %s=%s", ks[j], v);
        free(v);
    }
    free(ks);
    fclose(f);
    return p;
}

/* Index per distinct string, in first-seen order. */
static size_t number(char **labels, size_t n, size_t *idx)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && strcmp(labels[j], labels[i]) != 0) j++;
        idx[i] = j < i ? idx[j] : distinct++;
    }
    return distinct;
}

void label_build_runs(json_t *const *recs, size_t n, label_set *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->series = calloc(n + 1, sizeof *out->series);
    out->workload = calloc(n + 1, sizeof *out->workload);
    out->full = calloc(n + 1, sizeof *out->full);
    out->colour = calloc(n + 1, sizeof *out->colour);
    out->panel = calloc(n + 1, sizeof *out->panel);
    if (!out->series || !out->workload || !out->full || !out->colour || !out->panel) harness_oom("the report's group labels");
    int threads_vary = 0;
    for (size_t i = 1; i < n; i++)
        threads_vary |= json_integer_value(json_object_get(recs[i], "threads")) !=
                        json_integer_value(json_object_get(recs[0], "threads"));
    for (size_t i = 0; i < n; i++) {
        out->series[i] = name(recs, n, i, "collector", "options");
        char *w = name(recs, n, i, "workload", "params");
        if (threads_vary) {
            char *t;
            if (asprintf(&t, "%s t%lld", w,
                         (long long)json_integer_value(json_object_get(recs[i], "threads"))) < 0)
                harness_oom("the report's group labels");
            free(w);
            w = t;
        }
        out->workload[i] = w;
        if (asprintf(&out->full[i], "%s / %s", out->series[i], w) < 0) harness_oom("the report's group labels");
    }
    out->nseries = number(out->series, n, out->colour);
    out->npanels = number(out->workload, n, out->panel);
}

void label_build(const rec_set *s, label_set *out)
{
    json_t **recs = calloc(s->ngroups + 1, sizeof *recs);
    if (!recs) harness_oom("the report's group labels");
    for (size_t i = 0; i < s->ngroups; i++) recs[i] = s->runs[s->groups[i].idx[0]].j;
    label_build_runs(recs, s->ngroups, out);
    free(recs);
}

void label_free(label_set *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->series[i]);
        free(l->workload[i]);
        free(l->full[i]);
    }
    free(l->series);
    free(l->workload);
    free(l->full);
    free(l->colour);
    free(l->panel);
    memset(l, 0, sizeof *l);
}

const char *label_colour(size_t i)
{
    /* Tableau 10, then its light variants: neighbours stay distinguishable. */
    static const char *const palette[] = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
        "#ff9da7", "#9c755f", "#bab0ac", "#1f3b5c", "#8c4a0f", "#7a1f21", "#2f6b66",
        "#2c5a26", "#8a7420", "#5e3a57", "#c4475a", "#4f3525", "#5f5a57",
    };
    return palette[i % (sizeof palette / sizeof *palette)];
}
