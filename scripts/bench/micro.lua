-- micro.lua: the table of issue 16 from one gcbench-micro run: for 16, 64
-- and 256 bytes, the bare allocators (bare/<allocator>), the manual
-- baselines through their plugins (alloc+free/<allocator>) with the
-- plugin's cost as a ratio to the bare pair, and every collector's inline
-- allocation path (alloc-inline/<collector>).
--
--   gcbench run scripts/bench/micro.lua [-- REPS [MICRO [MIN_TIME [CASES [PROCS]]]]]
--
-- REPS (default 20) repetitions, run by Google Benchmark with random
-- interleaving: every repetition round runs each case once, in a fresh
-- random order, so the machine's drift (a case's time wanders by 10-30 %
-- over minutes on this project's VMs) hits every case of a round alike.
-- MICRO is the gcbench-micro binary (default build/release/gcbench-micro);
-- MIN_TIME the seconds each repetition runs (default 0.1).  CASES picks
-- the cases: `all` (default), `manual` (bare and alloc+free only: the
-- ratio goal with fewer cases, so more rounds fit) or `inline`
-- (alloc-inline only).  PROCS (default 4) is the number of gcbench-micro
-- processes the rounds are split over, run one after another, each with
-- ceil(REPS / PROCS) rounds (at least 2).
--
-- Why several processes: a case's time depends on state fixed for a
-- process's life (where its heap and stacks landed, hence cache-set and
-- 4K aliasing; the core it ran on).  Identical inline paths (marksweep,
-- freetracked, arena: one function, one machine code) differ by up to
-- 0.4 ns at 16 B between processes while each process's rounds agree to
-- 0.05 ns, so an interval over one process's rounds is far too narrow.
-- The intervals below are a two-level bootstrap: resample the processes,
-- then each drawn process's rounds; with PROCS = 1 they are over the
-- rounds alone, and say so.
--
-- Figures: each case's median time per iteration over all the rounds
-- (ns).  A ratio X/Y pairs the cases round by round within a process
-- (round i of X over round i of Y, run minutes apart at most) and reports
-- the median of those ratios.  Each has a 95 % percentile-bootstrap
-- interval (2000 resamples, two-level as above).  The goals of issue 16 are checked and printed: alloc+free at
-- most 1.3x bare for each manual baseline, marksweep's inline path at most
-- 3.5 ns for 16-64 B (an absolute time: it holds on the machine the goal
-- was set on, and scales with the clock).  A goal is met when the whole
-- interval is inside it, missed when the whole interval is outside,
-- unresolved otherwise.  Exit status: the script fails (status 2) when the
-- binary cannot run or a case reports an error; goals do not set it.
local reps = tonumber(arg[1] or "20")
assert(reps and reps >= 2 and reps == math.floor(reps),
       "micro.lua: REPS must be a whole number of at least 2, not " .. tostring(arg[1]))
local micro = arg[2] or "build/release/gcbench-micro"
local min_time = tonumber(arg[3] or "0.1")
assert(min_time and min_time > 0, "micro.lua: MIN_TIME must be a positive number of seconds, not " .. tostring(arg[3]))
local cases = arg[4] or "all"
local procs = tonumber(arg[5] or "4")
assert(procs and procs >= 1 and procs == math.floor(procs),
       "micro.lua: PROCS must be a whole number of at least 1, not " .. tostring(arg[5]))
local per_proc = math.max(2, math.ceil(reps / procs))
local FILTERS = {
  all = "^(bare|alloc\\+free|alloc-inline)/[a-z]+/(16|64|256)(/manual_time)?$",
  manual = "^(bare|alloc\\+free)/[a-z]+/(16|64|256)$",
  inline = "^alloc-inline/[a-z]+/(16|64|256)(/manual_time)?$",
}
assert(FILTERS[cases], "micro.lua: CASES must be all, manual or inline, not " .. tostring(cases))
local f = io.open(micro, "rb")
assert(f, "micro.lua: no gcbench-micro at " .. micro .. " (pass its path as the second argument)")
f:close()

local SIZES = { 16, 64, 256 }
local BOOT = 2000
local RATIO_GOAL = 1.3   -- alloc+free / bare, issue 16
local INLINE_GOAL = 3.5  -- ns, marksweep alloc-inline at 16-64 B, issue 16

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Run the cases: PROCS processes one after another; times[name][k] =
-- { round 1, round 2, ... } of process k, in ns.
local cmd = string.format(
  "%s --benchmark_filter=%s --benchmark_repetitions=%d --benchmark_enable_random_interleaving=true "
    .. "--benchmark_min_time=%s --benchmark_color=false 2>&1",
  quote(micro), quote(FILTERS[cases]), per_proc,
  tostring(min_time))
