-- paper/pool.lua: "sync.Pool vs freegc vs plain GC" as one experiment.
-- builder (36-byte pieces, 10 and 100 writes), bytesbuffer and api, each
-- with pool = false/true, on marksweep (plain GC), freetracked (freegc)
-- and malloc (the manual bound).  Repetitions interleaved; medians of
-- ops/s, GC cycles, GC CPU, RSS peak, op p99, and the pool's hit rate.
-- Headline figure REPORT_DIR/pool.{png,svg}: ops/s per workload, one pair
-- of bars (without / with the pool) per collector.
--
-- SCALE (default 1) multiplies the op counts (0.01: a functional check).
--
--   gcbench run scripts/paper/pool.lua [-- REPS [REPORT_DIR [SCALE]]]
local reps = tonumber(arg[1] or "3") or error("pool.lua: REPS must be a number")
local report_dir = arg[2] or "report/pool"
local scale = tonumber(arg[3] or "1") or error("pool.lua: SCALE must be a number")
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")

local collectors = { "marksweep", "freetracked", "malloc" }
local configs = {
  { label = "builder w10", workload = "builder", params = { writes = 10 }, ops = 1000000 },
  { label = "builder w100", workload = "builder", params = { writes = 100 }, ops = 150000 },
  { label = "bytesbuffer", workload = "bytesbuffer", params = {}, ops = 15000 },
  { label = "api", workload = "api", params = {}, ops = 6000 },
}

local runs, failed = {}, 0
for rep = 1, reps do
  for _, cfg in ipairs(configs) do
    for _, c in ipairs(collectors) do
      for _, pool in ipairs({ false, true }) do
        local params = { pool = pool }
        for k, v in pairs(cfg.params) do params[k] = v end
        local r = gcb.run{ collector = c, workload = cfg.workload, params = params,
                           ops = math.max(1, math.floor(cfg.ops * scale)),
                           pin = "core", timeout = 300 }
        for _, x in ipairs(r) do if x.status ~= "ok" then failed = failed + 1 end end
        local key = cfg.label .. "/" .. c .. "/" .. tostring(pool)
        runs[key] = runs[key] or {}
        for _, x in ipairs(r) do table.insert(runs[key], x) end
      end
    end
  end
end

print(string.format("\n| workload | collector | pool | ops/s | vs no pool | GC cycles | GC CPU %% | RSS peak MiB | op p99 ms | pool hits %% |"))
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
for _, cfg in ipairs(configs) do
  for _, c in ipairs(collectors) do
    local base = gcb.median(runs[cfg.label .. "/" .. c .. "/false"], "ops_per_s")
    for _, pool in ipairs({ false, true }) do
      local rs = runs[cfg.label .. "/" .. c .. "/" .. tostring(pool)]
      local ops = gcb.median(rs, "ops_per_s")
      local hits = pool and gcb.median(rs, function(r) return r.pool.hits / r.pool.gets * 100 end) or nil
      print(string.format("| %s | %s | %s | %.0f | %+.1f %% | %d | %.1f | %.1f | %.4f | %s |", cfg.label, c,
        pool and "yes" or "no", ops, (ops / base - 1) * 100, gcb.median(rs, "gc.cycles"),
        gcb.median(rs, "cpu.gc_fraction") * 100, gcb.median(rs, "rss.peak_bytes") / 1048576,
        gcb.median(rs, "latency.p99_s") * 1e3, hits and string.format("%.1f", hits) or ""))
    end
  end
end
local panels = {}
for _, cfg in ipairs(configs) do
  local series = {}
  for _, pool in ipairs({ false, true }) do
    local pts = {}
    for i, c in ipairs(collectors) do
      pts[i] = { i, gcb.median(runs[cfg.label .. "/" .. c .. "/" .. tostring(pool)], "ops_per_s") }
    end
    series[#series + 1] = { title = pool and "with sync.Pool" or "without pool", style = "bars",
                            colour = pool and "#59a14f" or "#bab0ac", points = pts }
  end
  panels[#panels + 1] = { title = cfg.label, ylabel = "ops/s", categories = collectors, yzero = true,
                          series = series }
end
figure.write{ dir = report_dir, name = "pool", cols = 2,
              title = string.format("sync.Pool vs freegc vs plain GC: throughput (median of %d)", reps),
              panels = panels }
gcb.report{ out = report_dir }
if failed > 0 then error(string.format("pool.lua: %d runs were not ok", failed)) end
