/* check_records FILE EXPECT... - every line of the JSON Lines file FILE is
 * a complete "gcbench.run/1" record (every field of the schema,
 * harness/common/record_schema.h, of the right JSON type), and line i
 * matches EXPECT[i]: "STATUS" or "STATUS:TEXT" (TEXT must occur in
 * `error`).  A field may be null only when `unavailable`
 * holds a reason for its dotted path.  Exit 0 or 1 with the reason. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/record_schema.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: check_records FILE EXPECT...\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    int n = 0, bad = 0;
    while (getline(&line, &cap, f) > 0) {
        n++;
        json_error_t e;
        json_t *r = json_loads(line, 0, &e);
        if (r == NULL) {
            printf("%s:%d: not JSON: %s\n", argv[1], n, e.text);
            bad = 1;
            continue;
        }
        json_t *unavailable = json_object_get(r, "unavailable");
        for (size_t i = 0; i < record_nfields; i++) {
            const record_field *fd = &record_fields[i];
            json_t *v = record_schema_get(r, fd->path);
            /* A field a collector cannot measure (the go peer) is null,
             * with the reason under unavailable.<path>. */
            if (json_is_null(v) && json_is_string(json_object_get(unavailable, fd->path)))
                continue;
            if (v == NULL || !record_schema_typed(v, fd->type)) {
                printf("%s:%d: field %s %s\n", argv[1], n, fd->path,
                       v ? "has the wrong type" : "missing");
                bad = 1;
            }
        }
        static const char *const w[] = {"0.001", "0.01", "0.1", "1"};
        for (int i = 0; i < 4; i++)
            if (!json_is_number(json_object_get(json_object_get(r, "mmu"), w[i]))) {
                printf("%s:%d: mmu[\"%s\"] missing\n", argv[1], n, w[i]);
                bad = 1;
            }
        if (strcmp(json_string_value(json_object_get(r, "schema")) ?: "", "gcbench.run/1") != 0) {
            printf("%s:%d: schema is not gcbench.run/1\n", argv[1], n);
            bad = 1;
        }
        const char *st = json_string_value(json_object_get(r, "status")) ?: "";
        const char *er = json_string_value(json_object_get(r, "error"));
        if (strcmp(st, "ok") != 0 && er == NULL) {
            printf("%s:%d: status %s without an error\n", argv[1], n, st);
            bad = 1;
        }
        if (n + 1 < argc) {
            char want[256];
            snprintf(want, sizeof want, "%s", argv[n + 1]);
            char *text = strchr(want, ':');
            if (text)
                *text++ = '\0';
            if (strcmp(st, want) != 0 || (text && (er == NULL || strstr(er, text) == NULL))) {
                printf("%s:%d: status %s error \"%s\", expected %s\n", argv[1], n, st,
                       er ? er : "", argv[n + 1]);
                bad = 1;
            }
        }
        json_decref(r);
    }
    free(line);
    fclose(f);
    if (n != argc - 2) {
        printf("%s: %d records, expected %d\n", argv[1], n, argc - 2);
        bad = 1;
    }
    return bad;
}
