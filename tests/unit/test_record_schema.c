/* test_record_schema - the one record schema: what the writer's zero fill
 * creates is exactly what the checks accept, and a missing or mistyped
 * field is named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/record_schema.h"

static void zero_fill_makes_a_complete_record(void **state)
{
    json_t *rec = json_object();
    assert_non_null(record_schema_violation(rec, 0));
    record_schema_zero_fill(rec);
    assert_null(record_schema_violation(rec, 0));
    for (size_t i = 0; i < record_nfields; i++)
        assert_non_null(record_schema_get(rec, record_fields[i].path));
    json_decref(rec);
}

static void zero_fill_keeps_present_values(void **state)
{
    json_t *rec = json_pack("{s:s, s:{s:f}}", "status", "ok", "cpu", "gc_s", 1.5);
    record_schema_zero_fill(rec);
    assert_string_equal(json_string_value(record_schema_get(rec, "status")), "ok");
    assert_true(json_real_value(record_schema_get(rec, "cpu.gc_s")) == 1.5);
    assert_true(json_integer_value(record_schema_get(rec, "cpu.mutator_s")) == 0);
    json_decref(rec);
}

static void missing_or_mistyped_field_is_named(void **state)
{
    json_t *rec = json_object();
    record_schema_zero_fill(rec);
    json_object_del(json_object_get(rec, "pauses"), "p99_s");
    const record_field *f = record_schema_violation(rec, 0);
    assert_non_null(f);
    assert_string_equal(f->path, "pauses.p99_s");
    /* Not a key field: the reader's check passes it. */
    assert_null(record_schema_violation(rec, 1));
    json_object_set_new(rec, "threads", json_string("2"));
    f = record_schema_violation(rec, 1);
    assert_non_null(f);
    assert_string_equal(f->path, "threads");
    assert_string_equal(record_schema_type_name(f->type), "an integer");
    json_decref(rec);
}

static void every_field_has_its_parent_first(void **state)
{
    for (size_t i = 0; i < record_nfields; i++) {
        const char *p = record_fields[i].path, *dot = strrchr(p, '.');
        if (dot == NULL)
            continue;
        int found = 0;
        for (size_t j = 0; j < i; j++)
            found |= strlen(record_fields[j].path) == (size_t)(dot - p) &&
                     strncmp(record_fields[j].path, p, (size_t)(dot - p)) == 0 &&
                     record_fields[j].type == RECORD_OBJECT;
        assert_true(found);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zero_fill_makes_a_complete_record),
        cmocka_unit_test(zero_fill_keeps_present_values),
        cmocka_unit_test(missing_or_mistyped_field_is_named),
        cmocka_unit_test(every_field_has_its_parent_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
