-- paper/ballast.lua: Twitch's question on the `api` workload (small live
-- heap, many short-lived objects per request): a memory ballast against
-- plain GOGC, a higher GOGC and GOMEMLIMIT (Go 1.19's replacement for the
-- ballast).  One table of medians: GC cycles, GC CPU, RSS peak, pause and
-- per-request latency percentiles; then a report.  When the `go` collector
-- is available the real Go runtime runs the same configurations (GOGC,
-- GOMEMLIMIT, a make([]byte) ballast).  Headline figure
-- REPORT_DIR/ballast.{png,svg}: time against space, one point per
-- configuration (GC cycles, and op p99, against RSS peak), one colour per
-- collector.
--
--   gcbench run scripts/paper/ballast.lua [-- REPS [REPORT_DIR [OPS]]]
local reps = tonumber(arg[1] or "3") or error("ballast.lua: REPS must be a number")
local report_dir = arg[2] or "report/ballast"
local ops = tonumber(arg[3] or "30000") or error("ballast.lua: OPS must be a number")
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")

local configs = {
  { label = "marksweep GOGC=100", name = "marksweep", options = {} },
  { label = "marksweep GOGC=400", name = "marksweep", options = { gogc = 400 } },
  { label = "marksweep GOGC=off limit=128MiB", name = "marksweep", options = { gogc = "off", memlimit = "128MiB" } },
  { label = "marksweep GOGC=100 limit=128MiB", name = "marksweep", options = { memlimit = "128MiB" } },
  { label = "ballast 64MiB", name = "ballast", options = { ballast = "64MiB" } },
  { label = "ballast 256MiB", name = "ballast", options = { ballast = "256MiB" } },
  { label = "ballast 1GiB", name = "ballast", options = { ballast = "1GiB" } },
}
for _, c in ipairs(gcb.collectors()) do
  if c.name == "go" and c.available then
    for _, g in ipairs{
      { label = "go GOGC=100", short = "GOGC=100", options = {} },
      { label = "go GOGC=400", short = "GOGC=400", options = { gogc = 400 } },
      { label = "go GOGC=off limit=128MiB", short = "off+128MiB", options = { gogc = "off", memlimit = "128MiB" } },
      { label = "go GOGC=100 limit=128MiB", short = "limit 128MiB", options = { memlimit = "128MiB" } },
      { label = "go ballast 64MiB", short = "ballast 64MiB", options = { ballast = "64MiB" } },
      { label = "go ballast 256MiB", short = "ballast 256MiB", options = { ballast = "256MiB" } },
      { label = "go ballast 1GiB", short = "ballast 1GiB", options = { ballast = "1GiB" } },
    } do
      configs[#configs + 1] = { label = g.label, short = g.short, name = "go", options = g.options }
    end
  end
end
local short = {  -- point labels of the figure
  ["marksweep GOGC=100"] = "GOGC=100", ["marksweep GOGC=400"] = "GOGC=400",
  ["marksweep GOGC=off limit=128MiB"] = "off+128MiB", ["marksweep GOGC=100 limit=128MiB"] = "limit 128MiB",
  ["ballast 64MiB"] = "64MiB", ["ballast 256MiB"] = "256MiB", ["ballast 1GiB"] = "1GiB",
}
local points = {}   -- collector name -> { cycles = {...}, p99 = {...} }

print(string.format("api, %d requests, median of %d\n", ops, reps))
print("| configuration | ops/s | GC cycles | GC CPU % | RSS peak MiB | pause p99 ms | pause max ms | op p50 ms | op p99 ms | op p99.9 ms | op max ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
local failed = 0
for _, c in ipairs(configs) do
  local runs = gcb.run{ collector = c.name, options = c.options, workload = "api",
                        ops = ops, ["repeat"] = reps, pin = "none", timeout = 300 }
  for _, r in ipairs(runs) do if r.status ~= "ok" then failed = failed + 1 end end
  local m = function(f) return gcb.median(runs, f) end
  print(string.format("| %s | %.0f | %d | %.1f | %.1f | %.3f | %.3f | %.4f | %.4f | %.4f | %.3f |", c.label,
    m("ops_per_s"), m("gc.cycles"), m("cpu.gc_fraction") * 100, m("rss.peak_bytes") / 1048576,
    m("pauses.p99_s") * 1e3, m("pauses.max_s") * 1e3, m("latency.p50_s") * 1e3,
    m("latency.p99_s") * 1e3, m("latency.p999_s") * 1e3, m("latency.max_s") * 1e3))
  local pt = points[c.name] or { cycles = {}, p99 = {} }
  points[c.name] = pt
  local lbl = c.short or short[c.label] or c.label
  table.insert(pt.cycles, { m("rss.peak_bytes") / 1048576, m("gc.cycles"), lbl })
  table.insert(pt.p99, { m("rss.peak_bytes") / 1048576, m("latency.p99_s") * 1e3, lbl })
end
local cyc, lat = {}, {}
for _, name in ipairs{ "marksweep", "ballast", "go" } do
  if points[name] then
    cyc[#cyc + 1] = { title = name, style = "points", labels = true, pt = 7, points = points[name].cycles }
    lat[#lat + 1] = { title = name, style = "points", labels = true, pt = 7, points = points[name].p99 }
  end
end
figure.write{ dir = report_dir, name = "ballast", cols = 2,
  title = string.format("api: ballast vs GOGC vs GOMEMLIMIT, time against space (%d requests, median of %d)", ops, reps),
  panels = {
    { title = "GC cycles against RSS peak", xlabel = "RSS peak (MiB)", ylabel = "GC cycles", logx = true,
      yzero = true, series = cyc },
    { title = "request latency p99 against RSS peak", xlabel = "RSS peak (MiB)", ylabel = "op p99 (ms)",
      logx = true, series = lat },
  } }
gcb.report{ out = report_dir }
if failed > 0 then error(string.format("ballast.lua: %d runs were not ok", failed)) end
