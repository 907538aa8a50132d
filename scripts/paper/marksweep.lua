-- paper/marksweep.lua: marksweep (concurrent and stw) against nogc, malloc
-- and boehm on binarytrees (depth 18 and 20) and builder (36-byte pieces,
-- 10/100/1000 writes).  Prints one table of medians and writes a report.
-- Headline figure REPORT_DIR/marksweep.{png,svg}: per workload, wall time
-- (top row) and the longest pause (bottom row) of each collector.
-- SCALE (default 1) multiplies the op counts and, below 1, takes the
-- binarytrees depths down (0.01: a functional check).
--
--   gcbench run scripts/paper/marksweep.lua [-- REPS [REPORT_DIR [SCALE]]]
local reps = tonumber(arg[1] or "3")
local report_dir = arg[2] or "report/marksweep"
local scale = tonumber(arg[3] or "1") or error("marksweep.lua: SCALE must be a number")
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")

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
if scale < 1 then
  for _, w in ipairs(configs) do
    if w.params.depth then w.params.depth = w.params.depth - 8 end
    w.ops = math.max(1, math.floor(w.ops * scale))
  end
end
local wall, pmax = {}, {}   -- [config label][collector label] = median

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
    wall[w.label] = wall[w.label] or {}
    pmax[w.label] = pmax[w.label] or {}
    wall[w.label][c.label] = median(runs, "wall_s")
    pmax[w.label][c.label] = median(runs, "pauses.max_s") * 1e3
  end
end
local panels, cats = {}, {}
for i, c in ipairs(collectors) do cats[i] = c.label end
for _, row in ipairs{ { wall, "wall time (s)" }, { pmax, "longest pause (ms)" } } do
  for _, w in ipairs(configs) do
    local series = {}
    for i, c in ipairs(collectors) do
      series[i] = { title = c.label, style = "bars", colour = figure.colour(c.label == "marksweep/stw"
                    and "marksweep stw" or c.name), points = { { i, row[1][w.label][c.label] } } }
    end
    panels[#panels + 1] = { title = w.label .. ": " .. row[2], ylabel = row[2], categories = cats,
                            onebar = true, yzero = true, key = "off", series = series }
  end
end
figure.write{ dir = report_dir, name = "marksweep", cols = #configs, width = 360 * #configs,
              title = string.format("marksweep against nogc, malloc and boehm (median of %d)", reps),
              panels = panels }
gcb.report{ out = report_dir }
