/* resume.c - stored ok records by run key (see resume.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resume.h"

json_t *resume_load(const char *path, char *err, size_t errlen)
{
    json_t *map = json_object();
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        if (errno == ENOENT)
            return map;
        snprintf(err, errlen, "--resume: cannot read '%s': %s", path, strerror(errno));
        json_decref(map);
        return NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n')
            break;              /* a partial last line: that run runs again */
        json_t *rec = json_loadb(line, (size_t)n, 0, NULL);
        const char *st = json_string_value(json_object_get(rec, "status"));
        const char *key = json_string_value(json_object_get(rec, "key"));
        if (rec != NULL && st != NULL && key != NULL && strcmp(st, "ok") == 0) {
            json_t *list = json_object_get(map, key);
            if (list == NULL) {
                list = json_array();
                json_object_set_new(map, key, list);
            }
            json_array_append(list, rec);
        }
        json_decref(rec);
    }
    free(line);
    fclose(f);
    return map;
}

json_t *resume_take(json_t *map, const char *key)
{
    json_t *list = map ? json_object_get(map, key) : NULL;
    if (list == NULL || json_array_size(list) == 0)
        return NULL;
    json_t *rec = json_incref(json_array_get(list, 0));
    json_array_remove(list, 0);
    return rec;
}
