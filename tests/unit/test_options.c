/* test_options - strict option parsing, ranges, special words, messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

static const gcb_option_desc gogc = {"gogc", GCB_OPT_INT, "100", "GC percent", 0, 100000, NULL, "off"};
static const gcb_option_desc chunk = {"chunk", GCB_OPT_BYTES, "64MiB", "chunk", 0, 1e13, NULL, NULL};
static const gcb_option_desc limit = {"limit", GCB_OPT_BYTES, "off", "memory limit", 1 << 20, 1e15, NULL, "off"};
static const gcb_option_desc frac = {"frac", GCB_OPT_DOUBLE, "0.25", "fraction", 0, 1, NULL, NULL};
static const gcb_option_desc ratio = {"ratio", GCB_OPT_DOUBLE, "off", "ratio", 0, 10, NULL, "off"};
static const gcb_option_desc flag = {"incremental", GCB_OPT_BOOL, "false", "flag", 0, 0, NULL, NULL};
static const gcb_option_desc mode = {"mode", GCB_OPT_ENUM, "stw", "mode", 0, 0, "concurrent|stw|none", NULL};

#define OWNER "collector 'marksweep'"

static int parse(const gcb_option_desc *d, const char *text, gcb_value *v, char *err, size_t len)
{
    memset(v, 0x55, sizeof *v);
    err[0] = '\0';
    return opt_parse(OWNER, d, text, v, err, len);
}

static void ok_int(const char *text, int64_t want)
{
    gcb_value v;
    char err[256];
    int rc = parse(&gogc, text, &v, err, sizeof err);
    if (rc != 0)
        print_error("'%s': %s\n", text, err);
    assert_int_equal(rc, 0);
    assert_int_equal(v.i, want);
    assert_true(v.d == (double)want);
    assert_int_equal(v.special, 0);
}

static void bad(const gcb_option_desc *d, const char *text)
{
    gcb_value v;
    char err[512];
    int rc = parse(d, text, &v, err, sizeof err);
    if (rc == 0)
        print_error("'%s' was accepted for %s\n", text, d->name);
    assert_int_equal(rc, EINVAL);
    /* The message names the owner, the option and the bad text. */
    assert_non_null(strstr(err, OWNER));
    char buf[128];
    snprintf(buf, sizeof buf, "option '%s'", d->name);
    assert_non_null(strstr(err, buf));
    snprintf(buf, sizeof buf, "\"%s\"", text);
    assert_non_null(strstr(err, buf));
}

static void test_int(void **state)
{
    ok_int("0", 0);
    ok_int("100", 100);
    ok_int("100000", 100000);
    ok_int("+7", 7);
    ok_int("1e3", 1000);       /* Lua prints large floats this way */
    ok_int("250.0", 250);
    bad(&gogc, "");
    bad(&gogc, "fast");
    bad(&gogc, "12x");
    bad(&gogc, " 12");
    bad(&gogc, "12 ");
    bad(&gogc, "1.5");
    bad(&gogc, "-1");          /* below min: only the special word means -1 */
    bad(&gogc, "100001");
    bad(&gogc, "0x10");
    bad(&gogc, "99999999999999999999999");
    bad(&gogc, "nan");
    bad(&gogc, "inf");
}

static void test_int_message(void **state)
{
    gcb_value v;
    char err[512];
    assert_int_equal(parse(&gogc, "fast", &v, err, sizeof err), EINVAL);
    assert_string_equal(err, "collector 'marksweep': option 'gogc' = \"fast\": "
                             "expected an integer in [0, 100000] or \"off\"");
    /* A small buffer truncates but never overflows. */
    char small[16];
    memset(small, 'x', sizeof small);
    assert_int_equal(opt_parse(OWNER, &gogc, "fast", &v, small, sizeof small), EINVAL);
    assert_int_equal(strlen(small), sizeof small - 1);
}

