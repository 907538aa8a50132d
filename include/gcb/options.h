/* gcb/options.h - option descriptors shared by collectors and workloads.
 *
 * A plugin or workload declares its options as a const array of
 * gcb_option_desc.  The host parses user input (Lua values or strings),
 * validates it against the descriptor and hands the plugin an array of
 * gcb_value in the same order as the descriptors, every entry filled in
 * (defaults included).  A plugin therefore never parses or validates
 * option text itself.
 */
#ifndef GCB_OPTIONS_H
#define GCB_OPTIONS_H

#include <stdint.h>

typedef enum gcb_option_type {
    GCB_OPT_INT = 1,    /* signed 64-bit integer, within [min, max] */
    GCB_OPT_BYTES = 2,  /* byte count: integer or "64MiB" (B, KiB, MiB, GiB, TiB,
                           also KB/MB/GB as powers of 1000); within [min, max] */
    GCB_OPT_DOUBLE = 3, /* double, within [min, max] */
    GCB_OPT_BOOL = 4,   /* true/false, 1/0, "on"/"off", "yes"/"no" */
    GCB_OPT_ENUM = 5,   /* one word out of `choices` ("a|b|c"); value.i is its index */
    GCB_OPT_SET = 6     /* a comma list of words out of `choices`, or "none"; value.i
                           has bit k set for the k-th choice (at most 62 choices) */
} gcb_option_type;

typedef struct gcb_option_desc {
    const char *name;     /* lower-case identifier, e.g. "gogc" */
    gcb_option_type type;
    const char *def;      /* default, as the user would write it ("100", "off", "8MiB") */
    const char *help;     /* one sentence, shown by `gcbench list` */
    double min, max;      /* inclusive range for INT, BYTES, DOUBLE; ignored otherwise */
    const char *choices;  /* ENUM: "concurrent|stw"; others: NULL */
    const char *special;  /* INT/BYTES/DOUBLE: an extra word accepted besides numbers
                             (e.g. "off"), parsed as value.i = -1 / value.d = -1;
                             NULL when none */
} gcb_option_desc;

/* A validated option value.  For INT, BYTES, BOOL and ENUM the value is in
 * `i` (and mirrored in `d`); for DOUBLE in `d` (and truncated into `i`).
 * `special` is 1 when the user wrote the descriptor's special word. */
typedef struct gcb_value {
    int64_t i;
    double d;
    int special;
} gcb_value;

#endif
