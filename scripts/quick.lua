-- quick.lua: the default experiment. Every collector on every workload at a
-- small size, one run each (or `-- N` runs), printed as a comparison table.
-- Finishes in well under a minute on 2 cores (plus, the first time, the
-- build of the Go twins for the `go` collector).
--
--   gcbench run scripts/quick.lua            one repetition
--   gcbench run scripts/quick.lua -- 3       three repetitions, medians shown

local reps = tonumber(arg[1] or "1") or error("quick.lua: argument must be a repetition count, got " .. arg[1])

-- Small configurations for the workloads this script knows; any other
-- workload runs with its default params for half a second.
local small = {
  builder     = { params = { writes = 100, piece = 36 }, ops = 20000 },
  binarytrees = { params = { depth = 14, long_lived_depth = 12 }, ops = 2 },
}

local function median(runs, get)
  local v = {}
  for _, r in ipairs(runs) do v[#v + 1] = get(r) end
  table.sort(v)
  if #v == 0 then return 0 end
  return v[(#v + 1) // 2]
end

local function mib(b) return string.format("%.1f", b / 1048576) end
local function ms(s) return string.format("%.3f", s * 1e3) end

local rows = {}
local collectors, workloads = gcb.collectors(), gcb.workloads()
-- The real Go runtime (`go`) runs the workloads that have a Go twin, when a
-- Go >= 1.26 toolchain is on PATH; otherwise it is skipped, said once.
local twin = {}
for _, c in ipairs(collectors) do
  if c.name == "go" then
    if c.available then
      for _, name in ipairs(c.workloads or {}) do twin[name] = true end
    else
      io.stderr:write("quick.lua: skipping collector go: ", tostring(c.unavailable), "\n")
    end
  end
end
for _, w in ipairs(workloads) do
  for _, c in ipairs(collectors) do
    if c.error then
      io.stderr:write("quick.lua: skipping collector ", c.name, ": ", c.error, "\n")
    elseif c.name == "go" and not twin[w.name] then
      -- unavailable (said above) or no twin of this workload yet
    else
      local cfg = small[w.name] or { params = {}, duration = 0.5 }
      local runs = gcb.run{
        collector = c.name, workload = w.name, params = cfg.params,
        ops = cfg.ops, duration = cfg.duration,
        ["repeat"] = reps, timeout = 60, pin = "none",
      }
      local failed = {}
      for _, r in ipairs(runs) do
        if r.status ~= "ok" then failed[#failed + 1] = r.status .. ": " .. (r.error or r.validation or "?") end
      end
      rows[#rows + 1] = {
        w.name, c.name,
        #failed == 0 and "ok" or failed[1],
        string.format("%.0f", median(runs, function(r) return r.ops_per_s end)),
        string.format("%d", median(runs, function(r) return r.gc.cycles end)),
        ms(median(runs, function(r) return r.pauses.p99_s end)),
        ms(median(runs, function(r) return r.pauses.max_s end)),
        ms(median(runs, function(r) return r.latency.p99_s end)),
        mib(median(runs, function(r) return r.rss.peak_bytes end)),
      }
    end
  end
end

local head = { "workload", "collector", "status", "ops/s", "GC cycles",
               "pause p99 ms", "pause max ms", "op p99 ms", "RSS peak MiB" }
local width = {}
for i, h in ipairs(head) do width[i] = #h end
for _, r in ipairs(rows) do
  for i, v in ipairs(r) do width[i] = math.max(width[i], #v) end
end
local function line(r)
  local out = {}
  for i, v in ipairs(r) do
    out[i] = (i <= 3) and v .. string.rep(" ", width[i] - #v) or string.rep(" ", width[i] - #v) .. v
  end
  print("| " .. table.concat(out, " | ") .. " |")
end
line(head)
local sep = {}
for i = 1, #head do sep[i] = string.rep("-", width[i]) end
line(sep)
for _, r in ipairs(rows) do line(r) end
print(string.format("\n%d configurations x %d repetition(s); records in %s", #rows, reps, gcb.out))
