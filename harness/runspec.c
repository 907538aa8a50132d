/* runspec.c - check and resolve a run_spec; its JSON form (see runspec.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gopeer.h"
#include "options.h"
#include "pin.h"
#include "runspec.h"
#include "workloads/registry.h"

static int bad(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return 2;
}

static void known_workloads(char *buf, size_t len)
{
    size_t n, off = 0;
    const gcb_workload *const *w = workload_all(&n);
    buf[0] = '\0';
    for (size_t i = 0; i < n && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", w[i]->name);
}

void runspec_init(run_spec *s)
{
    memset(s, 0, sizeof *s);
    s->threads = 1;
    s->pin = "none";
    s->repeat = 1;
    s->timeout = 600;
    s->sample_hz = 100;
    s->record_latency = 1;
}

/* 1 when `text` (may be NULL) is valid UTF-8; else 0 with a message. */
static int utf8(const char *what, const char *text, char *msg, size_t len)
{
    if (text == NULL)
        return 1;
    json_t *j = json_string(text);
    if (j != NULL) {
        json_decref(j);
        return 1;
    }
    snprintf(msg, len, "%s '%s' is not valid UTF-8 (records are JSON text)", what, text);
    return 0;
}

static int resolve(const run_spec *s, runspec_resolved *r, int probe, char *err, size_t errlen);

int runspec_resolve(const run_spec *s, runspec_resolved *r, char *err, size_t errlen)
{
    return resolve(s, r, 0, err, errlen);
}

int runspec_check(const run_spec *s, runspec_resolved *r, char *err, size_t errlen)
{
    return resolve(s, r, 1, err, errlen);
}

static int resolve(const run_spec *s, runspec_resolved *r, int probe, char *err, size_t errlen)
{
    char owner[300], msg[1024];
    memset(r, 0, sizeof *r);
    if (s->threads < 1 || s->threads > 4096)
        return bad(err, errlen, "threads must be an integer in [1, 4096]");
    if (!(s->duration >= 0) || !isfinite(s->duration))
        return bad(err, errlen, "duration must be a number of seconds >= 0");
    if (s->ops > 0 && s->duration > 0)
        return bad(err, errlen, "give either ops or duration, not both");
    if (s->repeat < 1)
        return bad(err, errlen, "repeat must be an integer >= 1");
    if (!(s->timeout > 0) || !isfinite(s->timeout))
        return bad(err, errlen, "timeout must be a number of seconds > 0");
    if (!(s->sample_hz > 0) || !isfinite(s->sample_hz))
        return bad(err, errlen, "sample_hz must be a rate in Hz > 0");
    if (s->collector == NULL || s->collector[0] == '\0')
        return bad(err, errlen, "collector is required (a name from `gcbench list` or a path to a .so)");
    if (s->workload == NULL || s->workload[0] == '\0')
        return bad(err, errlen, "workload is required (a name from `gcbench list`)");

    /* Every string goes into a JSON record: refuse what JSON cannot hold. */
    if (!utf8("collector", s->collector, msg, sizeof msg) ||
        !utf8("workload", s->workload, msg, sizeof msg) || !utf8("pin", s->pin, msg, sizeof msg))
        return bad(err, errlen, msg);
    for (size_t i = 0; i < s->noptions; i++)
        if (!utf8("option", s->options[i].key, msg, sizeof msg) ||
            !utf8(s->options[i].key, s->options[i].value, msg, sizeof msg))
            return bad(err, errlen, msg);
    for (size_t i = 0; i < s->nparams; i++)
        if (!utf8("param", s->params[i].key, msg, sizeof msg) ||
            !utf8(s->params[i].key, s->params[i].value, msg, sizeof msg))
            return bad(err, errlen, msg);

    const char *pin = s->pin ? s->pin : "none";
    pin_plan *plan = NULL;
    if (pin_plan_new(pin, s->pus, s->npus, s->threads, &plan, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "pin: %s", msg);
        return 2;
    }
    pin_plan_free(plan);

    r->w = workload_find(s->workload);
    if (r->w == NULL) {
        char list[1024];
        known_workloads(list, sizeof list);
        snprintf(err, errlen, "unknown workload '%s' (known: %s)", s->workload, list);
        return 2;
    }
    if (gopeer_is(s->collector)) {
        /* The real Go runtime: no plugin, the twin binary runs the run. */
        if (gopeer_available(msg, sizeof msg) != 0) {
            snprintf(err, errlen, "collector '%s': %s", s->collector, msg);
            return 2;
        }
        if (!gopeer_has_twin(r->w->name)) {
            snprintf(err, errlen, "collector '%s': workload '%s' has no Go twin yet "
                     "(workloads/go/%s.go)", s->collector, r->w->name, r->w->name);
            return 2;
        }
        r->gc = gopeer_collector();
    } else if (probe) {
        if (probe_open(s->collector, &r->probe, msg, sizeof msg) != 0) {
            snprintf(err, errlen, "collector '%s': %s", s->collector, msg);
            return 2;
        }
        r->probed = 1;
        r->gc = &r->probe.gc;
    } else {
        if (loader_open(s->collector, &r->plugin, msg, sizeof msg) != 0) {
            snprintf(err, errlen, "collector '%s': %s", s->collector, msg);
            return 2;
        }
        r->loaded = 1;
        r->gc = r->plugin.gc;
    }
    r->opts = calloc(r->gc->noptions + 1, sizeof *r->opts);
    r->params = calloc(r->w->nparams + 1, sizeof *r->params);
    if (r->opts == NULL || r->params == NULL) {
        runspec_release(r);
        return bad(err, errlen, "out of memory");
    }
    snprintf(owner, sizeof owner, "collector '%s'", r->gc->name);
    if (opt_resolve(owner, r->gc->options, r->gc->noptions, s->options, s->noptions, r->opts,
                    err, errlen) != 0) {
        runspec_release(r);
        return 2;
    }
    snprintf(owner, sizeof owner, "workload '%s'", r->w->name);
    if (opt_resolve(owner, r->w->params, r->w->nparams, s->params, s->nparams, r->params,
                    err, errlen) != 0) {
        runspec_release(r);
        return 2;
    }
    r->ops = s->ops;
    if (s->ops == 0 && s->duration == 0)
        r->ops = r->w->default_ops ? r->w->default_ops : 1;
    return 0;
}