static void test_special(void **state)
{
    gcb_value v;
    char err[256];
    assert_int_equal(parse(&gogc, "off", &v, err, sizeof err), 0);
    assert_int_equal(v.i, -1);
    assert_true(v.d == -1);
    assert_int_equal(v.special, 1);
    assert_int_equal(parse(&gogc, "OFF", &v, err, sizeof err), 0);
    assert_int_equal(v.special, 1);
    assert_int_equal(parse(&limit, "off", &v, err, sizeof err), 0);
    assert_int_equal(v.i, -1);
    assert_int_equal(v.special, 1);
    assert_int_equal(parse(&ratio, "off", &v, err, sizeof err), 0);
    assert_true(v.d == -1);
    assert_int_equal(v.special, 1);
    /* No special word: "off" is just bad text. */
    bad(&chunk, "off");
    bad(&frac, "off");
    bad(&gogc, "offf");
}

static void ok_bytes(const gcb_option_desc *d, const char *text, int64_t want)
{
    gcb_value v;
    char err[256];
    int rc = parse(d, text, &v, err, sizeof err);
    if (rc != 0)
        print_error("'%s': %s\n", text, err);
    assert_int_equal(rc, 0);
    assert_int_equal(v.i, want);
    assert_true(v.d == (double)want);
    assert_int_equal(v.special, 0);
}

static void test_bytes(void **state)
{
    ok_bytes(&chunk, "0", 0);
    ok_bytes(&chunk, "4096", 4096);
    ok_bytes(&chunk, "17B", 17);
    ok_bytes(&chunk, "1KiB", 1024);
    ok_bytes(&chunk, "64MiB", 64ll << 20);
    ok_bytes(&chunk, "64 MiB", 64ll << 20);
    ok_bytes(&chunk, "2GiB", 2ll << 30);
    ok_bytes(&chunk, "3TiB", 3ll << 40);
    ok_bytes(&chunk, "5KB", 5000);
    ok_bytes(&chunk, "5MB", 5000000);
    ok_bytes(&chunk, "5GB", 5000000000ll);
    ok_bytes(&chunk, "2TB", 2000000000000ll);
    ok_bytes(&chunk, "8k", 8192);
    ok_bytes(&chunk, "8K", 8192);
    ok_bytes(&chunk, "8m", 8ll << 20);
    ok_bytes(&chunk, "1g", 1ll << 30);
    ok_bytes(&chunk, "1.5KiB", 1536);
    ok_bytes(&chunk, "1e6", 1000000);
    bad(&chunk, "");
    bad(&chunk, "MiB");
    bad(&chunk, "64XiB");
    bad(&chunk, "64MiBs");
    bad(&chunk, "-1");
    bad(&chunk, "0.3KiB");      /* 307.2 bytes */
    bad(&chunk, "1.5");
    bad(&chunk, "64MiB ");
    bad(&chunk, "11TB");        /* above max 1e13 */
    bad(&limit, "1KiB");        /* below min 1MiB */
    ok_bytes(&limit, "1MiB", 1 << 20);

    double b;
    assert_int_equal(opt_parse_bytes("64MiB", &b), 0);
    assert_true(b == 67108864.0);
    assert_int_equal(opt_parse_bytes("zz", &b), EINVAL);
    assert_int_equal(opt_parse_bytes("1e30", &b), EINVAL);

    gcb_value v;
    char err[512];
    assert_int_equal(parse(&limit, "lots", &v, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "[1048576, 1000000000000000]"));
    assert_non_null(strstr(err, "or \"off\""));
}

static void test_double(void **state)
{
    gcb_value v;
    char err[256];
    assert_int_equal(parse(&frac, "0.25", &v, err, sizeof err), 0);
    assert_true(v.d == 0.25);
    assert_int_equal(v.i, 0);
    assert_int_equal(parse(&frac, "1", &v, err, sizeof err), 0);
    assert_true(v.d == 1.0);
    assert_int_equal(v.i, 1);
    assert_int_equal(parse(&frac, ".5", &v, err, sizeof err), 0);
    assert_true(v.d == 0.5);
    assert_int_equal(parse(&frac, "2.5e-1", &v, err, sizeof err), 0);
    assert_true(v.d == 0.25);
    assert_int_equal(parse(&ratio, "7.9", &v, err, sizeof err), 0);
    assert_int_equal(v.i, 7);   /* truncated */
    bad(&frac, "1.0001");
    bad(&frac, "-0.1");
    bad(&frac, "nan");
    bad(&frac, "inf");
    bad(&frac, "0.5x");
    bad(&frac, ".");
    bad(&frac, "1e");
    assert_int_equal(parse(&frac, "2", &v, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "expected a number in [0, 1]"));
}

