-- paper/ballast.lua: Twitch's question on the `api` workload (small live
-- heap, many short-lived objects per request): a memory ballast against
-- plain GOGC, a higher GOGC and GOMEMLIMIT (Go 1.19's replacement for the
-- ballast).  One table of medians: GC cycles, GC CPU, RSS peak, pause and
-- per-request latency percentiles; then a report.
--
--   gcbench run scripts/paper/ballast.lua [-- REPS [REPORT_DIR [OPS]]]
local reps = tonumber(arg[1] or "3") or error("ballast.lua: REPS must be a number")
local report_dir = arg[2] or "report/ballast"
local ops = tonumber(arg[3] or "30000") or error("ballast.lua: OPS must be a number")

local configs = {
  { label = "marksweep GOGC=100", name = "marksweep", options = {} },
  { label = "marksweep GOGC=400", name = "marksweep", options = { gogc = 400 } },
  { label = "marksweep GOGC=off limit=128MiB", name = "marksweep", options = { gogc = "off", memlimit = "128MiB" } },
  { label = "marksweep GOGC=100 limit=128MiB", name = "marksweep", options = { memlimit = "128MiB" } },
  { label = "ballast 64MiB", name = "ballast", options = { ballast = "64MiB" } },
  { label = "ballast 256MiB", name = "ballast", options = { ballast = "256MiB" } },
  { label = "ballast 1GiB", name = "ballast", options = { ballast = "1GiB" } },
}

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
end
gcb.report{ out = report_dir }
if failed > 0 then error(string.format("ballast.lua: %d runs were not ok", failed)) end