void runspec_release(runspec_resolved *r)
{
    free(r->opts);
    free(r->params);
    if (r->loaded)
        loader_close(&r->plugin);
    if (r->probed)
        probe_close(&r->probe);
    memset(r, 0, sizeof *r);
}

static json_t *kv_json(const opt_kv *kv, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, kv[i].key, json_string(kv[i].value));
    return o;
}

json_t *runspec_to_json(const run_spec *s, int repetition)
{
    json_t *pus = json_array();
    for (size_t i = 0; i < s->npus; i++)
        json_array_append_new(pus, json_integer(s->pus[i]));
    return json_pack("{s:s, s:o, s:s, s:o, s:i, s:s, s:o, s:I, s:f, s:i, s:f, s:f, s:b, s:i}",
                     "collector", s->collector, "options", kv_json(s->options, s->noptions),
                     "workload", s->workload, "params", kv_json(s->params, s->nparams),
                     "threads", s->threads, "pin", s->pin ? s->pin : "none", "pus", pus,
                     "ops", (json_int_t)s->ops, "duration", s->duration, "repeat", s->repeat,
                     "timeout", s->timeout, "sample_hz", s->sample_hz,
                     "record_latency", s->record_latency, "repetition", repetition);
}

static opt_kv *kv_parse(json_t *o, size_t *n)
{
    const char *k;
    json_t *v;
    opt_kv *kv = calloc(json_object_size(o) + 1, sizeof *kv);
    *n = 0;
    if (kv == NULL)
        return NULL;
    json_object_foreach(o, k, v) {
        kv[*n].key = k;
        kv[*n].value = json_string_value(v) ? json_string_value(v) : "";
        (*n)++;
    }
    return kv;
}

int runspec_from_json(json_t *j, runspec_parsed *p, char *err, size_t errlen)
{
    json_t *opts = NULL, *params = NULL, *pus = NULL;
    json_int_t ops = 0;
    int rl = 1;
    memset(p, 0, sizeof *p);
    runspec_init(&p->s);
    json_error_t e;
    if (json_unpack_ex(j, &e, 0,
                       "{s:s, s:o, s:s, s:o, s:i, s:s, s:o, s:I, s:F, s:i, s:F, s:F, s:b, s:i}",
                       "collector", &p->s.collector, "options", &opts, "workload", &p->s.workload,
                       "params", &params, "threads", &p->s.threads, "pin", &p->s.pin,
                       "pus", &pus, "ops", &ops, "duration", &p->s.duration,
                       "repeat", &p->s.repeat, "timeout", &p->s.timeout,
                       "sample_hz", &p->s.sample_hz, "record_latency", &rl,
                       "repetition", &p->repetition) != 0) {
        snprintf(err, errlen, "run spec on stdin: %s", e.text);
        return 2;
    }
    p->s.ops = (uint64_t)ops;
    p->s.record_latency = rl;
    p->opts = kv_parse(opts, &p->s.noptions);
    p->params = kv_parse(params, &p->s.nparams);
    p->pus = calloc(json_array_size(pus) + 1, sizeof *p->pus);
    if (p->opts == NULL || p->params == NULL || p->pus == NULL) {
        runspec_parsed_free(p);
        return bad(err, errlen, "out of memory");
    }
    for (size_t i = 0; i < json_array_size(pus); i++)
        p->pus[i] = (int)json_integer_value(json_array_get(pus, i));
    p->s.options = p->opts;
    p->s.params = p->params;
    p->s.pus = p->pus;
    p->s.npus = json_array_size(pus);
    p->j = json_incref(j);
    return 0;
}

void runspec_parsed_free(runspec_parsed *p)
{
    free(p->opts);
    free(p->params);
    free(p->pus);
    json_decref(p->j);
    memset(p, 0, sizeof *p);
}
