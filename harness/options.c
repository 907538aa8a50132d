/* options.c - strict parsing, validation and printing of option text.
 *
 * Every value the harness hands a plugin went through opt_parse: the whole
 * text is consumed, numbers are finite and inside the descriptor's
 * [min, max], enum words are listed.  A descriptor's special word (e.g.
 * "off") bypasses the range and yields i = -1, d = -1, special = 1.
 * Words (special, bool, enum, suffixes) are matched case-insensitively.
 */
#include "options.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* 2^63 as a double: the first value an int64 cannot hold. */
#define TWO63 9223372036854775808.0

/* ---- Number formatting for messages ---------------------------------- */

/* x as an integer when it is one (bounds like 1e6 read "1000000"), else
 * with enough digits to round-trip. */
static void number(double x, char *buf, size_t len)
{
    if (x == floor(x) && fabs(x) < TWO63)
        snprintf(buf, len, "%" PRId64, (int64_t)x);
    else
        snprintf(buf, len, "%.17g", x);
}

/* ---- Scanners ---------------------------------------------------------- */

/* A decimal number: [+-]digits[.digits][e[+-]digits] (at least one digit
 * before the exponent).  No hex, no inf/nan, no whitespace.  On success
 * *end points just past it. */
static int scan_decimal(const char *s, double *out, const char **end)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9') { p++; digits++; }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') { p++; digits++; }
    }
    if (digits == 0)
        return EINVAL;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (*q >= '0' && *q <= '9') {
            while (*q >= '0' && *q <= '9')
                q++;
            p = q;
        }
    }
    char tmp[128];
    size_t n = (size_t)(p - s);
    if (n >= sizeof tmp)
        return EINVAL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    char *e;
    double v = strtod(tmp, &e);
    if (*e != '\0' || !isfinite(v))
        return EINVAL;
    *out = v;
    *end = p;
    return 0;
}

/* A signed 64-bit integer.  Plain digits are exact; an integral number
 * written as a decimal ("1e6", "100.0", as Lua prints floats) is accepted
 * when it fits. */
static int scan_int(const char *s, int64_t *out)
{
    if (*s == '\0')
        return EINVAL;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p >= '0' && *p <= '9') {
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == '\0') {
            errno = 0;
            char *e;
            long long v = strtoll(s, &e, 10);
            if (errno == ERANGE || *e != '\0')
                return ERANGE;
            *out = v;
            return 0;
        }
    }
    double d;
    const char *end;
    if (scan_decimal(s, &d, &end) != 0 || *end != '\0')
        return EINVAL;
    if (d != floor(d) || d >= TWO63 || d < -TWO63)
        return EINVAL;
    *out = (int64_t)d;
    return 0;
}

