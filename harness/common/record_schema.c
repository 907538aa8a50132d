/* record_schema.c - the record's field table and its uses (see
 * record_schema.h). */
#include "common/record_schema.h"

#include <stdio.h>
#include <string.h>

#define FIELD(path, type, unit, key) {path, type, unit, key},
const record_field record_fields[] = { RECORD_FIELDS(FIELD) };
#undef FIELD
const size_t record_nfields = sizeof record_fields / sizeof record_fields[0];

json_t *record_schema_get(json_t *rec, const char *path)
{
    char key[128];
    const char *dot;
    json_t *o = rec;
    while ((dot = strchr(path, '.')) != NULL && o != NULL) {
        snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
        o = json_object_get(o, key);
        path = dot + 1;
    }
    return o ? json_object_get(o, path) : NULL;
}

int record_schema_typed(const json_t *v, record_type t)
{
    switch (t) {
    case RECORD_STRING: return json_is_string(v);
    case RECORD_INTEGER: return json_is_integer(v);
    case RECORD_NUMBER: return json_is_number(v);
    case RECORD_BOOL: return json_is_boolean(v);
    case RECORD_ARRAY: return json_is_array(v);
    case RECORD_OBJECT: return json_is_object(v);
    }
    return 0;
}

const char *record_schema_type_name(record_type t)
{
    static const char *const names[] = {
        [RECORD_STRING] = "a string", [RECORD_INTEGER] = "an integer",
        [RECORD_NUMBER] = "a number", [RECORD_BOOL] = "a boolean",
        [RECORD_ARRAY] = "an array", [RECORD_OBJECT] = "an object",
    };
    return names[t];
}

static json_t *zero(record_type t)
{
    switch (t) {
    case RECORD_STRING: return json_string("");
    case RECORD_INTEGER:
    case RECORD_NUMBER: return json_integer(0);
    case RECORD_BOOL: return json_false();
    case RECORD_ARRAY: return json_array();
    case RECORD_OBJECT: return json_object();
    }
    return json_null();
}

void record_schema_zero_fill(json_t *rec)
{
    for (size_t i = 0; i < record_nfields; i++) {
        const record_field *f = &record_fields[i];
        if (record_schema_get(rec, f->path) != NULL)
            continue;
        /* The parent precedes its children in the table, so it exists. */
        const char *dot = strrchr(f->path, '.');
        json_t *parent = rec;
        if (dot != NULL) {
            char p[128];
            snprintf(p, sizeof p, "%.*s", (int)(dot - f->path), f->path);
            parent = record_schema_get(rec, p);
        }
        if (json_is_object(parent))
            json_object_set_new(parent, dot ? dot + 1 : f->path, zero(f->type));
    }
}

const record_field *record_schema_violation(json_t *rec, int keys_only)
{
    for (size_t i = 0; i < record_nfields; i++) {
        const record_field *f = &record_fields[i];
        if (keys_only && !f->key)
            continue;
        if (!record_schema_typed(record_schema_get(rec, f->path), f->type))
            return f;
    }
    return NULL;
}
