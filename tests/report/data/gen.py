#!/usr/bin/env python3
"""Writes the committed record files of tests/report (run once by hand; the
outputs are committed, so the tests never depend on Python).

Every record carries every field of RESULTS.md.  Values are chosen so the
expected answers can be worked out by hand (see tests/report/test_report.c).

Groups (5 repetitions each):
  A = marksweep{gogc=100}/builder{piece=36,writes=100}/t1
  B = marksweep{gogc=200}/builder{piece=36,writes=100}/t1
  C = malloc/builder{piece=36,writes=100}/t1     (no pauses, no GC)
"""
import json, copy

def record(rid, coll, opts, tput, cycles, pauses, rss_peak, bytes_alloc=3600000,
           timeline=True):
    ops = 100000
    wall = ops / tput
    durs = sorted(d for _, d, _ in pauses)
    def q(p):
        if not durs: return 0.0
        import math
        k = max(1, math.ceil(p * len(durs)))
        return durs[k - 1]
    gclog = [{"start_s": round(wall * (i + 0.5) / max(cycles, 1), 6),
              "trigger_bytes": 4000000, "marked_bytes": 1000000,
              "goal_bytes": 4194304, "mark_s": 0.002, "assist_s": 0.0005}
             for i in range(cycles)]
    samples = [[round(wall * i / 10, 6), rss_peak // 2 + i * (rss_peak // 20),
                rss_peak // 3] for i in range(11)]
    r = {
        "schema": "gcbench.run/1", "id": rid, "time": "2026-11-23T00:00:00Z",
        "commit": "abc1234", "host": "testhost / Test CPU",
        "collector": {"name": coll, "options": opts},
        "workload": {"name": "builder", "params": {"writes": 100, "piece": 36}},
        "threads": 1,
        "pinning": {"policy": "none", "mutator_pus": [], "gc_pus": []},
        "status": "ok", "ops": ops, "wall_s": wall, "ops_per_s": tput,
        "bytes_allocated": bytes_alloc, "objects_allocated": 200000,
        "cpu": {"mutator_s": wall * 0.8, "gc_s": wall * 0.2 if cycles else 0.0,
                "gc_fraction": 0.2 if cycles else 0.0},
        "gc": {"cycles": cycles, "log": gclog},
        "pauses": {"count": len(pauses), "total_s": sum(durs), "p50_s": q(0.5),
                   "p90_s": q(0.9), "p99_s": q(0.99), "p999_s": q(0.999),
                   "max_s": durs[-1] if durs else 0.0,
                   "log": [list(p) for p in pauses]},
        "latency": {"p50_s": 1e-6, "p99_s": 5e-6, "p999_s": 2e-5, "max_s": 1e-4},
        "mmu": {"0.001": 0.5, "0.01": 0.9 if cycles else 1.0, "0.1": 0.98, "1": 0.99},
        "rss": {"peak_bytes": rss_peak, "mean_bytes": rss_peak * 3 // 4,
                "samples": samples},
        "heap": {"peak_live_bytes": 1000000, "freed_explicit_bytes": 0,
                 "reused_bytes": 0},
        "validation": "passed",
    }
    if timeline and cycles:
        # [start_s, duration_s, name, thread_index]: per cycle one mark phase
        # on thread 1 and one assist on thread 0, plus the pauses on thread 0
        tl = []
        for g in gclog:
            tl.append([g["start_s"], 0.002, "mark", 1])
            tl.append([g["start_s"] + 0.0005, 0.0005, "assist", 0])
        r["timeline"] = tl
    return r

def pauses_for(cycles, wall):
    out = []
    for i in range(cycles):
        t = wall * (i + 0.5) / cycles
        out.append([round(t, 6), 0.0001, "sweep_term"])
        out.append([round(t + 0.003, 6), 0.0002 + 0.00001 * i, "mark_term"])
    return out

def group(coll, opts, tputs, cycles, rss, prefix, **kw):
    rs = []
    for i, t in enumerate(tputs):
        wall = 100000 / t
        p = pauses_for(cycles, wall) if cycles else []
        rs.append(record(f"{prefix}-{i}", coll, opts, t, cycles, p, rss + i * 4096, **kw))
    return rs

def write(name, recs, extra_lines=()):
    with open(name, "w") as f:
        for i, r in enumerate(recs):
            f.write(json.dumps(r, sort_keys=True) + "\n")
            if i == 1: f.write("\n")   # a blank line must be skipped
        for l in extra_lines: f.write(l)

A_base = [1000000, 1010000, 1020000, 1030000, 1040000]
B_base = [100000, 102000, 104000, 106000, 108000]
C_base = [2000000, 2000000, 2000000, 2000000, 2000000]
base = (group("marksweep", {"gogc": 100}, A_base, 4, 8 << 20, "a")
        + group("marksweep", {"gogc": 200}, B_base, 2, 12 << 20, "b")
        + group("malloc", {}, C_base, 0, 6 << 20, "c"))
write("base.jsonl", base)
write("same.jsonl", copy.deepcopy(base))

# worse: A's throughput ~11 % lower, every run below every base run
# (U = 25, exact p = 2/252); B interleaved with base (U = 10, p = 174/252).
A_worse = [900000, 905000, 910000, 915000, 920000]
B_new = [101000, 103000, 105000, 107000, 109000]
worse = (group("marksweep", {"gogc": 100}, A_worse, 4, 8 << 20, "a")
         + group("marksweep", {"gogc": 200}, B_new, 2, 12 << 20, "b")
         + group("malloc", {}, C_base, 0, 6 << 20, "c"))
write("worse.jsonl", worse)

# bytes: identical timings, A allocates one more piece per run
bytes_ = (group("marksweep", {"gogc": 100}, A_base, 4, 8 << 20, "a", bytes_alloc=3600036)
          + group("marksweep", {"gogc": 200}, B_base, 2, 12 << 20, "b")
          + group("malloc", {}, C_base, 0, 6 << 20, "c"))
write("bytes.jsonl", bytes_)

# malformed: line 3 (after the blank line 2... see write()) is broken in
# the middle (a cut-short record would be skipped with a warning: partial)
with open("malformed.jsonl", "w") as f:
    f.write(json.dumps(base[0], sort_keys=True) + "\n\n")
    f.write(json.dumps(base[1], sort_keys=True)[:40] + " garbage}\n")

# partial: line 2 is a record cut short by a killed writer, then a later
# writer's record; line 4 a cut-short record with no newline at all
with open("partial.jsonl", "w") as f:
    f.write(json.dumps(base[0], sort_keys=True) + "\n")
    f.write(json.dumps(base[1], sort_keys=True)[:40] + "\n")
    f.write(json.dumps(base[2], sort_keys=True) + "\n")
    f.write(json.dumps(base[3], sort_keys=True)[:77])

# other: a group no other file has
write("other.jsonl", group("nogc", {}, C_base, 0, 6 << 20, "o"))

# duration-bound runs (ops differ run to run): bytes_allocated follows ops,
# so it is not an exact metric; base and new differ in it but compare with
# --timing-advisory must still pass.
def durgroup(tputs, prefix):
    rs = []
    for i, t in enumerate(tputs):
        r = record(f"{prefix}-{i}", "marksweep", {"gogc": 100}, t, 4,
                   pauses_for(4, 0.5), 8 << 20)
        r["ops"] = int(t * 0.5)
        r["wall_s"] = 0.5
        r["bytes_allocated"] = r["ops"] * 36
        r["objects_allocated"] = r["ops"] * 2
        rs.append(r)
    return rs
write("duration-base.jsonl", durgroup(A_base, "d"))
write("duration-new.jsonl", durgroup([1001000, 1011000, 1021000, 1031000, 1041000], "e"))
