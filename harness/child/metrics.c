/* metrics.c - a run's measurements into its record (see metrics.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child/metrics.h"
#include "common/record_build.h"
#include "common/quantile.h"
#include "common/stats.h"
#include "gcb/pool.h"

static double ns_s(uint64_t ns) { return (double)ns / 1e9; }

/* Nanoseconds the mutators spent in their op loops, summed. */
static uint64_t mut_ns_ops(const mutator_slot *ms, int n)
{
    uint64_t t = 0;
    for (int i = 0; i < n; i++)
        if (ms[i].end_ns > ms[i].start_ns)
            t += ms[i].end_ns - ms[i].start_ns;
    return t;
}

void metrics_fill(child *c, json_t *rec, mutator_slot *ms, int n, sampler *smp,
                  const gcb_heap_stats *hs, uint64_t origin, uint64_t wall_ns, int procs)
{
    recorder *r = &c->rec;
    uint64_t ops = 0, bytes = 0, objects = 0, mcpu = 0, timed = 0, timer_ticks = 0;
    json_t *mpus = json_array();
    histogram *h = calloc(1, sizeof *h);
    if (h)
        hist_init(h);
    for (int i = 0; i < n; i++) {
        ops += ms[i].ops;
        timed += ms[i].timed;
        timer_ticks += ms[i].timer_ticks;
        bytes += ms[i].bytes;
        objects += ms[i].objects;
        mcpu += ms[i].cpu_ns;
        json_array_append_new(mpus, json_integer(ms[i].pu));
        if (h && ms[i].hist)
            hist_merge(h, ms[i].hist);
    }
    double wall = ns_s(wall_ns);
    json_object_set_new(json_object_get(rec, "pinning"), "mutator_pus", mpus);
    json_t *gpus = json_array();
    if (c->gc_pus_set && strcmp(c->sp.s.pin, "none") != 0) {
        /* "0,1" or "0-3,6": expand ranges. */
        char *save = NULL, buf[sizeof c->gc_pus];
        snprintf(buf, sizeof buf, "%s", c->gc_pus);
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int a, b;
            if (sscanf(t, "%d-%d", &a, &b) == 2) {
                for (int k = a; k <= b; k++)
                    json_array_append_new(gpus, json_integer(k));
            } else if (sscanf(t, "%d", &a) == 1) {
                json_array_append_new(gpus, json_integer(a));
            }
        }
    }
    json_object_set_new(json_object_get(rec, "pinning"), "gc_pus", gpus);

    record_set(rec, "ops", json_integer((json_int_t)ops));
    record_set(rec, "wall_s", json_real(wall));
    record_set(rec, "ops_per_s", json_real(wall > 0 ? (double)ops / wall : 0));
    record_set(rec, "bytes_allocated", json_integer((json_int_t)bytes));
    record_set(rec, "objects_allocated", json_integer((json_int_t)objects));
    record_set(rec, "procs", json_integer(procs));

    /* CPU: assists and pauses run on mutator threads move from mutator to GC.
     * A pause counts as Go's /cpu/classes/gc/pause counts it: its wall time
     * times the procs (GOMAXPROCS), since no proc may run anything else;
     * the pausing thread's own CPU (inside the GC threads' CPU, or moved
     * from a mutator's) gives way to that figure.  A background sweeper's
     * CPU is not GC time (Go's /cpu/classes/gc has no sweeping: its
     * bgsweep and scavenger are outside it), so it is reported apart, as
     * cpu.sweep_s, in neither share. */
    uint64_t moved = r->mutator_assist_cpu_ns + r->mutator_pause_cpu_ns;
    uint64_t pause_wall_ns = 0;
    for (size_t i = 0; i < r->npauses; i++)
        pause_wall_ns += r->pauses[i].dur_ns;
    uint64_t pause_procs_ns = pause_wall_ns * (uint64_t)(procs > 0 ? procs : 1);
    int64_t gc_signed = (int64_t)r->gc_thread_cpu_ns - (int64_t)r->sweep_thread_cpu_ns +
                        (int64_t)r->mutator_assist_cpu_ns - (int64_t)r->pause_cpu_ns +
                        (int64_t)r->mutator_pause_cpu_ns;
    uint64_t gc_ns = (gc_signed > 0 ? (uint64_t)gc_signed : 0) + pause_procs_ns;
    uint64_t mut_ns = mcpu > moved ? mcpu - moved : 0;
    double gcf = (gc_ns + mut_ns) ? (double)gc_ns / (double)(gc_ns + mut_ns) : 0;
    record_set(rec, "cpu.mutator_s", json_real(ns_s(mut_ns)));
    record_set(rec, "cpu.gc_s", json_real(ns_s(gc_ns)));
    record_set(rec, "cpu.gc_fraction", json_real(gcf));
    record_set(rec, "cpu.mutator_threads_s", json_real(ns_s(mcpu)));
    record_set(rec, "cpu.gc_threads_s", json_real(ns_s(r->gc_thread_cpu_ns)));
    record_set(rec, "cpu.sweep_s", json_real(ns_s(r->sweep_thread_cpu_ns)));
    record_set(rec, "cpu.assist_s", json_real(ns_s(r->assist_cpu_ns)));
    record_set(rec, "cpu.pause_s", json_real(ns_s(pause_procs_ns)));
    record_set(rec, "cpu.pause_thread_s", json_real(ns_s(r->pause_cpu_ns)));

    /* GC cycles. */
    json_t *log = json_array();
    for (size_t i = 0; i < r->ncycles; i++) {
        recorder_cycle *cy = &r->cycles[i];
        json_t *c = json_pack("{s:I, s:f, s:I, s:I, s:I, s:f, s:f}",
            "cycle", (json_int_t)cy->number,
            "start_s", ((double)cy->start_ns - (double)origin) / 1e9,
            "trigger_bytes", (json_int_t)cy->trigger_bytes,
            "marked_bytes", (json_int_t)cy->marked_bytes,
            "goal_bytes", (json_int_t)cy->goal_bytes,
            "mark_s", ns_s(cy->mark_ns), "assist_s", ns_s(cy->assist_cpu_ns));
        /* the pacer's view, when the collector reports it (MARK_END) */
        if (cy->heap_end_bytes)
            json_object_set_new(c, "heap_end_bytes", json_integer((json_int_t)cy->heap_end_bytes));
        if (cy->scan_bytes) {
            json_object_set_new(c, "cons_mark", json_real(cy->cons_mark));
            json_object_set_new(c, "scan_bytes", json_integer((json_int_t)cy->scan_bytes));
        }
        json_array_append_new(log, c);
    }
    record_set(rec, "gc.cycles", json_integer((json_int_t)r->ncycles));
    record_set(rec, "gc.log", log);

    /* Pauses. */
    size_t np = r->npauses;
    double *d = calloc(np + 1, sizeof *d);
    pause_iv *iv = calloc(np + 1, sizeof *iv);
    json_t *plog = json_array();
    double total = 0;
    size_t niv = 0;
    for (size_t i = 0; i < np; i++) {
        double st = ((double)r->pauses[i].start_ns - (double)origin) / 1e9;
        double du = ns_s(r->pauses[i].dur_ns);
        d[i] = du;
        total += du;
        json_array_append_new(plog, json_pack("[f, f, s]", st, du, r->pauses[i].phase));
        /* MMU over [0, wall]: clip pauses to the measured region. */
        double a = st < 0 ? 0 : st, b = st + du > wall ? wall : st + du;
        if (b > a && iv)
            iv[niv++] = (pause_iv){.start = a, .dur = b - a};
    }
    record_set(rec, "pauses.count", json_integer((json_int_t)np));
    record_set(rec, "pauses.total_s", json_real(total));
    static const struct { const char *k; double q; } pq[] = {
        {"p50_s", 0.5}, {"p90_s", 0.9}, {"p99_s", 0.99}, {"p999_s", 0.999}, {"max_s", 1.0}};
    for (size_t i = 0; i < sizeof pq / sizeof pq[0]; i++) {
        char path[32];
        snprintf(path, sizeof path, "pauses.%s", pq[i].k);
        record_set(rec, path, json_real(np ? quantile_rank(d, np, pq[i].q) : 0));
    }
    record_set(rec, "pauses.log", plog);
    json_t *mmu = json_object_get(rec, "mmu");
    for (int i = 0; i < RECORD_MMU_WINDOWS; i++)
        json_object_set_new(mmu, record_mmu_keys[i],
                            json_real(wall > 0 ? stats_mmu(iv, niv, wall, record_mmu_widths[i]) : 1));
    free(d);
    free(iv);

    /* Latency. */
    if (h) {
        const opclock *ck = &c->clock; /* the histogram holds ticks */
        record_set(rec, "latency.p50_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.5)))));
        record_set(rec, "latency.p90_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.9)))));
        record_set(rec, "latency.p99_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.99)))));
        record_set(rec, "latency.p999_s", json_real(ns_s(opclock_ns(ck, hist_quantile(h, 0.999)))));
        record_set(rec, "latency.max_s", json_real(ns_s(opclock_ns(ck, h->count ? h->max : 0))));
        record_set(rec, "latency.clock", json_string(opclock_name(ck)));
        /* count: ops timed; sample_period: ops per timed op (opsample.h) */
        record_set(rec, "latency.count", json_integer((json_int_t)h->recorded));
        record_set(rec, "latency.sample_period",
                   json_real(h->recorded ? (double)ops / (double)h->recorded : 0));
        /* what a timed op cost the mutator, measured in the loop, and that
         * cost over every op: the harness's own share of the op time */
        double tcost = timed ? (double)opclock_ns(ck, timer_ticks) / (double)timed : 0;
        record_set(rec, "latency.timer_cost_s", json_real(tcost / 1e9));
        record_set(rec, "latency.timer_share",
                   json_real(mut_ns_ops(ms, n) > 0 ? (double)opclock_ns(ck, timer_ticks) /
                                                         (double)mut_ns_ops(ms, n)
                                                   : 0));
        free(h);
    }

    /* RSS. */
    json_t *samples = json_array();
    double sum = 0;
    for (size_t i = 0; i < smp->n; i++) {
        sampler_sample *x = &smp->v[i];
        sum += (double)x->rss;
        json_array_append_new(samples, json_pack("[f, I, I]",
            ((double)x->t_ns - (double)origin) / 1e9, (json_int_t)x->rss, (json_int_t)x->heap));
    }
    uint64_t peak = sampler_hwm();
    if (smp->max_rss > peak)
        peak = smp->max_rss;
    record_set(rec, "rss.peak_bytes", json_integer((json_int_t)peak));
    record_set(rec, "rss.mean_bytes", json_real(smp->n ? sum / (double)smp->n : 0));
    record_set(rec, "rss.samples", samples);
    record_set(rec, "sample_hz", json_real((double)1e9 / (double)(smp->interval_ns ? smp->interval_ns : 1)));

    /* Heap. */
    record_set(rec, "heap.peak_live_bytes", json_integer((json_int_t)hs->peak_live_bytes));
    record_set(rec, "heap.freed_explicit_bytes", json_integer((json_int_t)hs->freed_explicit_bytes));
    record_set(rec, "heap.reused_bytes", json_integer((json_int_t)hs->reused_bytes));
    record_set(rec, "heap.heap_bytes", json_integer((json_int_t)hs->heap_bytes));
    record_set(rec, "heap.mapped_bytes", json_integer((json_int_t)hs->mapped_bytes));
    /* the median of the samples inside the ops (Go's heap/unused; the go
     * peer's is the median of its own readings inside the ops and the one
     * at their end, the lower middle of an even count) */
    double *uv = calloc(smp->n + 1, sizeof *uv);
    size_t nu = 0, kept = 0;
    for (size_t i = 0; uv && i < smp->n; i++) {
        double t = ((double)smp->v[i].t_ns - (double)origin) / 1e9;
        kept += smp->v[i].unused != 0;
        if (t >= 0 && t <= wall)
            uv[nu++] = (double)smp->v[i].unused;
    }
    const char *why = NULL;
    double um = 0;
    if (uv == NULL)
        why = "out of memory for the median";
    else if (kept == 0)
        why = "the collector keeps no count of in-use heap bytes outside objects";
    else if (nu == 0)
        why = "no sample inside the ops";
    else {
        um = quantile_median(uv, nu);
        if (um != um) /* NaN: its own allocation failed */
            why = "out of memory for the median";
    }
    if (why)
        record_unavailable(rec, "heap.unused_median_bytes", why);
    else
        record_set(rec, "heap.unused_median_bytes", json_integer((json_int_t)um));
    free(uv);
    record_set(rec, "heap.cycles", json_integer((json_int_t)hs->cycles));
    record_set(rec, "heap.frees", json_integer((json_int_t)hs->frees));
    record_set(rec, "heap.frees_skipped", json_integer((json_int_t)hs->frees_skipped));
    /* Regions (region_do): zero on collectors without them. */
    record_set(rec, "region.entries", json_integer((json_int_t)hs->region_entries));
    record_set(rec, "region.bytes", json_integer((json_int_t)hs->region_bytes));
    record_set(rec, "region.objects", json_integer((json_int_t)hs->region_objects));
    record_set(rec, "region.faded_bytes", json_integer((json_int_t)hs->faded_bytes));
    record_set(rec, "region.faded_objects", json_integer((json_int_t)hs->faded_objects));
    record_set(rec, "region.fade_pointers", json_integer((json_int_t)hs->fade_pointers));
    record_set(rec, "region.reclaimed_bytes", json_integer((json_int_t)hs->region_reclaimed_bytes));
    record_set(rec, "region.barrier_slow", json_integer((json_int_t)hs->barrier_slow));
    record_set(rec, "region.fade_s", json_real((double)hs->fade_ns / 1e9));
    gcb_pool_stats ps;
    gcb_pool_stats_read(&ps);
    if (ps.pools > 0) {
        json_object_set_new(rec, "pool", json_object());
        record_set(rec, "pool.gets", json_integer((json_int_t)ps.gets));
        record_set(rec, "pool.hits", json_integer((json_int_t)ps.hits));
        record_set(rec, "pool.victim_hits", json_integer((json_int_t)ps.victims));
        record_set(rec, "pool.puts", json_integer((json_int_t)ps.puts));
        record_set(rec, "pool.drops", json_integer((json_int_t)ps.drops));
    }

    record_set(rec, "timeline", json_incref(r->timeline));
    record_set(rec, "timeline_truncated", json_boolean(r->timeline_dropped > 0));
    record_set(rec, "timeline_dropped", json_integer((json_int_t)r->timeline_dropped));
}
