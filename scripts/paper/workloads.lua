-- paper/workloads.lua: every workload on every collector at a small size,
-- a fixed op count per workload (the same work on every collector), one
-- Markdown table per workload of medians: ops/s, GC cycles, pause p99,
-- RSS peak.  Collectors that cannot load are skipped with a message.
--
--   gcbench run scripts/paper/workloads.lua [-- REPS [REPORT_DIR [WORKLOAD...]]]
--
-- REPS defaults to 3; REPORT_DIR (default report/workloads) receives
-- gcb.report's tables and plots; WORKLOAD names restrict the run.
-- Headline figure REPORT_DIR/workloads.{png,svg}: ops/s of every collector
-- relative to marksweep on every workload (log scale; above 1: faster),
-- the `go` collector on the workloads that have a Go twin.
local reps = tonumber(arg[1] or "3") or error("workloads.lua: REPS must be a number, got " .. arg[1])
local report_dir = arg[2] or "report/workloads"
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")
local tput = {}   -- [workload][collector] = median ops/s

-- Small configurations (paper/sizes.lua), each roughly 0.2-1 s on the
-- Go-like collectors.
local configs = dofile((arg[0]:match("^(.*)/") or ".") .. "/sizes.lua")

local only = {}
for i = 3, #arg do only[arg[i]] = true end
local known = {}
for _, w in ipairs(gcb.workloads()) do known[w.name] = true end
for name in pairs(only) do
  if not known[name] then error("workloads.lua: unknown workload '" .. name .. "'") end
end

local median = gcb.median -- over the ok runs; NaN when none

local collectors = {}
local twin = {} -- workloads the real Go runtime (`go`) can run: those with a Go twin
for _, c in ipairs(gcb.collectors()) do
  if c.error then
    io.stderr:write("workloads.lua: skipping collector ", c.name, ": ", c.error, "\n")
  elseif c.name == "go" and not c.available then
    io.stderr:write("workloads.lua: skipping collector go: ", tostring(c.unavailable), "\n")
  else
    if c.name == "go" then
      for _, w in ipairs(c.workloads or {}) do twin[w] = true end
    end
    collectors[#collectors + 1] = c.name
  end
end

local failures = 0
for _, cfg in ipairs(configs) do
  if next(only) == nil or only[cfg.workload] then
    local ps = {}
    for k, v in pairs(cfg.params) do ps[#ps + 1] = k .. "=" .. tostring(v) end
    table.sort(ps)
    print(string.format("\n### %s (%s; %d ops; median of %d)\n", cfg.workload,
      #ps > 0 and table.concat(ps, ", ") or "default params", cfg.ops, reps))
    print("| collector | ops/s | GC cycles | pause p99 ms | op p99 ms | RSS peak MiB | status |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for _, c in ipairs(collectors) do
      if c == "go" and not twin[cfg.workload] then goto next_collector end
      local runs = gcb.run{ collector = c, workload = cfg.workload, params = cfg.params,
                            ops = cfg.ops, ["repeat"] = reps, pin = "none", timeout = 120 }
      local bad, why = 0, nil
      for _, r in ipairs(runs) do
        if r.status ~= "ok" then
          bad = bad + 1
          why = why or (r.status .. ": " .. (r.error or r.validation or "?"))
        end
      end
      failures = failures + bad
      tput[cfg.workload] = tput[cfg.workload] or {}
      tput[cfg.workload][c] = median(runs, "ops_per_s")
      print(string.format("| %s | %.0f | %d | %.3f | %.3f | %.1f | %s |", c,
        median(runs, function(r) return r.ops_per_s end),
        median(runs, function(r) return r.gc.cycles end),
        median(runs, function(r) return r.pauses.p99_s end) * 1e3,
        median(runs, function(r) return r.latency.p99_s end) * 1e3,
        median(runs, function(r) return r.rss.peak_bytes end) / 1048576,
        bad == 0 and "ok" or string.format("%d of %d not ok (%s)", bad, #runs, why)))
      ::next_collector::
    end
  end
end
local cats, series = {}, {}
for _, cfg in ipairs(configs) do
  if tput[cfg.workload] then cats[#cats + 1] = cfg.workload end
end
for _, c in ipairs(collectors) do
  local pts = {}
  for i, w in ipairs(cats) do
    local base = tput[w].marksweep or 0 / 0
    pts[#pts + 1] = { i, (tput[w][c] or 0 / 0) / base }
  end
  series[#series + 1] = { title = c, style = "bars", points = pts }
end
figure.write{ dir = report_dir, name = "workloads", cols = 1, width = math.max(900, 24 * #cats * #collectors + 300),
  height = 520, title = string.format("Throughput relative to marksweep (median of %d; above 1: faster)", reps),
  panels = { { title = "", ylabel = "ops/s / marksweep's ops/s", categories = cats, logy = true, series = series } } }
gcb.report{ out = report_dir }
if failures > 0 then error(string.format("workloads.lua: %d runs were not ok", failures)) end
