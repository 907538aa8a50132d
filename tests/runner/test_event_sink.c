/* test_event_sink.c - the event sink and the record builder, fed
 * synthetic events and a synthetic collector/workload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/record_build.h"
#include "child/event_sink.h"

static void ev(recorder *r, uint32_t kind, const char *phase, uint64_t cycle)
{
    gcb_event e = {.size = sizeof e, .kind = kind, .phase = phase, .cycle = cycle,
                   .trigger_bytes = 100, .marked_bytes = 60, .goal_bytes = 200};
    recorder_event(r, &e);
}

static void burn(void)
{
    uint64_t t = clock_thread_cpu_ns();
    while (clock_thread_cpu_ns() - t < 200000)
        ;
}

static void pauses_on_mutator(void **state)
{
    recorder r;
    assert_int_equal(recorder_init(&r, 1), 0);
    recorder_thread_index(0);
    ev(&r, GCB_EV_PAUSE_BEGIN, "sweep-termination", 1);
    burn();
    ev(&r, GCB_EV_PAUSE_END, NULL, 1);
    ev(&r, GCB_EV_PAUSE_BEGIN, NULL, 1);
    ev(&r, GCB_EV_PAUSE_END, NULL, 1);
    assert_int_equal(recorder_finish(&r), 0);
    assert_int_equal(r.npauses, 2);
    assert_string_equal(r.pauses[0].phase, "sweep-termination");
    assert_string_equal(r.pauses[1].phase, "pause");
    assert_true(r.pauses[0].start_ns <= r.pauses[1].start_ns);
    assert_true(r.pause_cpu_ns >= 200000);
    assert_int_equal(r.mutator_pause_cpu_ns, r.pause_cpu_ns);
    assert_int_equal(json_array_size(r.timeline), 2);
    assert_string_equal(json_string_value(json_array_get(json_array_get(r.timeline, 0), 2)),
                        "sweep-termination");
    assert_int_equal(json_integer_value(json_array_get(json_array_get(r.timeline, 0), 3)), 0);
    recorder_destroy(&r);
}

static void pauses_on_gc_thread(void **state)
{
    recorder r;
    recorder_init(&r, 1);
    recorder_thread_index(-1);
    ev(&r, GCB_EV_PAUSE_BEGIN, "stw", 1);
    burn();
    ev(&r, GCB_EV_PAUSE_END, "stw", 1);
    assert_int_equal(recorder_finish(&r), 0);
    assert_true(r.pause_cpu_ns > 0);
    assert_int_equal(r.mutator_pause_cpu_ns, 0);
    recorder_destroy(&r);
}

static void cycle_log(void **state)
{
    recorder r;
    recorder_init(&r, 2);
    recorder_thread_index(1);
    ev(&r, GCB_EV_CYCLE_BEGIN, NULL, 7);
    ev(&r, GCB_EV_MARK_BEGIN, NULL, 7);
    ev(&r, GCB_EV_ASSIST_BEGIN, NULL, 7);
    burn();
    ev(&r, GCB_EV_ASSIST_END, NULL, 7);
    ev(&r, GCB_EV_MARK_END, NULL, 7);
    ev(&r, GCB_EV_SWEEP_BEGIN, NULL, 7);
    ev(&r, GCB_EV_SWEEP_END, NULL, 7);
    ev(&r, GCB_EV_CYCLE_END, NULL, 7);
    assert_int_equal(recorder_finish(&r), 0);
    assert_int_equal(r.ncycles, 1);
    recorder_cycle *c = &r.cycles[0];
    assert_int_equal(c->number, 7);
    assert_int_equal(c->trigger_bytes, 100);
    assert_int_equal(c->marked_bytes, 60);
    assert_int_equal(c->goal_bytes, 200);
    assert_true(c->assist_cpu_ns >= 200000);
    assert_int_equal(c->assist_cpu_ns, r.assist_cpu_ns);
    assert_int_equal(r.mutator_assist_cpu_ns, r.assist_cpu_ns);
    assert_true(c->mark_ns >= c->assist_cpu_ns / 2);
    /* assist, mark, sweep in the order they ended */
    assert_int_equal(json_array_size(r.timeline), 3);
    assert_string_equal(json_string_value(json_array_get(json_array_get(r.timeline, 0), 2)), "assist");
    assert_string_equal(json_string_value(json_array_get(json_array_get(r.timeline, 1), 2)), "mark");
    assert_string_equal(json_string_value(json_array_get(json_array_get(r.timeline, 2), 2)), "sweep");
    recorder_destroy(&r);
}

static void pairing_errors(void **state)
{
    recorder r;
    recorder_init(&r, 1);
    ev(&r, GCB_EV_PAUSE_END, "x", 0);
    assert_int_equal(recorder_finish(&r), -1);
    assert_non_null(strstr(r.error, "PAUSE_END (x) without PAUSE_BEGIN"));
    recorder_destroy(&r);

    recorder_init(&r, 1);
    ev(&r, GCB_EV_PAUSE_BEGIN, "a", 0);
    ev(&r, GCB_EV_PAUSE_BEGIN, "b", 0);
    assert_int_equal(recorder_finish(&r), -1);
    assert_non_null(strstr(r.error, "do not nest"));
    recorder_destroy(&r);

    recorder_init(&r, 1);
    ev(&r, GCB_EV_CYCLE_BEGIN, NULL, 1);
    ev(&r, GCB_EV_CYCLE_BEGIN, NULL, 2);
    assert_int_equal(recorder_finish(&r), -1);
    assert_non_null(strstr(r.error, "CYCLE_BEGIN"));
    recorder_destroy(&r);

    recorder_init(&r, 1);
    ev(&r, GCB_EV_ASSIST_BEGIN, NULL, 1);
    assert_int_equal(recorder_finish(&r), -1);
    assert_non_null(strstr(r.error, "assist still open"));
    recorder_destroy(&r);

    recorder_init(&r, 1);
    ev(&r, GCB_EV_PAUSE_BEGIN, "mark-termination", 1);
    assert_int_equal(recorder_finish(&r), -1);
    assert_non_null(strstr(r.error, "mark-termination"));
    recorder_destroy(&r);
}

