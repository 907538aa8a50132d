-- paper/freetracked.lua: Go proposal #74299 (runtime.freegc) reproduced.
--
-- 1. strings.Builder with 36-byte pieces, writes in {1,2,3,5,8,10,100,1000}:
--    time per built string on freetracked vs marksweep, and the manual
--    bound (malloc, mimalloc).  The proposal's Go prototype measured
--    -7.9 % at 2 writes, -23 % at 8, -46 % at 100, -56 % at 1000.
-- 2. The cost of freetracked where no hint is given (binarytrees): the
--    proposal measured -1.5 % ... +2.2 %, geomean ~ 0.
-- Repetitions are interleaved (rep 1 of every configuration, then rep 2,
-- ...) so machine drift hits every configuration alike; medians shown.
-- When the `go` collector is available, the real Go runtime runs the
-- builder too, plain and built with GOEXPERIMENT=runtimefreegc (the
-- proposal's prototype), as two more lines.
-- Headline figure REPORT_DIR/freetracked.{png,svg}: ns per built string
-- against writes (log x), one line per collector, and the change of
-- freetracked over marksweep in percent beside the proposal's points.
-- SCALE (default 1) multiplies every op count (0.01: a functional check).
--
--   gcbench run scripts/paper/freetracked.lua [-- REPS [REPORT_DIR [SCALE]]]
local reps = tonumber(arg[1] or "5") or error("freetracked.lua: REPS must be a number")
local report_dir = arg[2] or "report/freetracked"
local scale = tonumber(arg[3] or "1") or error("freetracked.lua: SCALE must be a number")
local figure = dofile((arg[0]:match("^(.*)/") or ".") .. "/figure.lua")

local collectors = { "marksweep", "freetracked", "malloc", "mimalloc" }
-- name -> collector and options of each line beyond the plugins
local variants = {}
for _, c in ipairs(gcb.collectors()) do
  if c.name == "go" and c.available then
    for _, w in ipairs(c.workloads or {}) do
      if w == "builder" then
        variants["go"] = { collector = "go", options = {} }
        variants["go runtimefreegc"] = { collector = "go", options = { experiment = "runtimefreegc" } }
        collectors[#collectors + 1] = "go"
        collectors[#collectors + 1] = "go runtimefreegc"
      end
    end
  end
end
local writes = { 1, 2, 3, 5, 8, 10, 100, 1000 }
local proposal = { [2] = -7.9, [8] = -23, [100] = -46, [1000] = -56 }

local runs = {} -- runs[key] = list of records
local function add(key, r)
  runs[key] = runs[key] or {}
  for _, x in ipairs(r) do table.insert(runs[key], x) end
end

local failed = 0
for rep = 1, reps do
  for _, w in ipairs(writes) do
    local ops = math.max(math.ceil(10000 * scale), math.floor(15e6 * scale / (w + 4)))
    for _, c in ipairs(collectors) do
      local v = variants[c] or { collector = c, options = {} }
      local r = gcb.run{ collector = v.collector, options = v.options, workload = "builder",
                         params = { writes = w, piece = 36 }, ops = ops, pin = "core", timeout = 300 }
      for _, x in ipairs(r) do if x.status ~= "ok" then failed = failed + 1 end end
      add(c .. "/" .. w, r)
    end
  end
  for _, d in ipairs({ 16, 18 }) do
    for _, c in ipairs({ "marksweep", "freetracked" }) do
      local r = gcb.run{ collector = c, workload = "binarytrees", params = { depth = d },
                         ops = d == 16 and math.max(1, math.floor(4 * scale)) or 1, pin = "core", timeout = 300 }
      for _, x in ipairs(r) do if x.status ~= "ok" then failed = failed + 1 end end
      add(c .. "/bt" .. d, r)
    end
  end
end

local function ns_per_op(key) return gcb.median(runs[key], function(r) return r.wall_s / r.ops * 1e9 end) end

print(string.format("\n### builder, 36-byte pieces: ns per built string (median of %d)\n", reps))
print("| writes | marksweep | freetracked | change | proposal (Go) | malloc | mimalloc | freetracked cycles / marksweep cycles | reused MiB |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for _, w in ipairs(writes) do
  local ms, ft = ns_per_op("marksweep/" .. w), ns_per_op("freetracked/" .. w)
  print(string.format("| %d | %.0f | %.0f | %+.1f %% | %s | %.0f | %.0f | %d / %d | %.1f |", w, ms, ft,
    (ft / ms - 1) * 100, proposal[w] and string.format("%+.1f %%", proposal[w]) or "",
    ns_per_op("malloc/" .. w), ns_per_op("mimalloc/" .. w),
    gcb.median(runs["freetracked/" .. w], "gc.cycles"), gcb.median(runs["marksweep/" .. w], "gc.cycles"),
    gcb.median(runs["freetracked/" .. w], "heap.reused_bytes") / 1048576))
end

local lines, change, gochange, prop = {}, {}, {}, {}
for _, c in ipairs(collectors) do
  local pts = {}
  for _, w in ipairs(writes) do pts[#pts + 1] = { w, ns_per_op(c .. "/" .. w) } end
  lines[#lines + 1] = { title = c, points = pts }
end
for _, w in ipairs(writes) do
  change[#change + 1] = { w, (ns_per_op("freetracked/" .. w) / ns_per_op("marksweep/" .. w) - 1) * 100 }
  if variants["go"] then
    gochange[#gochange + 1] = { w, (ns_per_op("go runtimefreegc/" .. w) / ns_per_op("go/" .. w) - 1) * 100 }
  end
  if proposal[w] then prop[#prop + 1] = { w, proposal[w], string.format("%+.0f %%", proposal[w]) } end
end
local changes = {
  { title = "freetracked vs marksweep", colour = figure.colour("freetracked"), points = change },
  { title = "proposal (published)", style = "points", labels = true, colour = "#000000",
    points = prop },
}
if variants["go"] then
  table.insert(changes, 2, { title = "go freegc vs go", colour = figure.colour("go runtimefreegc"), points = gochange })
end
figure.write{ dir = report_dir, name = "freetracked", cols = 2,
  title = string.format("strings.Builder, 36-byte pieces: freegc (proposal #74299), median of %d", reps),
  panels = {
    { title = "time per built string", xlabel = "writes per string", ylabel = "ns per string",
      logx = true, logy = true, series = lines },
    { title = "change of time per string from freeing (negative: faster)", xlabel = "writes per string",
      ylabel = "change (%)", logx = true, zero = true, series = changes },
  } }

print(string.format("\n### binarytrees (no hints): wall seconds (median of %d)\n", reps))
print("| depth | marksweep | freetracked | change |")
print("|---:|---:|---:|---:|")
local logsum, n = 0, 0
for _, d in ipairs({ 16, 18 }) do
  local ms = gcb.median(runs["marksweep/bt" .. d], "wall_s")
  local ft = gcb.median(runs["freetracked/bt" .. d], "wall_s")
  logsum, n = logsum + math.log(ft / ms), n + 1
  print(string.format("| %d | %.3f | %.3f | %+.1f %% |", d, ms, ft, (ft / ms - 1) * 100))
end
print(string.format("\ngeomean change on binarytrees: %+.1f %%", (math.exp(logsum / n) - 1) * 100))
gcb.report{ out = report_dir }
if failed > 0 then error(string.format("freetracked.lua: %d runs were not ok", failed)) end
