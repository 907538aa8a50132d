// gbench.cc - the C wrapper over Google Benchmark's public C++ API (gbench.h).
//
// A gbench_state * is the benchmark::State * of the running benchmark, cast
// through the opaque type; nothing else is kept between calls.  Definitions
// are copied at registration: the lambda captures the callback and its user
// pointer by value, and RegisterBenchmark copies the name.
#include <benchmark/benchmark.h>

#include <cerrno>
#include <string>

#include "gbench.h"

namespace {

benchmark::State *S(gbench_state *st) { return reinterpret_cast<benchmark::State *>(st); }
const benchmark::State *S(const gbench_state *st)
{
    return reinterpret_cast<const benchmark::State *>(st);
}

benchmark::TimeUnit unit_of(gbench_unit u)
{
    switch (u) {
    case GBENCH_US: return benchmark::kMicrosecond;
    case GBENCH_MS: return benchmark::kMillisecond;
    case GBENCH_S: return benchmark::kSecond;
    default: return benchmark::kNanosecond;
    }
}

} // namespace

extern "C" {

int gbench_register(const gbench_def *def)
{
    if (def == nullptr || def->name == nullptr || def->run == nullptr ||
        def->nargs > GBENCH_MAX_ARGS)
        return EINVAL;
    gbench_fn fn = def->run;
    void *user = def->user;
    benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
        def->name, [fn, user](benchmark::State &st) {
            fn(reinterpret_cast<gbench_state *>(&st), user);
        });
    if (def->nargs > 0)
        b->Args(std::vector<int64_t>(def->args, def->args + def->nargs));
    if (def->unit != GBENCH_DEFAULT)
        b->Unit(unit_of(def->unit));
    if (def->repetitions > 0)
        b->Repetitions(def->repetitions);
    if (def->min_time > 0)
        b->MinTime(def->min_time);
    if (def->manual_time)
        b->UseManualTime();
    return 0;
}

bool gbench_keep_running(gbench_state *st) { return S(st)->KeepRunning(); }

bool gbench_keep_running_batch(gbench_state *st, uint64_t n)
{
    return S(st)->KeepRunningBatch(static_cast<benchmark::IterationCount>(n));
}

uint64_t gbench_max_iterations(const gbench_state *st)
{
    return static_cast<uint64_t>(S(st)->max_iterations);
}

uint64_t gbench_iterations(const gbench_state *st)
{
    return static_cast<uint64_t>(S(st)->iterations());
}

int64_t gbench_arg(const gbench_state *st, size_t i) { return S(st)->range(i); }

void gbench_pause(gbench_state *st) { S(st)->PauseTiming(); }
void gbench_resume(gbench_state *st) { S(st)->ResumeTiming(); }
void gbench_set_iteration_time(gbench_state *st, double s) { S(st)->SetIterationTime(s); }

void gbench_set_items_processed(gbench_state *st, int64_t items)
{
    S(st)->SetItemsProcessed(items);
}

void gbench_set_bytes_processed(gbench_state *st, int64_t bytes)
{
    S(st)->SetBytesProcessed(bytes);
}

void gbench_counter(gbench_state *st, const char *name, double value, int flags)
{
    S(st)->counters[name] =
        benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags));
}

void gbench_set_label(gbench_state *st, const char *label) { S(st)->SetLabel(label); }
void gbench_skip_with_error(gbench_state *st, const char *msg) { S(st)->SkipWithError(msg); }

int gbench_init(int *argc, char **argv)
{
    benchmark::Initialize(argc, argv);
    if (benchmark::ReportUnrecognizedArguments(*argc, argv))
        return 2;
    return 0;
}

size_t gbench_run(void) { return benchmark::RunSpecifiedBenchmarks(); }
void gbench_shutdown(void) { benchmark::Shutdown(); }

int gbench_main(int argc, char **argv)
{
    int rc = gbench_init(&argc, argv);
    if (rc != 0)
        return rc;
    gbench_run();
    gbench_shutdown();
    return 0;
}

} // extern "C"