static void test_bool(void **state)
{
    static const char *const yes[] = {"true", "1", "on", "yes", "TRUE", "Yes"};
    static const char *const no[] = {"false", "0", "off", "no", "False", "NO"};
    gcb_value v;
    char err[256];
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(parse(&flag, yes[i], &v, err, sizeof err), 0);
        assert_int_equal(v.i, 1);
        assert_true(v.d == 1);
        assert_int_equal(parse(&flag, no[i], &v, err, sizeof err), 0);
        assert_int_equal(v.i, 0);
        assert_int_equal(v.special, 0);
    }
    bad(&flag, "2");
    bad(&flag, "");
    bad(&flag, "truee");
    assert_int_equal(parse(&flag, "maybe", &v, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "true/false"));
}

static void test_enum(void **state)
{
    gcb_value v;
    char err[256];
    assert_int_equal(parse(&mode, "concurrent", &v, err, sizeof err), 0);
    assert_int_equal(v.i, 0);
    assert_int_equal(parse(&mode, "stw", &v, err, sizeof err), 0);
    assert_int_equal(v.i, 1);
    assert_true(v.d == 1);
    assert_int_equal(parse(&mode, "none", &v, err, sizeof err), 0);
    assert_int_equal(v.i, 2);
    bad(&mode, "st");
    bad(&mode, "stww");
    bad(&mode, "");
    bad(&mode, "concurrent|stw");
    assert_int_equal(parse(&mode, "parallel", &v, err, sizeof err), EINVAL);
    assert_string_equal(err, "collector 'marksweep': option 'mode' = \"parallel\": "
                             "expected one of \"concurrent\", \"stw\", \"none\"");
}

static void test_format(void **state)
{
    const gcb_option_desc *all[] = {&gogc, &chunk, &limit, &frac, &ratio, &flag, &mode};
    const char *texts[][2] = {
        {"100", "100"}, {"64MiB", "67108864"}, {"off", "off"}, {"0.25", "0.25"},
        {"0.1", "0.1"}, {"yes", "true"}, {"none", "none"},
    };
    for (size_t i = 0; i < 7; i++) {
        gcb_value v, w;
        char err[256], buf[64];
        assert_int_equal(parse(all[i], texts[i][0], &v, err, sizeof err), 0);
        opt_format(all[i], &v, buf, sizeof buf);
        assert_string_equal(buf, texts[i][1]);
        /* The canonical text parses back to the same value. */
        assert_int_equal(parse(all[i], buf, &w, err, sizeof err), 0);
        assert_int_equal(w.i, v.i);
        assert_true(w.d == v.d);
        assert_int_equal(w.special, v.special);
    }
    gcb_value v = {0, 0, 0};
    char buf[8];
    opt_format(&flag, &v, buf, sizeof buf);
    assert_string_equal(buf, "false");
    opt_format(&gogc, &(gcb_value){-1, -1, 1}, buf, sizeof buf);
    assert_string_equal(buf, "off");

    assert_string_equal(opt_type_name(GCB_OPT_INT), "int");
    assert_string_equal(opt_type_name(GCB_OPT_BYTES), "bytes");
    assert_string_equal(opt_type_name(GCB_OPT_DOUBLE), "double");
    assert_string_equal(opt_type_name(GCB_OPT_BOOL), "bool");
    assert_string_equal(opt_type_name(GCB_OPT_ENUM), "enum");
}

/* A set: a comma list of choices, "none" for the empty set; the value is
 * a bit mask and formats in choice order (equal sets, equal text). */
static const gcb_option_desc exps = {"experiment", GCB_OPT_SET, "none", "GOEXPERIMENT", 0, 0,
                                     "nogreenteagc|runtimefreegc|arenas", NULL};

