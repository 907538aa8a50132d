-- paper/regions.lua: Go's memory regions design (#70257) as a working model.
-- rpc, jsontree and api, each request or document inside gcb_region_do
-- (region = true; on `arena` rpc uses its arena per request instead, and
-- jsontree/api run in the heap), on marksweep (region_do just calls the
-- function), regions, arena and freetracked, with escape = 0, 1, 10 and
-- 50 % of ops keeping part of their result in a long-lived cache.
-- Repetitions interleaved; medians of ops/s, GC cycles, RSS peak, pause p99
-- and, on regions, what the regions did per op: region objects, faded
-- objects and pointers, fade time.
--
-- The cost model beside the measurement: the design document's estimates,
-- fade = 40 ns per object + 3.37 ns per pointer, region allocation = 8 ns
-- per object + 0.15 ns per byte, barrier test <= 5.2 ns per pointer write
-- (1.1-4.5 % upper-bound overhead on real services).  The measured fade
-- cost is all fade time over the objects (and over the pointers) faded,
-- per workload (a per-object/per-pointer split is ill-conditioned: see
-- below).
--
-- Headline figure REPORT_DIR/regions.{png,svg}: ops/s against escape rate,
-- one panel per workload, one line per collector.
--
-- SCALE (default 1) multiplies the op counts (0.002: a functional check).
--
--   gcbench run scripts/paper/regions.lua [-- REPS [REPORT_DIR [SCALE]]]
local reps = tonumber(arg[1] or "3") or error("regions.lua: REPS must be a number")
local report_dir = arg[2] or "report/regions"
local scale = tonumber(arg[3] or "1") or error("regions.lua: SCALE must be a number")
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")

local collectors = { "marksweep", "regions", "arena", "freetracked" }
local escapes = { 0, 1, 10, 50 }
local workloads = {
  { name = "rpc", params = {}, ops = 20000 },
  { name = "jsontree", params = { size = "16KiB" }, ops = 3000 },
  { name = "api", params = { live = "1MiB" }, ops = 9000 },
}
-- The design document's cost model (ns).
local DESIGN = { fade_obj = 40, fade_ptr = 3.37, alloc_obj = 8, alloc_byte = 0.15, barrier = 5.2 }

local runs, failed = {}, 0
for rep = 1, reps do
  for _, w in ipairs(workloads) do
    for _, c in ipairs(collectors) do
      for _, e in ipairs(escapes) do
        local params = { region = c ~= "arena", escape = e }
        for k, v in pairs(w.params) do params[k] = v end
        local r = gcb.run{ collector = c, workload = w.name, params = params,
                           ops = math.max(1, math.floor(w.ops * scale)), pin = "core", timeout = 600 }
        for _, x in ipairs(r) do if x.status ~= "ok" then failed = failed + 1 end end
        local key = w.name .. "/" .. c .. "/" .. e
        runs[key] = runs[key] or {}
        for _, x in ipairs(r) do table.insert(runs[key], x) end
      end
    end
  end
end

local function per_op(field) return function(r) return r.ops > 0 and r.region[field] / r.ops or 0 end end

