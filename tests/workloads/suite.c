/* suite.c - the issue-5 workloads through the real nogc and malloc plugins.
 *
 * Each workload runs setup / thread_init / op x3 (or more) / thread_fini / teardown
 * at small params on one mutator, then with two mutator threads, and every
 * call must return 0.  Then with corrupt=true (a test-only param that
 * damages the workload's result before it is checked) an op must fail
 * with a message naming the workload and what was expected: the
 * validation can fail.  An optional argument runs only that workload. */
#include "host.h"

extern const gcb_workload workload_bytesbuffer;
extern const gcb_workload workload_mapgrow;
extern const gcb_workload workload_collect;
extern const gcb_workload workload_lrucache;
extern const gcb_workload workload_api;
extern const gcb_workload workload_rpc;
extern const gcb_workload workload_jsontree;

typedef struct wl_case {
    const gcb_workload *w;
    const char *const over[6]; /* small params, NULL-terminated */
    uint64_t ops;              /* per thread; 0: 3 */
} wl_case;

static const wl_case cases[] = {
    {&workload_bytesbuffer, {"writes=200", "chunk=300", "cycles=3", NULL}, 0},
    {&workload_mapgrow, {"n=3000", "keys=int", NULL}, 0},
    {&workload_mapgrow, {"n=3000", "keys=string", "delete=0.5", NULL}, 0},
    {&workload_collect, {"n=5000", "elem=int", NULL}, 0},
    {&workload_collect, {"n=5000", "elem=ptr", NULL}, 0},
    {&workload_lrucache, {"live=200000", "value=256", NULL}, 20000},
    {&workload_api, {"live=65536", "objects=300", NULL}, 50},
    {&workload_rpc, {"requests=4", "items=8", "depth=2", "payload=100", NULL}, 10},
    {&workload_jsontree, {"docs=2", "size=8192", "depth=6", NULL}, 4},
};

int main(int argc, char **argv)
{
    const char *plugins[] = {NOGC_SO, MALLOC_SO};
    const gcb_collector *gcs[2];
    for (int c = 0; c < 2; c++)
        gcs[c] = load(plugins[c]);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const wl_case *wc = &cases[k];
        if (argc > 1 && strcmp(argv[1], wc->w->name) != 0)
            continue;
        CHECK(wc->w->default_ops > 0, "%s: default_ops 0", wc->w->name);
        for (int c = 0; c < 2; c++) {
            if (gcs[c] == NULL)
                continue;
            char err[512] = "";
            for (int nt = 1; nt <= 2; nt++) {
                int rc = run(gcs[c], wc->w, wc->over, nt, wc->ops ? wc->ops : 3, err, sizeof err);
                CHECK(rc == 0, "%s/%s (%s...) x%d threads: rc %d: %s", gcs[c]->name, wc->w->name,
                      wc->over[0], nt, rc, err);
                /* Everything a workload allocates dies by thread_fini, and is
                 * declared dead to the manual-memory baseline. */
                if (rc == 0 && strcmp(gcs[c]->name, "malloc") == 0)
                    CHECK(last_heap_bytes == 0, "malloc/%s x%d: %llu bytes never declared dead",
                          wc->w->name, nt, last_heap_bytes);
                if (rc == 0)
                    printf("  %s/%s (%s %s) x%d: ok\n", gcs[c]->name, wc->w->name, wc->over[0],
                           wc->over[1] ? wc->over[1] : "", nt);
            }
            /* The same, with the result damaged before validation. */
            const char *bad[8];
            size_t n = 0;
            for (; wc->over[n] != NULL; n++)
                bad[n] = wc->over[n];
            bad[n++] = "corrupt=true";
            bad[n] = NULL;
            err[0] = '\0';
            int rc = run(gcs[c], wc->w, bad, 1, 3, err, sizeof err);
            CHECK(rc == -1, "%s/%s corrupted: returned %d, expected -1", gcs[c]->name, wc->w->name, rc);
            CHECK(strstr(err, wc->w->name) != NULL && strstr(err, "expected") != NULL,
                  "%s/%s corrupted: message '%s'", gcs[c]->name, wc->w->name, err);
            if (rc == -1)
                printf("  %s/%s corrupted: failed as it should: %s\n", gcs[c]->name, wc->w->name, err);
        }
    }
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
