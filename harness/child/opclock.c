/* opclock.c - choosing and calibrating the operation clock (opclock.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child/opclock.h"

/* Does /proc/cpuinfo list every flag in `want` (space-separated)? */
static int cpu_has(const char *want)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return 0;
    char line[8192];
    int ok = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        ok = 1;
        char w[64];
        const char *p = want;
        while (ok && sscanf(p, "%63s", w) == 1) {
            size_t n = strlen(w);
            const char *q = line;
            int found = 0;
            while ((q = strstr(q, w)) != NULL) {
                if ((q[-1] == ' ' || q[-1] == '\t') && (q[n] == ' ' || q[n] == '\n' || q[n] == 0)) {
                    found = 1;
                    break;
                }
                q += n;
            }
            ok = found;
            p = strstr(p, w) + n;
        }
        break;
    }
    fclose(f);
    return ok;
}

static int kernel_uses_tsc(void)
{
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (f == NULL)
        return 0;
    char s[32] = "";
    int ok = fgets(s, sizeof s, f) != NULL && strncmp(s, "tsc", 3) == 0;
    fclose(f);
    return ok;
}

static void reading(opclock *c, uint64_t *tick, uint64_t *ns)
{
    /* Bracket the TSC read by two clock reads; keep the tightest of a few. */
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t a = opclock_mono_ns();
        uint64_t t = opclock_ticks(c);
        uint64_t b = opclock_mono_ns();
        if (b - a < best) {
            best = b - a;
            *tick = t;
            *ns = a + (b - a) / 2;
        }
    }
}

void opclock_start(opclock *c)
{
    memset(c, 0, sizeof *c);
    const char *force = getenv("GCBENCH_OPCLOCK");
#if defined(__x86_64__)
    c->tsc = !(force && strcmp(force, "monotonic") == 0) && cpu_has("constant_tsc nonstop_tsc") &&
             kernel_uses_tsc();
#else
    (void)force;
#endif
    c->ns_per_tick = 1;
    if (!c->tsc)
        return;
    uint64_t t1, n1;
    reading(c, &c->tick0, &c->ns0);
    do
        reading(c, &t1, &n1);
    while (n1 - c->ns0 < 5000000); /* 5 ms: provisional rate within ~0.01 % */
    c->ns_per_tick = (double)(n1 - c->ns0) / (double)(t1 - c->tick0);
}

void opclock_stop(opclock *c)
{
    if (!c->tsc)
        return;
    uint64_t t1, n1;
    reading(c, &t1, &n1);
    if (t1 > c->tick0 && n1 > c->ns0 + 5000000)
        c->ns_per_tick = (double)(n1 - c->ns0) / (double)(t1 - c->tick0);
}
