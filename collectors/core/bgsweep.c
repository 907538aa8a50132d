/* bgsweep.c - the background sweeper thread (Go's bgsweep, with the
 * scavenger and forcegchelper folded in): after each cycle it sweeps every
 * span left unswept, then returns free pages to the OS (sweep_scavenge);
 * between cycles it wakes at least every second (or four times per force
 * period) and forces a cycle when none ran for cfg.force_ns (Go's
 * forcegcperiod).  One per heap, spawned by gc_heap_init and stopped by
 * gc_heap_destroy (h->quit) before the mark workers, so a cycle it forces
 * still ends with its events paired.
 */
#include <time.h>

#include "gc.h"

void *bgsweep_main(void *arg)
{
    gc_heap *h = arg;
    for (;;) {
        pthread_mutex_lock(&h->bglock);
        while (!h->sweep_wanted && !atomic_load(&h->quit)) {
            /* wake at least every second, or 4 times per force period */
            uint64_t wait_ns = 1000000000;
            if (h->cfg.force_ns && h->cfg.force_ns / 4 < wait_ns)
                wait_ns = h->cfg.force_ns / 4;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            uint64_t at = (uint64_t)ts.tv_nsec + wait_ns;
            ts.tv_sec += (time_t)(at / 1000000000);
            ts.tv_nsec = (long)(at % 1000000000);
            pthread_cond_timedwait(&h->bgcond, &h->bglock, &ts);
            if (h->sweep_wanted || atomic_load(&h->quit))
                break;
            uint64_t now = h->host->now_ns(h->host->ctx);
            if (h->cfg.force_ns && now - atomic_load(&h->last_gc_ns) > h->cfg.force_ns &&
                atomic_load(&h->phase) == GCPH_OFF && !atomic_load(&h->quit)) {
                pthread_mutex_unlock(&h->bglock);
                gc_force(h);
                pthread_mutex_lock(&h->bglock);
            }
        }
        int wanted = h->sweep_wanted;
        h->sweep_wanted = 0;
        pthread_mutex_unlock(&h->bglock);
        if (atomic_load(&h->quit))
            return NULL;
        if (!wanted)
            continue;
        uint64_t cyc = atomic_load(&h->cycles);
        gc_event_cycle(h, GCB_EV_SWEEP_BEGIN, "sweep", cyc);
        unsigned cursor = 0;
        while (!atomic_load(&h->quit) && sweep_one(h, &cursor))
            ;
        gc_event_cycle(h, GCB_EV_SWEEP_END, "sweep", cyc);
        sweep_scavenge(h);
    }
}
