-- paper/gcbench_go.lua: GCBench (binarytrees) on the model beside the real
-- Go runtime, the comparison the calibration issue (#12) started from:
-- depth 18 at GOGC 50, 100 and 200, depth 20 at GOGC 100, on marksweep,
-- `go` with the classic marker (experiment nogreenteagc, what marksweep
-- models) and `go` with Green Tea (Go 1.26's default).  Repetitions are
-- interleaved (rep 1 of every configuration, then rep 2, ...); medians of
-- GC cycles, peak live heap, RSS peak, GC CPU share, assist share of GC
-- CPU, pause p99 and max, wall time.  Headline figure
-- REPORT_DIR/gcbench_go.{png,svg}: GC cycles and RSS peak against GOGC at
-- depth 18, one line per collector.
--
--   gcbench run scripts/paper/gcbench_go.lua [-- REPS [REPORT_DIR [DEPTH_SHIFT]]]
--
-- REPS defaults to 3; DEPTH_SHIFT (default 0) is subtracted from every
-- depth (8: a functional check).  Without Go >= 1.26 only marksweep runs,
-- and the script says so.
local reps = tonumber(arg[1] or "3") or error("gcbench_go.lua: REPS must be a number, got " .. arg[1])
local report_dir = arg[2] or "report/gcbench_go"
local shift = tonumber(arg[3] or "0") or error("gcbench_go.lua: DEPTH_SHIFT must be a number, got " .. arg[3])
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")

local configs = {
  { depth = 18, gogc = 50 }, { depth = 18, gogc = 100 }, { depth = 18, gogc = 200 },
  { depth = 20, gogc = 100 },
}
local collectors = { { label = "marksweep", collector = "marksweep", options = {} } }
local go
for _, c in ipairs(gcb.collectors()) do if c.name == "go" then go = c end end
if go and go.available then
  table.insert(collectors, { label = "go nogreenteagc", collector = "go", options = { experiment = "nogreenteagc" } })
  table.insert(collectors, { label = "go", collector = "go", options = {} })
else
  print("gcbench_go.lua: the go collector is unavailable (" .. tostring(go and go.unavailable)
        .. "): marksweep only")
end

local runs, failed = {}, 0
local function key(cfg, c) return cfg.depth .. "/" .. cfg.gogc .. "/" .. c.label end
for rep = 1, reps do
  for _, cfg in ipairs(configs) do
    for _, c in ipairs(collectors) do
      local opts = { gogc = cfg.gogc }
      for k, v in pairs(c.options) do opts[k] = v end
      local d = math.max(4, cfg.depth - shift)
      local r = gcb.run{ collector = c.collector, options = opts, workload = "binarytrees",
                         params = { depth = d, long_lived_depth = d }, ops = 1, pin = "none",
                         timeout = 600 }[1]
      if r.status ~= "ok" then failed = failed + 1 end
      runs[key(cfg, c)] = runs[key(cfg, c)] or {}
      table.insert(runs[key(cfg, c)], r)
    end
  end
end

local median = gcb.median
print(string.format("| depth | GOGC | collector | GC cycles | peak live MiB | RSS peak MiB | GC CPU %% | assist %% of GC | pause p99 ms | pause max ms | wall s |"))
print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for _, cfg in ipairs(configs) do
  for _, c in ipairs(collectors) do
    local rs = runs[key(cfg, c)]
    print(string.format("| %d | %d | %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.3f | %.3f | %.3f |",
      math.max(4, cfg.depth - shift), cfg.gogc, c.label, median(rs, "gc.cycles"),
      median(rs, "heap.peak_live_bytes") / 1048576, median(rs, "rss.peak_bytes") / 1048576,
      100 * median(rs, "cpu.gc_fraction"),
      100 * median(rs, function(r) return r.cpu.gc_s > 0 and (r.cpu.assist_s or 0) / r.cpu.gc_s or 0 end),
      1e3 * median(rs, "pauses.p99_s"), 1e3 * median(rs, "pauses.max_s"), median(rs, "wall_s")))
  end
end

local panels = {}
for _, m in ipairs({ { "gc.cycles", "GC cycles", 1 }, { "rss.peak_bytes", "RSS peak (MiB)", 1 / 1048576 } }) do
  local series = {}
  for _, c in ipairs(collectors) do
    local pts = {}
    for _, cfg in ipairs(configs) do
      if cfg.depth == 18 then
        table.insert(pts, { cfg.gogc, median(runs[key(cfg, c)], m[1]) * m[3] })
      end
    end
    series[#series + 1] = { title = c.label, colour = figure.colour(c.label), points = pts }
  end
  panels[#panels + 1] = { title = string.format("binarytrees depth %d: %s", math.max(4, 18 - shift), m[2]),
                          xlabel = "GOGC", ylabel = m[2], logx = true, yzero = true, series = series }
end
figure.write{ dir = report_dir, name = "gcbench_go", cols = 2,
              title = string.format("GCBench: marksweep beside Go (median of %d)", reps), panels = panels }
gcb.report{ out = report_dir }
print(string.format("\nmedians of %d; records in %s", reps, gcb.out))
if failed > 0 then error(string.format("gcbench_go.lua: %d runs were not ok", failed)) end