static const struct suffix {
    const char *word;
    double mult;
} suffixes[] = {
    {"B", 1},
    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
    {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
    {"k", 1024.0}, {"m", 1048576.0}, {"g", 1073741824.0}, {"t", 1099511627776.0},
};

int opt_parse_bytes(const char *text, double *out)
{
    if (text == NULL)
        return EINVAL;
    double v;
    const char *end;
    if (*text == '+' || *text == '-')   /* a byte count has no sign */
        return EINVAL;
    if (scan_decimal(text, &v, &end) != 0)
        return EINVAL;
    while (*end == ' ')                 /* "64 MiB" */
        end++;
    double mult = 1;
    if (*end != '\0') {
        size_t i;
        for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
            if (strcasecmp(end, suffixes[i].word) == 0)
                break;
        if (i == sizeof suffixes / sizeof suffixes[0])
            return EINVAL;
        mult = suffixes[i].mult;
    } else if (end > text && end[-1] == ' ') {
        return EINVAL;                  /* trailing blanks */
    }
    v *= mult;
    if (v != floor(v) || v >= TWO63)    /* whole bytes that fit an int64 */
        return EINVAL;
    *out = v;
    return 0;
}

/* ---- Expectations (the "allowed values" half of a message) ------------ */

static void expectation(const gcb_option_desc *d, char *buf, size_t len)
{
    char lo[32], hi[32];
    number(d->min, lo, sizeof lo);
    number(d->max, hi, sizeof hi);
    int n = 0;
    switch (d->type) {
    case GCB_OPT_INT:
        n = snprintf(buf, len, "an integer in [%s, %s]", lo, hi);
        break;
    case GCB_OPT_BYTES:
        n = snprintf(buf, len, "a byte count (e.g. 4096, 64MiB, 1GB) in [%s, %s]", lo, hi);
        break;
    case GCB_OPT_DOUBLE:
        n = snprintf(buf, len, "a number in [%s, %s]", lo, hi);
        break;
    case GCB_OPT_BOOL:
        snprintf(buf, len, "true/false, 1/0, on/off or yes/no");
        return;
    case GCB_OPT_ENUM: {
        n = snprintf(buf, len, "one of");
        const char *c = d->choices ? d->choices : "";
        int first = 1;
        while (n >= 0 && (size_t)n < len) {
            const char *bar = strchr(c, '|');
            size_t w = bar ? (size_t)(bar - c) : strlen(c);
            n += snprintf(buf + n, len - (size_t)n, "%s \"%.*s\"", first ? "" : ",", (int)w, c);
            first = 0;
            if (!bar)
                break;
            c = bar + 1;
        }
        return;
    }
    case GCB_OPT_SET:
        snprintf(buf, len, "\"none\" or a comma list of %s", d->choices ? d->choices : "");
        return;
    default:
        snprintf(buf, len, "(unknown option type %d)", (int)d->type);
        return;
    }
    if (d->special && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " or \"%s\"", d->special);
}

static int fail(const char *owner, const gcb_option_desc *d, const char *text,
                char *err, size_t errlen)
{
    char exp[512];
    expectation(d, exp, sizeof exp);
    /* A huge value is shown by its head and length, so the reason (which
     * follows it) is never cut off by the caller's buffer. */
    size_t len = text ? strlen(text) : 0;
    if (err && errlen && len > 80)
        snprintf(err, errlen, "%s: option '%s' = \"%.60s...\" (%zu bytes): expected %s",
                 owner ? owner : "?", d->name ? d->name : "?", text, len, exp);
    else if (err && errlen)
        snprintf(err, errlen, "%s: option '%s' = \"%s\": expected %s",
                 owner ? owner : "?", d->name ? d->name : "?", text ? text : "(null)", exp);
    return EINVAL;
}

/* ---- Parsing ----------------------------------------------------------- */

static int in_range(const gcb_option_desc *d, double v)
{
    return v >= d->min && v <= d->max;
}

/* Index of word in "a|b|c", or -1. */
static int choice(const char *choices, const char *word)
{
    if (!choices)
        return -1;
    size_t wl = strlen(word);
    const char *c = choices;
    for (int i = 0;; i++) {
        const char *bar = strchr(c, '|');
        size_t w = bar ? (size_t)(bar - c) : strlen(c);
        if (w == wl && w > 0 && strncasecmp(c, word, w) == 0)
            return i;
        if (!bar)
            return -1;
        c = bar + 1;
    }
}

int opt_parse(const char *owner, const gcb_option_desc *d, const char *text,
              gcb_value *out, char *err, size_t errlen)
{
    gcb_value v = {0, 0, 0};
    if (text == NULL)
        return fail(owner, d, text, err, errlen);
    if (d->special && d->special[0] &&
        (d->type == GCB_OPT_INT || d->type == GCB_OPT_BYTES || d->type == GCB_OPT_DOUBLE) &&
        strcasecmp(text, d->special) == 0) {
        v.i = -1;
        v.d = -1;
        v.special = 1;
        *out = v;
        return 0;
    }
    switch (d->type) {
    case GCB_OPT_INT: {
        int64_t i;
        if (scan_int(text, &i) != 0 || !in_range(d, (double)i))
            return fail(owner, d, text, err, errlen);
        v.i = i;
        v.d = (double)i;
        break;
    }
    case GCB_OPT_BYTES: {
        double b;
        if (opt_parse_bytes(text, &b) != 0 || !in_range(d, b))
            return fail(owner, d, text, err, errlen);
        v.i = (int64_t)b;
        v.d = b;
        break;
    }
    case GCB_OPT_DOUBLE: {
        double x;
        const char *end;
        if (scan_decimal(text, &x, &end) != 0 || *end != '\0' || !in_range(d, x))
            return fail(owner, d, text, err, errlen);
        v.d = x;
        v.i = (fabs(x) < TWO63) ? (int64_t)x : (x < 0 ? INT64_MIN : INT64_MAX);
        break;
    }
    case GCB_OPT_BOOL: {
        static const char *const yes[] = {"true", "1", "on", "yes"};
        static const char *const no[] = {"false", "0", "off", "no"};
        int b = -1;
        for (size_t k = 0; k < 4; k++) {
            if (strcasecmp(text, yes[k]) == 0) b = 1;
            if (strcasecmp(text, no[k]) == 0) b = 0;
        }
        if (b < 0)
            return fail(owner, d, text, err, errlen);
        v.i = b;
        v.d = b;
        break;
    }
    case GCB_OPT_ENUM: {
        int c = choice(d->choices, text);
        if (c < 0)
            return fail(owner, d, text, err, errlen);
        v.i = c;
        v.d = c;
        break;
    }
    case GCB_OPT_SET: {
        if (strcasecmp(text, "none") == 0 || text[0] == '\0')
            break;
        char word[128];
        for (const char *t = text;;) {
            size_t w = strcspn(t, ",");
            if (w == 0 || w >= sizeof word)
                return fail(owner, d, text, err, errlen);
            memcpy(word, t, w);
            word[w] = '\0';
            int c = choice(d->choices, word);
            if (c < 0 || c > 61)
                return fail(owner, d, text, err, errlen);
            v.i |= (int64_t)1 << c;
            if (t[w] == '\0')
                break;
            t += w + 1;
        }
        v.d = (double)v.i;
        break;
    }
    default:
        return fail(owner, d, text, err, errlen);
    }
    *out = v;
    return 0;
}

int opt_resolve(const char *owner, const gcb_option_desc *d, size_t n,
                const opt_kv *kv, size_t nkv, gcb_value *out,
                char *err, size_t errlen)
{
    /* Unknown keys first, so a typo is reported as such even when some
     * other value is also bad. */
    for (size_t k = 0; k < nkv; k++) {
        size_t i;
        for (i = 0; i < n; i++)
            if (strcmp(kv[k].key, d[i].name) == 0)
                break;
        if (i < n)
            continue;
        if (err && errlen) {
            /* A long key is cut, so the list of known ones always fits. */
            int m = snprintf(err, errlen, "%s: unknown option '%.80s%s'", owner ? owner : "?",
                             kv[k].key, strlen(kv[k].key) > 80 ? "..." : "");
            if (n == 0) {
                if (m >= 0 && (size_t)m < errlen)
                    snprintf(err + m, errlen - (size_t)m, " (it takes no options)");
            } else {
                for (size_t j = 0; j < n && m >= 0 && (size_t)m < errlen; j++)
                    m += snprintf(err + m, errlen - (size_t)m, "%s'%s'",
                                  j == 0 ? "; known options: " : ", ", d[j].name);
            }
        }
        return EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *text = d[i].def;
        /* The last occurrence wins if a key is given twice. */
        for (size_t k = 0; k < nkv; k++)
            if (strcmp(kv[k].key, d[i].name) == 0)
                text = kv[k].value;
        int rc = opt_parse(owner, &d[i], text, &out[i], err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void opt_format(const gcb_option_desc *d, const gcb_value *v, char *buf, size_t len)
{
    if (len == 0)
        return;
    if (v->special && d->special) {
        snprintf(buf, len, "%s", d->special);
        return;
    }
    switch (d->type) {
    case GCB_OPT_INT:
    case GCB_OPT_BYTES:
        snprintf(buf, len, "%" PRId64, v->i);
        return;
    case GCB_OPT_DOUBLE:
        /* Shortest text that reads back as the same double. */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, len, "%.*g", prec, v->d);
            if (strtod(buf, NULL) == v->d)
                return;
        }
        return;
    case GCB_OPT_BOOL:
        snprintf(buf, len, "%s", v->i ? "true" : "false");
        return;
    case GCB_OPT_ENUM: {
        const char *c = d->choices ? d->choices : "";
        for (int64_t i = 0; i < v->i; i++) {
            const char *bar = strchr(c, '|');
            if (!bar) {
                snprintf(buf, len, "%" PRId64, v->i);
                return;
            }
            c = bar + 1;
        }
        const char *bar = strchr(c, '|');
        size_t w = bar ? (size_t)(bar - c) : strlen(c);
        snprintf(buf, len, "%.*s", (int)w, c);
        return;
    }
    case GCB_OPT_SET: {
        /* The chosen words in `choices` order, so equal sets format alike. */
        const char *c = d->choices ? d->choices : "";
        size_t n = 0;
        buf[0] = '\0';
        for (int k = 0; *c && k < 62; k++) {
            size_t w = strcspn(c, "|");
            if (v->i & ((int64_t)1 << k))
                n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%.*s", n ? "," : "",
                                      (int)w, c);
            c += w + (c[w] == '|');
        }
        if (n == 0)
            snprintf(buf, len, "none");
        return;
    }
    default:
        snprintf(buf, len, "%" PRId64, v->i);
        return;
    }
}

const char *opt_type_name(gcb_option_type t)
{
    switch (t) {
    case GCB_OPT_INT: return "int";
    case GCB_OPT_BYTES: return "bytes";
    case GCB_OPT_DOUBLE: return "double";
    case GCB_OPT_BOOL: return "bool";
    case GCB_OPT_ENUM: return "enum";
    case GCB_OPT_SET: return "set";
    }
    return "unknown";
}
