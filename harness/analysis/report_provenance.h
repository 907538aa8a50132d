/* report_provenance.h - the provenance of a report's inputs (the records'
 * `provenance` object, fields listed in common/record_schema.h), printed
 * once per report, with a warning when the inputs mix machines or builds. */
#ifndef GCB_HARNESS_REPORT_PROVENANCE_H
#define GCB_HARNESS_REPORT_PROVENANCE_H

#include <stdio.h>

#include "analysis/record_file.h"

typedef struct rprov_value {
    char *text;          /* the value as text (owned) */
    size_t runs;         /* records holding it */
} rprov_value;

typedef struct rprov_field {
    const char *name;    /* key inside `provenance` (static) */
    int machine;         /* 1: identifies the machine, 0: the build, -1: neither */
    rprov_value *v;      /* distinct values, first-seen order; records without it: "(absent)" */
    size_t nv;
} rprov_field;

typedef struct rprov {
    rprov_field *f;
    size_t nf;
    int mixed_machine;   /* some machine field has two values */
    int mixed_build;     /* some build field has two values */
} rprov;

void rprov_collect(const rec_set *s, rprov *out);
void rprov_free(rprov *p);

/* "## Provenance" section of report.md: one value per field, or every value
 * with its run count and a warning line when the inputs mix. */
void provenance_md(FILE *f, const rec_set *s);

#endif
