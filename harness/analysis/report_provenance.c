/* report_provenance.c - see report_provenance.h. */
#define _GNU_SOURCE
#include "analysis/report_provenance.h"
#include "common/record_schema.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

/* Which provenance fields say "another machine" or "another build"; any
 * other field (the script) may differ freely between inputs. */
static int kind(const char *name)
{
    static const char *const machine[] = { "hostname", "kernel", "cpu_model", "cores", "pus",
                                           "topology" };
    static const char *const build[] = { "gcbench_version", "commit", "dirty", "compiler",
                                         "cflags", "build_type" };
    for (size_t i = 0; i < sizeof machine / sizeof *machine; i++)
        if (strcmp(name, machine[i]) == 0) return 1;
    for (size_t i = 0; i < sizeof build / sizeof *build; i++)
        if (strcmp(name, build[i]) == 0) return 0;
    return -1;
}

static char *text(json_t *v)
{
    if (v == NULL || json_is_null(v)) return strdup("(absent)");
    if (json_is_string(v)) return strdup(json_string_value(v));
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    return t ? t : strdup("?");
}

void rprov_collect(const rec_set *s, rprov *out)
{
    memset(out, 0, sizeof *out);
    out->f = calloc(record_nfields, sizeof *out->f);
    if (!out->f) harness_oom("the provenance table");
    for (size_t k = 0; k < record_nfields; k++) {
        const char *path = record_fields[k].path;
        if (strncmp(path, "provenance.", 11) != 0) continue;
        rprov_field *f = &out->f[out->nf++];
        f->name = path + 11;
        f->machine = kind(f->name);
        f->v = calloc(s->n + 1, sizeof *f->v);
        if (!f->v) harness_oom("a provenance field's values");
        for (size_t i = 0; i < s->n; i++) {
            char *t = text(json_object_get(json_object_get(s->runs[i].j, "provenance"), f->name));
            size_t j = 0;
            while (j < f->nv && strcmp(f->v[j].text, t) != 0) j++;
            if (j == f->nv) f->v[f->nv++].text = t;
            else free(t);
            f->v[j].runs++;
        }
        if (f->nv > 1 && f->machine == 1) out->mixed_machine = 1;
        if (f->nv > 1 && f->machine == 0) out->mixed_build = 1;
    }
}

void rprov_free(rprov *p)
{
    for (size_t k = 0; k < p->nf; k++) {
        for (size_t j = 0; j < p->f[k].nv; j++) free(p->f[k].v[j].text);
        free(p->f[k].v);
    }
    free(p->f);
    memset(p, 0, sizeof *p);
}

void provenance_md(FILE *f, const rec_set *s)
{
    rprov p;
    rprov_collect(s, &p);
    fprintf(f, "## Provenance\n\n");
    if (p.mixed_machine)
        fprintf(f, "**Warning: the inputs come from more than one machine** (see the fields "
                "with several values); compare their numbers with care.\n\n");
    if (p.mixed_build)
        fprintf(f, "**Warning: the inputs come from more than one build of gcbench** (see the "
                "fields with several values).\n\n");
    fprintf(f, "| field | value |\n|---|---|\n");
    for (size_t k = 0; k < p.nf; k++) {
        const rprov_field *pf = &p.f[k];
        fprintf(f, "| %s | ", pf->name);
        for (size_t j = 0; j < pf->nv; j++) {
            if (pf->nv == 1) fprintf(f, "`%s`", pf->v[j].text);
            else fprintf(f, "%s`%s` (%zu runs)", j ? "; " : "", pf->v[j].text, pf->v[j].runs);
        }
        fprintf(f, " |\n");
    }
    fprintf(f, "\n");
    rprov_free(&p);
}
