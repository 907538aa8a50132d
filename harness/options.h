/* options.h - parse, validate and print collector options and workload params.
 *
 * User input arrives as text (the Lua binding turns numbers and booleans
 * into text first: 100 -> "100", true -> "true").  Parsing is strict: the
 * whole text must be consumed, numbers must be in range, enum words must be
 * listed.  Error messages name the option, its owner (collector or
 * workload) and the allowed values, e.g.
 *   collector 'marksweep': option 'gogc' = "fast": expected an integer in
 *   [-1, 100000] or "off"
 */
#ifndef GCB_HARNESS_OPTIONS_H
#define GCB_HARNESS_OPTIONS_H

#include <stddef.h>

#include "gcb/options.h"

/* A name/value pair of user input. */
typedef struct opt_kv {
    const char *key;
    const char *value;
} opt_kv;

/* Parse `text` for descriptor d.  owner is e.g. "collector 'marksweep'".
 * Returns 0, or EINVAL with a message in err. */
int opt_parse(const char *owner, const gcb_option_desc *d, const char *text,
              gcb_value *out, char *err, size_t errlen);

/* Fill out[0..n) from descriptors d[0..n): the user's value where kv names
 * the option, the default otherwise.  Unknown keys in kv are an error that
 * lists the known ones.  Returns 0 or EINVAL. */
int opt_resolve(const char *owner, const gcb_option_desc *d, size_t n,
                const opt_kv *kv, size_t nkv, gcb_value *out,
                char *err, size_t errlen);

/* Canonical text of a value: "100", "off", "67108864", "true", "stw". */
void opt_format(const gcb_option_desc *d, const gcb_value *v, char *buf, size_t len);

/* Type name for `gcbench list`: "int", "bytes", "double", "bool", "enum". */
const char *opt_type_name(gcb_option_type t);

/* Parse a byte count with optional suffix (B, KiB, MiB, GiB, TiB, KB, MB, GB,
 * TB, also k/m/g as binary).  Returns 0 or EINVAL. */
int opt_parse_bytes(const char *text, double *out);

#endif
