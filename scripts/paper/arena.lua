-- paper/arena.lua: Go's arenas on binarytrees: every temporary tree in an
-- arena of its own (arena = true) against the same trees in the GC heap,
-- on the arena plugin (default 8 MiB chunks, and 256 KiB chunks, closer
-- to the small trees) and marksweep (where arena = true falls back to the
-- heap).  Medians of wall time, GC cycles, pause p99/max and RSS peak;
-- repetitions interleaved.  Headline figure REPORT_DIR/arena.{png,svg}:
-- per depth, wall time and RSS peak of each collector with and without
-- arenas.
--
--   gcbench run scripts/paper/arena.lua [-- REPS [REPORT_DIR [DEPTH...]]]
local reps = tonumber(arg[1] or "3") or error("arena.lua: REPS must be a number")
local report_dir = arg[2] or "report/arena"
local depths = {}
for i = 3, #arg do depths[#depths + 1] = tonumber(arg[i]) or error("arena.lua: bad depth " .. arg[i]) end
if #depths == 0 then depths = { 16, 18 } end
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")

local configs = {
  { label = "marksweep", name = "marksweep", options = {} },
  { label = "arena 8MiB", name = "arena", options = {} },
  { label = "arena 256KiB", name = "arena", options = { chunk = "256KiB" } },
}

local runs, failed = {}, 0
for rep = 1, reps do
  for _, d in ipairs(depths) do
    for _, c in ipairs(configs) do
      for _, a in ipairs({ false, true }) do
        local r = gcb.run{ collector = c.name, options = c.options, workload = "binarytrees",
                           params = { depth = d, arena = a }, ops = 1, pin = "core", timeout = 600 }
        for _, x in ipairs(r) do if x.status ~= "ok" then failed = failed + 1 end end
        local key = d .. "/" .. c.label .. "/" .. tostring(a)
        runs[key] = runs[key] or {}
        for _, x in ipairs(r) do table.insert(runs[key], x) end
      end
    end
  end
end

print(string.format("\n| depth | collector | arena | wall s | GC cycles | pause p99 ms | pause max ms | RSS peak MiB | GC CPU %% |"))
print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
for _, d in ipairs(depths) do
  for _, c in ipairs(configs) do
    for _, a in ipairs({ false, true }) do
      local rs = runs[d .. "/" .. c.label .. "/" .. tostring(a)]
      print(string.format("| %d | %s | %s | %.3f | %.0f | %.3f | %.3f | %.1f | %.1f |", d, c.label,
        a and "yes" or "no", gcb.median(rs, "wall_s"), gcb.median(rs, "gc.cycles"),
        gcb.median(rs, "pauses.p99_s") * 1e3, gcb.median(rs, "pauses.max_s") * 1e3,
        gcb.median(rs, "rss.peak_bytes") / 1048576, gcb.median(rs, "cpu.gc_fraction") * 100))
    end
  end
end
local panels = {}
for _, metric in ipairs{ { "wall_s", "wall time (s)", 1 }, { "rss.peak_bytes", "RSS peak (MiB)", 1 / 1048576 } } do
  for _, d in ipairs(depths) do
    local cats, series = {}, {}
    for i, c in ipairs(configs) do cats[i] = c.label end
    for _, a in ipairs({ false, true }) do
      local pts = {}
      for i, c in ipairs(configs) do
        pts[i] = { i, gcb.median(runs[d .. "/" .. c.label .. "/" .. tostring(a)], metric[1]) * metric[3] }
      end
      series[#series + 1] = { title = a and "trees in arenas" or "trees in the GC heap", style = "bars",
                              colour = a and figure.colour("arena") or figure.colour("marksweep"), points = pts }
    end
    panels[#panels + 1] = { title = string.format("binarytrees depth %d: %s", d, metric[2]), ylabel = metric[2],
                            categories = cats, yzero = true, series = series }
  end
end
figure.write{ dir = report_dir, name = "arena", cols = #depths,
              title = string.format("Go arenas on binarytrees (median of %d)", reps), panels = panels }
gcb.report{ out = report_dir }
if failed > 0 then error(string.format("arena.lua: %d runs were not ok", failed)) end