static void timeline_cap(void **state)
{
    recorder r;
    recorder_init(&r, 1);
    for (int i = 0; i < RECORDER_TIMELINE_MAX + 5; i++) {
        ev(&r, GCB_EV_SWEEP_BEGIN, NULL, 0);
        ev(&r, GCB_EV_SWEEP_END, NULL, 0);
    }
    assert_int_equal(json_array_size(r.timeline), RECORDER_TIMELINE_MAX);
    assert_int_equal(r.timeline_dropped, 5);
    recorder_destroy(&r);
}

/* ---- record.c ---- */

static const gcb_option_desc copts[] = {
    {"gogc", GCB_OPT_INT, "100", "h", -1, 1e6, NULL, "off"},
    {"mode", GCB_OPT_ENUM, "stw", "h", 0, 0, "concurrent|stw", NULL},
    {"big", GCB_OPT_BOOL, "true", "h", 0, 0, NULL, NULL},
};
static const gcb_option_desc wparams[] = {
    {"depth", GCB_OPT_INT, "6", "h", 1, 30, NULL, NULL},
    {"ratio", GCB_OPT_DOUBLE, "0.5", "h", 0, 1, NULL, NULL},
};
static const gcb_collector fakegc = {.abi = GCB_ABI_VERSION, .name = "fake", .noptions = 3,
                                     .options = copts};
static const gcb_workload fakew = {.name = "wl", .nparams = 2, .params = wparams};

static void record_fields(void **state)
{
    run_spec s;
    runspec_init(&s);
    s.collector = "fake";
    s.workload = "wl";
    gcb_value o[3] = {{.i = -1, .d = -1, .special = 1}, {.i = 1, .d = 1}, {.i = 1, .d = 1}};
    gcb_value p[2] = {{.i = 6, .d = 6}, {.i = 0, .d = 0.5}};
    record_req q = {.spec = &s, .gc = &fakegc, .opts = o, .w = &fakew, .params = p, .ops = 10,
                    .repetition = 3, .topology = "t"};
    json_t *r = record_new(&q);
    assert_non_null(r);
    assert_string_equal(json_string_value(json_object_get(r, "schema")), "gcbench.run/1");
    json_t *co = json_object_get(json_object_get(r, "collector"), "options");
    assert_string_equal(json_string_value(json_object_get(co, "gogc")), "off");
    assert_string_equal(json_string_value(json_object_get(co, "mode")), "stw");
    assert_true(json_is_true(json_object_get(co, "big")));
    json_t *wp = json_object_get(json_object_get(r, "workload"), "params");
    assert_int_equal(json_integer_value(json_object_get(wp, "depth")), 6);
    assert_true(json_real_value(json_object_get(wp, "ratio")) == 0.5);
    const char *id = json_string_value(json_object_get(r, "id"));
    const char *hash = json_string_value(json_object_get(r, "config_hash"));
    assert_int_equal(strlen(hash), 16);
    assert_int_equal(strlen(id), 16 + 3 + 12);
    assert_memory_equal(id, hash, 16);
    assert_memory_equal(id + 16, "-3-", 3);
    /* Ids are unique per run: the same request again gets another. */
    json_t *again = record_new(&q);
    assert_string_not_equal(json_string_value(json_object_get(again, "id")), id);
    assert_string_equal(json_string_value(json_object_get(again, "config_hash")), hash);
    json_decref(again);
    assert_null(json_object_get(r, "error"));
    assert_non_null(json_object_get(json_object_get(r, "mmu"), "0.001"));
    assert_non_null(json_object_get(json_object_get(r, "pauses"), "p999_s"));

    /* The id depends on the params, not on the repetition. */
    char k1[32], k2[32];
    record_run_key(&q, k1, sizeof k1);
    q.repetition = 0;
    record_run_key(&q, k2, sizeof k2);
    assert_string_equal(k1, k2);
    p[0].i = 7;
    record_run_key(&q, k2, sizeof k2);
    assert_string_not_equal(k1, k2);

    record_fail(r, "crashed", "boom");
    assert_string_equal(json_string_value(json_object_get(r, "error")), "boom");
    record_set(r, "cpu.gc_s", json_real(1.5));
    assert_true(json_real_value(json_object_get(json_object_get(r, "cpu"), "gc_s")) == 1.5);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pauses_on_mutator),
        cmocka_unit_test(pauses_on_gc_thread),
        cmocka_unit_test(cycle_log),
        cmocka_unit_test(pairing_errors),
        cmocka_unit_test(timeline_cap),
        cmocka_unit_test(record_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
