/* host.h - the minimal host shared by the peers tests: an event sink that
 * checks PAUSE/CYCLE pairing and option values from defaults and name=value
 * arguments; the CHECK macro, the other host services and plugin loading
 * come from tests/common/testhost.h.  Header-only: each test is one
 * translation unit. */
#ifndef GCB_TESTS_PEERS_HOST_H
#define GCB_TESTS_PEERS_HOST_H

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gcb/collector.h"
#include "../common/testhost.h"

/* ---- host: an event sink that checks pairing ---- */
typedef struct sink {
    pthread_mutex_t lock;
    int pause_open, cycle_open;
    long pauses, cycles, errors;
} sink;

static void host_event(void *ctx, const gcb_event *ev)
{
    sink *s = ctx;
    pthread_mutex_lock(&s->lock);
    switch (ev->kind) {
    case GCB_EV_PAUSE_BEGIN:
        if (s->pause_open) {
            fprintf(stderr, "PAUSE_BEGIN inside a pause\n");
            s->errors++;
        }
        s->pause_open = 1;
        break;
    case GCB_EV_PAUSE_END:
        if (!s->pause_open) {
            fprintf(stderr, "PAUSE_END without PAUSE_BEGIN\n");
            s->errors++;
        }
        s->pause_open = 0;
        s->pauses++;
        break;
    case GCB_EV_CYCLE_BEGIN:
        if (s->cycle_open) {
            fprintf(stderr, "CYCLE_BEGIN inside a cycle\n");
            s->errors++;
        }
        s->cycle_open = 1;
        break;
    case GCB_EV_CYCLE_END:
        if (!s->cycle_open) {
            fprintf(stderr, "CYCLE_END without CYCLE_BEGIN\n");
            s->errors++;
        }
        s->cycle_open = 0;
        s->cycles++;
        break;
    default:
        break;
    }
    pthread_mutex_unlock(&s->lock);
}

static sink events = {.lock = PTHREAD_MUTEX_INITIALIZER};
static gcb_host host = { /* tests may change procs/mutators before heap_new */
    .abi = GCB_ABI_VERSION, .size = sizeof(gcb_host), .ctx = &events,
    .event = host_event, .spawn = testhost_spawn, .log = testhost_log,
    .now_ns = testhost_now_ns,
    .procs = 2, .mutators = 1,
};

/* ---- options: defaults, then name=value overrides from argv ---- */
static gcb_value value_of(const gcb_option_desc *d, const char *text)
{
    gcb_value v = {0};
    if (d->type == GCB_OPT_BOOL)
        v.i = strcmp(text, "true") == 0 || strcmp(text, "1") == 0 || strcmp(text, "on") == 0;
    else
        v.i = strtoll(text, NULL, 10);
    v.d = (double)v.i;
    return v;
}

static void options(const gcb_collector *gc, gcb_value *out, int argc, char **argv)
{
    for (uint32_t i = 0; i < gc->noptions; i++) {
        const gcb_option_desc *d = &gc->options[i];
        out[i] = value_of(d, d->def);
        size_t len = strlen(d->name);
        for (int k = 0; k < argc; k++)
            if (strncmp(argv[k], d->name, len) == 0 && argv[k][len] == '=')
                out[i] = value_of(d, argv[k] + len + 1);
    }
}

#endif
