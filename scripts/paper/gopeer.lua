-- paper/gopeer.lua: the real Go runtime beside its model (the side-by-side
-- table; scripts/calibrate.lua turns it into model/Go ratios with tolerances).  For every
-- workload with a Go twin, at the small sizes of paper/sizes.lua and a
-- fixed op count (the same work everywhere), one row per configuration:
-- `go` (default), `go` with the classic marker (experiment nogreenteagc)
-- and `marksweep`, medians of REPS runs of ops/s, GC cycles, peak live
-- heap, RSS peak, GC CPU share, assist share of GC CPU, pause p99/max and
-- bytes allocated per op.  The starting table of the calibration work.
--
--   gcbench run scripts/paper/gopeer.lua [-- REPS [WORKLOAD...]]
--
-- Without Go >= 1.26 on PATH it says so and stops (exit 2).
local reps = tonumber(arg[1] or "3") or error("gopeer.lua: REPS must be a number, got " .. arg[1])
local only = {}
for i = 2, #arg do only[arg[i]] = true end

local configs = dofile((arg[0]:match("^(.*)/") or ".") .. "/sizes.lua") -- paper/sizes.lua
local peers = {
  { label = "go",              collector = "go",        options = {} },
  { label = "go nogreenteagc", collector = "go",        options = { experiment = "nogreenteagc" } },
  { label = "marksweep",       collector = "marksweep", options = {} },
}

local go
for _, c in ipairs(gcb.collectors()) do if c.name == "go" then go = c end end
if not (go and go.available) then
  error("gopeer.lua: the go collector is unavailable: " .. tostring(go and go.unavailable))
end
local twin = {}
for _, w in ipairs(go.workloads or {}) do twin[w] = true end

local median = gcb.median
local function mib(b) return b / 1048576 end
local failures = 0
print("| workload | config | ops/s | GC cycles | peak live MiB | RSS peak MiB | GC CPU % | assist % of GC | pause p99 ms | pause max ms | B/op |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for _, cfg in ipairs(configs) do
  if twin[cfg.workload] and (next(only) == nil or only[cfg.workload]) then
    for _, p in ipairs(peers) do
      local runs = gcb.run{ collector = p.collector, options = p.options, workload = cfg.workload,
                            params = cfg.params, ops = cfg.ops, ["repeat"] = reps,
                            pin = "none", timeout = 300 }
      local bad = 0
      for _, r in ipairs(runs) do if r.status ~= "ok" then bad = bad + 1 end end
      failures = failures + bad
      print(string.format("| %s | %s | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %.3f | %.3f | %.0f |%s",
        cfg.workload, p.label,
        median(runs, "ops_per_s"), median(runs, "gc.cycles"),
        mib(median(runs, "heap.peak_live_bytes")), mib(median(runs, "rss.peak_bytes")),
        100 * median(runs, "cpu.gc_fraction"),
        100 * median(runs, function(r) return r.cpu.gc_s > 0 and (r.cpu.assist_s or 0) / r.cpu.gc_s or 0 end),
        1e3 * median(runs, "pauses.p99_s"), 1e3 * median(runs, "pauses.max_s"),
        median(runs, function(r) return r.ops > 0 and r.bytes_allocated / r.ops or 0 end),
        bad > 0 and string.format(" %d of %d runs not ok", bad, #runs) or ""))
    end
  end
end
print(string.format("\nmedians of %d; records in %s", reps, gcb.out))
if failures > 0 then error(string.format("gopeer.lua: %d runs were not ok", failures)) end
