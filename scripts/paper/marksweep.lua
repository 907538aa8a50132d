-- paper/marksweep.lua: marksweep (concurrent and stw) against nogc, malloc
-- and boehm on binarytrees (depth 18 and 20) and builder (36-byte pieces,
-- 10/100/1000 writes).  Prints one table of medians and writes a report.
--
--   gcbench run scripts/paper/marksweep.lua [-- REPS [REPORT_DIR]]
local reps = tonumber(arg[1] or "3")
local report_dir = arg[2] or "report/marksweep"

local collectors = {
  { label = "marksweep/concurrent", name = "marksweep", options = { mode = "concurrent" } },
  { label = "marksweep/stw", name = "marksweep", options = { mode = "stw" } },
  { label = "boehm", name = "boehm" },
  { label = "malloc", name = "malloc" },
  { label = "nogc", name = "nogc" },
}
local configs = {
  { label = "binarytrees d18", workload = "binarytrees", params = { depth = 18 }, ops = 2 },
  { label = "binarytrees d20", workload = "binarytrees", params = { depth = 20 }, ops = 1 },
  { label = "builder w10", workload = "builder", params = { writes = 10, piece = 36 }, ops = 1000000 },
  { label = "builder w100", workload = "builder", params = { writes = 100, piece = 36 }, ops = 200000 },
  { label = "builder w1000", workload = "builder", params = { writes = 1000, piece = 36 }, ops = 20000 },
}

local median = gcb.median -- over the ok runs; NaN when none

print(string.format("%-16s %-21s %9s %7s %9s %9s %9s %9s %9s %8s",
  "workload", "collector", "wall s", "cycles", "p50 ms", "p99 ms", "max ms", "op max ms", "RSS MiB", "GC CPU"))
for _, w in ipairs(configs) do
  for _, c in ipairs(collectors) do
    local runs = gcb.run{ collector = c.name, options = c.options or {}, workload = w.workload,
                          params = w.params, ops = w.ops, ["repeat"] = reps, pin = "none", timeout = 300 }
    local bad = 0
    for _, r in ipairs(runs) do if r.status ~= "ok" then bad = bad + 1 end end
    print(string.format("%-16s %-21s %9.3f %7d %9.3f %9.3f %9.3f %9.3f %9.1f %7.1f%%%s",
      w.label, c.label,
      median(runs, function(r) return r.wall_s end),
      median(runs, function(r) return r.gc.cycles end),
      median(runs, function(r) return r.pauses.p50_s end) * 1e3,
      median(runs, function(r) return r.pauses.p99_s end) * 1e3,
      median(runs, function(r) return r.pauses.max_s end) * 1e3,
      median(runs, function(r) return r.latency.max_s end) * 1e3,
      median(runs, function(r) return r.rss.peak_bytes end) / 1048576,
      median(runs, function(r) return r.cpu.gc_fraction end) * 100,
      bad > 0 and string.format("  (%d of %d runs not ok)", bad, #runs) or ""))
  end
end
gcb.report{ out = report_dir }