print("\n| workload | collector | escape % | ops/s | vs marksweep | GC cycles | RSS peak MiB | pause p99 ms |"
      .. " region objs/op | faded objs/op | faded ptrs/op | fade µs/op | reclaimed KiB/op |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for _, w in ipairs(workloads) do
  for _, c in ipairs(collectors) do
    for _, e in ipairs(escapes) do
      local rs = runs[w.name .. "/" .. c .. "/" .. e]
      local ops = gcb.median(rs, "ops_per_s")
      local base = gcb.median(runs[w.name .. "/marksweep/" .. e], "ops_per_s")
      print(string.format("| %s | %s | %g | %.0f | %+.1f %% | %d | %.1f | %.3f | %.1f | %.2f | %.2f | %.3f | %.1f |",
        w.name, c, e, ops, (ops / base - 1) * 100, gcb.median(rs, "gc.cycles"),
        gcb.median(rs, "rss.peak_bytes") / 1048576, gcb.median(rs, "pauses.p99_s") * 1e3,
        gcb.median(rs, per_op("objects")), gcb.median(rs, per_op("faded_objects")),
        gcb.median(rs, per_op("fade_pointers")), gcb.median(rs, per_op("fade_s")) * 1e6,
        gcb.median(rs, per_op("reclaimed_bytes")) / 1024))
    end
  end
end

-- Fade cost.  A fade walks objects and their pointers together, and the
-- runs' faded pointers per object barely vary (0.9-1.7 across the
-- workloads), so a least-squares split of fade time into a per-object and
-- a per-pointer part is ill-conditioned (it gave coefficients of opposite
-- signs in the thousands of ns).  Reported instead, per workload over its
-- regions runs that faded anything: all fade time divided by the objects
-- faded, and all of it divided by the pointers faded: each an upper bound
-- on its own part, set against the design's per-object cost plus its
-- per-pointer cost times the workload's pointers per object.
print("\n| workload | faded ptrs per object | design: ns per faded object incl. its pointers | measured: fade ns per faded object | measured: fade ns per faded pointer |")
print("|---|---:|---:|---:|---:|")
for _, w in ipairs(workloads) do
  local t, o, p = 0, 0, 0
  for _, e in ipairs(escapes) do
    for _, r in ipairs(runs[w.name .. "/regions/" .. e]) do
      if r.status == "ok" and r.region.faded_objects > 0 then
        t, o, p = t + r.region.fade_s * 1e9, o + r.region.faded_objects, p + r.region.fade_pointers
      end
    end
  end
  local ppo = o > 0 and p / o or 0 / 0
  print(string.format("| %s | %.2f | %.1f | %.1f | %.1f |", w.name, ppo, DESIGN.fade_obj + DESIGN.fade_ptr * ppo,
    o > 0 and t / o or 0 / 0, p > 0 and t / p or 0 / 0))
end
-- Region allocation and the barrier are not timed apart in a run: their
-- model cost per op is set against the measured change of time per op
-- from marksweep to regions at escape 0.
print("\n| workload | region objs/op | region KiB/op | design: region alloc µs/op | design: fade µs/op at 50 % |"
      .. " measured: time/op change regions vs marksweep, escape 0, µs | measured: fade µs/op at 50 % |")
print("|---|---:|---:|---:|---:|---:|---:|")
for _, w in ipairs(workloads) do
  local r0 = runs[w.name .. "/regions/0"]
  local r50 = runs[w.name .. "/regions/50"]
  local objs, bytes = gcb.median(r0, per_op("objects")), gcb.median(r0, per_op("bytes"))
  local fo, fp = gcb.median(r50, per_op("faded_objects")), gcb.median(r50, per_op("fade_pointers"))
  local dt = 1e6 / gcb.median(r0, "ops_per_s") - 1e6 / gcb.median(runs[w.name .. "/marksweep/0"], "ops_per_s")
  print(string.format("| %s | %.1f | %.2f | %.3f | %.3f | %+.3f | %.3f |", w.name, objs, bytes / 1024,
    (objs * DESIGN.alloc_obj + bytes * DESIGN.alloc_byte) / 1e3,
    (fo * DESIGN.fade_obj + fp * DESIGN.fade_ptr) / 1e3, dt, gcb.median(r50, per_op("fade_s")) * 1e6))
end

local panels = {}
for _, w in ipairs(workloads) do
  local series = {}
  for _, c in ipairs(collectors) do
    local pts = {}
    for _, e in ipairs(escapes) do
      pts[#pts + 1] = { e, gcb.median(runs[w.name .. "/" .. c .. "/" .. e], "ops_per_s") }
    end
    series[#series + 1] = { title = c, colour = figure.colour(c), style = "linespoints", points = pts }
  end
  panels[#panels + 1] = { title = w.name .. ": throughput vs escape rate", xlabel = "escape (% of ops)",
                          ylabel = "ops/s", yzero = true, series = series }
end
figure.write{ dir = report_dir, name = "regions", cols = #workloads,
              title = string.format("Go memory regions (#70257) vs arenas and freegc (median of %d)", reps),
              panels = panels }
gcb.report{ out = report_dir }
if failed > 0 then error(string.format("regions.lua: %d runs were not ok", failed)) end