-- The console format: Google Benchmark's CSV writer aborts when the cases'
-- counters differ (alloc-inline has a counter the others lack).
local times, names, errors = {}, {}, {}
for k = 1, procs do
  local p = assert(io.popen(cmd, "r"))
  for line in p:lines() do
    -- NAME  REAL UNIT  CPU UNIT  ITERATIONS ...  or  NAME  ERROR OCCURRED: 'why'
    local name, real, unit = line:match("^(%S+)%s+([%d.]+) (%a+)%s+[%d.]+ %a+%s+%d+")
    if name and not name:match("_mean$") and not name:match("_median$") and not name:match("_stddev$")
        and not name:match("_cv$") then
      name = name:gsub("/manual_time$", "")
      local scale = ({ ns = 1, us = 1e3, ms = 1e6, s = 1e9 })[unit]
      assert(scale, "micro.lua: unknown time unit " .. unit .. " in: " .. line)
      if not times[name] then
        times[name] = {}
        table.insert(names, name)
      end
      times[name][k] = times[name][k] or {}
      table.insert(times[name][k], tonumber(real) * scale)
    elseif line:match("ERROR OCCURRED") then
      table.insert(errors, line)
    end
  end
  local ok, how, code = p:close()
  if not ok then
    error(string.format("micro.lua: %s ended with %s %s", micro, tostring(how), tostring(code)))
  end
end
for _, e in ipairs(errors) do
  -- A collector without an inline path skips alloc-inline with "n/a";
  -- anything else is a failure.
  if not e:match("OCCURRED: 'n/a") then error("micro.lua: a case failed: " .. e) end
end
assert(#names > 0, "micro.lua: " .. micro .. " ran no case")

local stats = dofile((arg[0]:match("^(.*)/") or ".") .. "/stats.lua")
local median = stats.median
-- groups: one list of rounds per process.  The median of all the rounds,
-- and its interval (see the head).
local function pooled(groups)
  local all = {}
  for _, g in ipairs(groups) do for _, v in ipairs(g) do all[#all + 1] = v end end
  return all
end
local function boot(groups)
  if #groups == 1 then return stats.bootstrap(groups[1], median, BOOT) end
  return stats.bootstrap_nested(groups, median, BOOT)
end

-- The case's rounds as a list of per-process lists (processes in which it
-- ran), or nil.
local function groups_of(name)
  local t = times[name]
  if not t then return nil end
  local g = {}
  for k = 1, procs do
    if t[k] and #t[k] > 0 then g[#g + 1] = t[k] end
  end
  return #g > 0 and g or nil
end

local function verdict(lo, hi, goal)
  if hi <= goal then return "goal met" end
  if lo > goal then return "goal missed" end
  return "unresolved"
end

math.randomseed(16)
print(string.format("gcbench-micro, %d process(es) of %d interleaved rounds of %g s per case; medians in ns, "
                    .. "ratios round by round; 95 %% intervals %s", procs, per_proc, min_time,
                    procs > 1 and "resampling processes, then rounds" or "over the rounds of one process"))
if cases ~= "inline" then
  print()
  print("| allocator | bytes | bare | alloc+free | alloc+free / bare | goal <= " .. RATIO_GOAL .. "x |")
  print("|---|---|---|---|---|---|")
  for _, a in ipairs{ "malloc", "mimalloc", "jemalloc" } do
    for _, n in ipairs(SIZES) do
      local b, w = times["bare/" .. a .. "/" .. n], times["alloc+free/" .. a .. "/" .. n]
      if b and w then
        -- round i of process k of one over round i of process k of the other
        local r = {}
        for k = 1, procs do
          if b[k] and w[k] then
            local g = {}
            for i = 1, math.min(#b[k], #w[k]) do g[i] = w[k][i] / b[k][i] end
            if #g > 0 then r[#r + 1] = g end
          end
        end
        local lo, hi = boot(r)
        print(string.format("| %s | %d | %.1f | %.1f | %.2f [%.2f, %.2f] | %s |", a, n,
                            median(pooled(groups_of("bare/" .. a .. "/" .. n))),
                            median(pooled(groups_of("alloc+free/" .. a .. "/" .. n))),
                            median(pooled(r)), lo, hi, verdict(lo, hi, RATIO_GOAL)))
      end
    end
  end
end
if cases ~= "manual" then
  print()
  print("| collector | alloc-inline 16 B | 64 B | 256 B |")
  print("|---|---|---|---|")
  local inline = {}
  for _, name in ipairs(names) do
    local c = name:match("^alloc%-inline/([a-z]+)/")
    if c and not inline[c] then
      inline[c] = true
      local cells = {}
      for _, n in ipairs(SIZES) do
        local t = groups_of("alloc-inline/" .. c .. "/" .. n)
        if t then
          local lo, hi = boot(t)
          cells[#cells + 1] = string.format("%.2f [%.2f, %.2f]", median(pooled(t)), lo, hi)
        else
          cells[#cells + 1] = "n/a"
        end
      end
      print(string.format("| %s | %s |", c, table.concat(cells, " | ")))
    end
  end
  for _, n in ipairs{ 16, 64 } do
    local t = groups_of("alloc-inline/marksweep/" .. n)
    if t then
      local lo, hi = boot(t)
      print(string.format("marksweep alloc-inline %d B: %.2f ns [%.2f, %.2f]: %s (<= %.1f ns)", n, median(pooled(t)), lo, hi,
                          verdict(lo, hi, INLINE_GOAL), INLINE_GOAL))
    end
  end
end