static void test_set(void **state)
{
    gcb_value v;
    char err[512], buf[128];
    assert_int_equal(parse(&exps, "none", &v, err, sizeof err), 0);
    assert_int_equal(v.i, 0);
    opt_format(&exps, &v, buf, sizeof buf);
    assert_string_equal(buf, "none");
    assert_int_equal(parse(&exps, "arenas,nogreenteagc", &v, err, sizeof err), 0);
    assert_int_equal(v.i, 5);
    opt_format(&exps, &v, buf, sizeof buf);
    assert_string_equal(buf, "nogreenteagc,arenas");
    assert_int_equal(parse(&exps, "runtimefreegc", &v, err, sizeof err), 0);
    assert_int_equal(v.i, 2);
    bad(&exps, "greentea");
    bad(&exps, "arenas,");
    bad(&exps, ",arenas");
    bad(&exps, "arenas,,runtimefreegc");
    assert_int_equal(parse(&exps, "x", &v, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "comma list"));
    assert_non_null(strstr(err, "nogreenteagc|runtimefreegc|arenas"));
    assert_string_equal(opt_type_name(GCB_OPT_SET), "set");
}

static const gcb_option_desc table[] = {
    {"gogc", GCB_OPT_INT, "100", "GC percent", 0, 100000, NULL, "off"},
    {"memlimit", GCB_OPT_BYTES, "off", "soft limit", 1 << 20, 1e15, NULL, "off"},
    {"mode", GCB_OPT_ENUM, "concurrent", "mode", 0, 0, "concurrent|stw", NULL},
    {"check", GCB_OPT_BOOL, "false", "verify", 0, 0, NULL, NULL},
    {"frac", GCB_OPT_DOUBLE, "0.25", "fraction", 0, 1, NULL, NULL},
    {"chunk", GCB_OPT_BYTES, "64MiB", "chunk", 1 << 20, 1 << 30, NULL, NULL},
};
#define NTABLE (sizeof table / sizeof table[0])

static void test_defaults(void **state)
{
    /* Every descriptor's own default must parse. */
    for (size_t i = 0; i < NTABLE; i++) {
        gcb_value v;
        char err[256];
        int rc = parse(&table[i], table[i].def, &v, err, sizeof err);
        if (rc)
            print_error("%s\n", err);
        assert_int_equal(rc, 0);
    }
    const gcb_option_desc *more[] = {&gogc, &chunk, &limit, &frac, &ratio, &flag, &mode};
    for (size_t i = 0; i < 7; i++) {
        gcb_value v;
        char err[256];
        assert_int_equal(parse(more[i], more[i]->def, &v, err, sizeof err), 0);
    }
}

static void test_resolve(void **state)
{
    gcb_value out[NTABLE];
    char err[512];
    assert_int_equal(opt_resolve(OWNER, table, NTABLE, NULL, 0, out, err, sizeof err), 0);
    assert_int_equal(out[0].i, 100);
    assert_int_equal(out[1].special, 1);
    assert_int_equal(out[2].i, 0);
    assert_int_equal(out[3].i, 0);
    assert_true(out[4].d == 0.25);
    assert_int_equal(out[5].i, 64 << 20);

    opt_kv kv[] = {{"mode", "stw"}, {"gogc", "off"}, {"memlimit", "1GiB"}};
    assert_int_equal(opt_resolve(OWNER, table, NTABLE, kv, 3, out, err, sizeof err), 0);
    assert_int_equal(out[0].special, 1);
    assert_int_equal(out[0].i, -1);
    assert_int_equal(out[1].i, 1 << 30);
    assert_int_equal(out[1].special, 0);
    assert_int_equal(out[2].i, 1);
    assert_true(out[4].d == 0.25);

    opt_kv typo[] = {{"gogc", "50"}, {"gcpercent", "50"}};
    assert_int_equal(opt_resolve(OWNER, table, NTABLE, typo, 2, out, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, OWNER));
    assert_non_null(strstr(err, "'gcpercent'"));
    for (size_t i = 0; i < NTABLE; i++) {
        char name[64];
        snprintf(name, sizeof name, "'%s'", table[i].name);
        assert_non_null(strstr(err, name));
    }

    opt_kv badv[] = {{"frac", "2"}};
    assert_int_equal(opt_resolve(OWNER, table, NTABLE, badv, 1, out, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "option 'frac' = \"2\""));

    /* No options at all: any key is unknown. */
    assert_int_equal(opt_resolve(OWNER, NULL, 0, typo, 1, out, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "'gogc'"));
    assert_int_equal(opt_resolve(OWNER, NULL, 0, NULL, 0, out, err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_int_message),
        cmocka_unit_test(test_special),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
