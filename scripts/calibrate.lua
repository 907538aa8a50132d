-- calibrate.lua: every Go-like model beside the real Go runtime (`go`),
-- workload by workload: same params, seed, threads, pinning and op count,
-- repetitions interleaved (rep 1 of every pair, then rep 2, ...) so machine
-- drift hits model and Go alike.
--
--   gcbench run scripts/calibrate.lua [-- REPS [SIZE [REPORT_DIR [WORKLOAD...]]]]
--
-- REPS (default 5) interleaved repetitions; SIZE `small` (default, the
-- sizes of paper/sizes.lua) or `tiny` (a tenth of the ops: a smoke
-- test, not for figures); REPORT_DIR (default report/calibrate) receives
-- calibrate.md (the tables), gogc.dat and gogc.gp (cycles and RSS peak vs
-- GOGC, model against Go; PNG when gnuplot is installed) and gcb.report's
-- output.  Pairs, per workload with a Go twin:
--   marksweep   vs go experiment=nogreenteagc  at GOGC 50, 100, 200, and at
--               GOGC 100 with memory limits that leave the heap 0.8x and
--               1.5x Go's peak live heap (Go's own non-heap memory + f x
--               live + Go's headroom: below the live heap, and between it
--               and GOGC 100's goal of ~2x), the model's `nonheap` set to
--               Go's own (all measured by the GOGC 100 runs; below);
--   freetracked vs go experiment=runtimefreegc, and marksweep vs plain go
--               (the freegc baselines), on builder, bytesbuffer, collect
--               (the workloads that free); the freegc gain compares time
--               per op saved: freetracked vs marksweep against go
--               runtimefreegc vs plain go;
--   ballast     vs go ballast=BALLAST;
--   arena       vs go experiment=arenas on binarytrees arena=true and rpc.
-- Each ratio is model / Go of one metric; its point estimate is the
-- geometric mean of the per-repetition ratios (rep i of the model over rep
-- i of Go, run back to back) and its 95 % interval a t interval on their
-- logarithms.  A metric with a tolerance is `outside` when its whole
-- interval (with one repetition: the ratio) lies outside 1 +- tolerance,
-- `inside` otherwise.  Exit 1 when any ratio is outside; 0 when all are
-- inside; 2 on a script error or when `go` is unavailable.
--
-- Memory-limit rows: Go's limit covers all of the runtime's mapped memory,
-- of which a twin's non-heap part alone (~4-6 MiB: stacks, metadata, the
-- driver) is larger than most workloads' live heap at `small` size.  A
-- limit of f x live would leave the heap nothing in both rows (Go's
-- memoryLimitHeapGoal then bottoms out and its CPU limiter decides the
-- cycles), so the limit is what gives Go's memoryLimitHeapGoal a heap of
-- f x live: nonheap + f x live + Go's headroom (3 % of the goal, at
-- least 1 MiB).  f = 0.8 keeps the heap below its live size (back-to-back
-- cycles, the limiter's regime), f = 1.5 between live and the GOGC goal
-- (the memory-limit goal's regime).  Go's heap/unused (slots free in
-- in-use spans, and every slot of a span a P caches that was free when it
-- was cached) also counts as non-heap for Go and for the model (from its
-- own spans), so the heap's room is a little less than f x live.  Where
-- f x live is under Go's 1 MiB minimum headroom (live heaps under
-- 1.25 MiB at f = 0.8, 0.67 MiB at 1.5), no limit gives that room: Go's
-- memoryLimitHeapGoal then sets the goal to the headroom itself, 1 MiB,
-- and the row tests that rule (which the model has) rather than a heap
-- below its live size; the report's heap goal per cycle shows which.
--
-- The model's option `nonheap` stands for the Go
-- program's own runtime memory outside the heap (goroutine stacks, span and
-- GC metadata, profiling buckets, other), which Go's memoryLimitHeapGoal
-- takes off the limit; its default is a minimal Go program's.  The twin
-- being compared has more (more goroutines, package metadata, the driver's
-- sampler) and reports it as collector.nonheap_median_bytes: the median of
-- its readings while the ops run (workloads/go/record.go).  Not the
-- start barrier's collector.nonheap_bytes: the first cycles allocate GC
-- metadata (/memory/classes/metadata/other: work buffers and gcMiscSys;
-- 1.4 MB on rpc) that a barrier before them misses, and Go's
-- memoryLimitHeapGoal sees the in-run value.  Nor the GOGC 100 runs'
-- (the runs the limit comes from): under the limit Go's non-heap memory is
-- smaller (span and GC metadata follow the heap; binarytrees at 0.8x live:
-- 4.8 MB against 5.2 MB), and where the limit leaves a few hundred KB of
-- room over the marked heap that difference is the room (with the GOGC
-- 100 value the model ran 1.53x Go's cycles there, with the limited runs'
-- 0.95-1.05).  So before the repetitions each memory-limit row's go side
-- runs NONHEAP_PROBES times, and the model runs with nonheap = the median
-- of their in-run values: a measured input of the program it is compared
-- with, under the same limit; nothing is fitted.  One value per row, not
-- one per repetition, so the model's runs of a pair share one
-- configuration (gcb.report groups runs by it).  The report lists the
-- value beside what the repetitions' limited go runs measured themselves.
--
-- Every pair runs Go twice per repetition, back to back after the model:
-- once plain, once with `pacertrace` (GODEBUG gcpacertrace=1), whose lines
-- give Go's trigger, goal, cons/mark and scan work per cycle in exact
-- bytes.  The pacer-view rows (metrics marked `pacer` below) compare with
-- the pacertrace runs, every other row with the plain ones: the runtime
-- prints two of the pacer's lines inside each cycle's pauses (startCycle
-- in sweep termination, endCycle in mark termination; ~40 write calls,
-- one per printed value), which on collect at GOGC 100 raised Go's pause
-- CPU from 0.035-0.037 s to 0.037-0.054 s and its GC CPU share from
-- 0.23-0.24 to 0.27-0.29 (3 pairs of runs of the twin, 2026-12-01),
-- against which the model's share looked lower than it is.
--
-- Every model row: the options `globals` and `runtime_heap` stand for the
-- Go program's scannable globals and the scannable heap its runtime,
-- package init and driver keep (Go's Ps, Ms, Gs, package maps); their
-- defaults are a minimal Go program's.  Go's pacer counts both in its scan
-- work (the runway) and goal.  Before the first repetition, one go run per
-- workload config (the Go side of its first pair: nogreenteagc at GOGC 50,
-- or arenas for binarytrees arena=true; neither GOGC nor the experiment
-- changes what is read) reads
-- the twin's own: gc.scan_globals_bytes (/gc/scan/globals) and
-- heap.runtime_scan_bytes (/gc/scan/heap before the workload's set-up), and
-- every model run of that workload is configured with them: measured
-- inputs of the program the model is compared with, like nonheap; nothing
-- is fitted.  The report lists them.  That probe run is not in the tables.
-- It and two more like it set the go option `runtime_probe` (two forced
-- cycles before the set-up), whose heap.runtime_unused_bytes, the median
-- of the three, becomes every model run's option `runtime_unused`: the
-- free slots of the spans Go's own objects hold (~25 size classes, one
-- or more mostly free spans each), which Go's memoryLimitHeapGoal counts
-- as non-heap memory and the model has no pages for.  It is 370-480 KB
-- in the twins, two modes: the higher when start-up work ran on both Ps,
-- so some classes have a partly used span on each.  (The limits below
-- come from Go's nonHeap alone, without it, as before.)
--
-- Finding (README "freegc in the twins"): the released Go 1.26 toolchain's
-- compiler is built without runtimefreegc, so GOEXPERIMENT=runtimefreegc
-- changes only the runtime and no twin frees; Go's freegc gain is then ~0.

-- Tolerances: |ratio - 1| allowed (fractions), and the freegc gain gap in
-- percentage points.
local TOL = {
  cycles = 0.15,     -- GC cycles
  peak_live = 0.15,  -- peak live heap
  rss = 0.20,        -- RSS peak
  gc_cpu = 0.30,     -- GC CPU share
}
local FREEGC_POINTS = 10 -- freegc gain (time per op) within 10 points of Go's
local BALLAST = "64MiB"

local reps = tonumber(arg[1] or "5") or error("calibrate.lua: REPS must be a number, got " .. arg[1])
local size = arg[2] or "small"
if size ~= "small" and size ~= "tiny" then error("calibrate.lua: SIZE is small or tiny, got " .. size) end
local report_dir = arg[3] or "report/calibrate"
local only = {}
for i = 4, #arg do only[arg[i]] = true end
local scale = size == "tiny" and 0.1 or 1

-- The small sizes of paper/sizes.lua, plus which pairs each runs.
local configs = dofile((arg[0]:match("^(.*)/") or ".") .. "/paper/sizes.lua")
for _, cfg in ipairs(configs) do
  cfg.frees = cfg.workload == "builder" or cfg.workload == "bytesbuffer" or cfg.workload == "collect"
  cfg.arena = cfg.workload == "rpc"
end
table.insert(configs, { workload = "binarytrees", label = "binarytrees arena=true",
  params = { depth = 16, long_lived_depth = 14, arena = true }, ops = 2, arena_only = true })

-- Metrics: name, how to read one run, tolerance key (nil: reported only),
-- "pacer" where Go's side is read from its pacertrace runs (above), and
-- "gocpu" where it is read from Go's /cpu/classes (go_cpu_measured, below).
local function per_cycle_goal(r)
  local log, s, n = r.gc and r.gc.log or {}, 0, 0
  for _, c in ipairs(log) do if c.goal_bytes then s, n = s + c.goal_bytes, n + 1 end end
  return n > 0 and s / n or 0
end
-- Median over a run's cycles of f(cycle, index, run), skipping cycles
-- where f is nil.
local function per_cycle_median(f)
  return function(r)
    local v = {}
    for i, c in ipairs(r.gc and r.gc.log or {}) do
      local x = f(c, i, r)
      if x then table.insert(v, x) end
    end
    table.sort(v)
    local n = #v
    if n == 0 then return 0 end
    return n % 2 == 1 and v[(n + 1) // 2] or (v[n // 2] + v[n // 2 + 1]) / 2
  end
end
-- Go's marked heap per cycle is exact only for the cycles a sampler
-- reading (/gc/heap/live, sample_hz) fell after, before the next cycle
-- ended, and for the last (read after the ops): marked_exact in its
-- gc.log; for the others the record has gctrace's whole MiB, rounded down
-- (workloads/go/record.go).  A model's gc.log is exact for every cycle.
-- To measure both alike, the model's cycles are taken through the same
-- filter, with its own sampler's readings (rss.samples, the same rate):
-- sampled(r)[i] says whether a reading fell in [end of cycle i, end of
-- cycle i + 1), a cycle's end taken as start_s + mark_s.  Without it the
-- model's peak live heap was a maximum over all its cycles against Go's
-- over about half of them (the largest marked heaps come from the odd
-- long mark), and its median marked heap a median over all cycles
-- against Go's over a length-biased subset.
local function sampled(r)
  if r.collector and r.collector.name == "go" then return nil end
  if r._sampled then return r._sampled end
  local log, smp, out, j = r.gc and r.gc.log or {}, r.rss and r.rss.samples or {}, {}, 1
  for i, c in ipairs(log) do
    local e = c.start_s + (c.mark_s or 0)
    local nx = log[i + 1] and log[i + 1].start_s + (log[i + 1].mark_s or 0) or math.huge
    while smp[j] and smp[j][1] < e do j = j + 1 end
    out[i] = log[i + 1] == nil or (smp[j] ~= nil and smp[j][1] < nx)
  end
  r._sampled = out
  return out
end
-- The cycle's marked heap as the record measures it: exact, or nil where
-- Go's record (or the filter above, for a model) has only whole MiB.
local function marked_as_go(r, i, c)
  local sm = sampled(r)
  if sm then return sm[i] and c.marked_bytes or nil end
  return c.marked_exact ~= false and c.marked_bytes or nil
end
local metrics = {
  { "GC cycles", "gc.cycles", "cycles" },
  { "heap goal per cycle", per_cycle_goal, nil, "pacer" },
  -- in-use heap bytes in no counted object (Go's heap/unused: free slots,
  -- cached spans' unflushed slots; the model's with option runtime_unused
  -- added), the median while the ops run: Go's memoryLimitHeapGoal counts
  -- them as non-heap memory, so under a limit they move the goal
  { "heap/unused (median while the ops run)", function(r)
      local v = r.heap and r.heap.unused_median_bytes
      return type(v) == "number" and v or 0 end },
  -- the pacer's view (exact for Go with pacertrace): where each cycle
  -- triggered, its runway's cons/mark estimate, its mark phase's wall time
  { "trigger / goal (median cycle)", per_cycle_median(function(c)
      return c.goal_bytes and c.goal_bytes > 0 and c.trigger_bytes / c.goal_bytes or nil end), nil, "pacer" },
  { "cons/mark (median cycle)", per_cycle_median(function(c)
      return c.cons_mark and c.cons_mark > 0 and c.cons_mark or nil end), nil, "pacer" },
  { "mark wall time (median cycle)", per_cycle_median(function(c) return c.mark_s end) },
  -- the heap a cycle marked (Go's heapMarked: live, plus what was
  -- allocated black during the mark), over the cycles whose figure is
  -- exact as Go's record measures it (sampled, above): the cycles a
  -- reading fell after, so a cycle followed by a longer gap is likelier
  -- to be among them (a length-biased subset; at 100 Hz, 28-68 of a
  -- small Go run's cycles), the same filter on both sides
  { "marked heap (median cycle)", per_cycle_median(function(c, i, r) return marked_as_go(r, i, c) end) },
  -- the largest marked heap as Go's record measures it (record.go: exact
  -- where sampled, whole MiB rounded down elsewhere); for Go its
  -- heap.peak_live_bytes
  { "peak live heap", function(r)
      if not sampled(r) then return r.heap and r.heap.peak_live_bytes or 0 end
      local peak = 0
      for i, c in ipairs(r.gc and r.gc.log or {}) do
        local m = marked_as_go(r, i, c) or (c.marked_bytes // 1048576) * 1048576
        if m > peak then peak = m end
      end
      return peak
    end, "peak_live" },
  { "RSS peak", "rss.peak_bytes", "rss" },
  { "GC CPU share", "cpu.gc_fraction", "gc_cpu", nil, "gocpu" },
  -- the share's numerator alone: the share is over GC + mutator CPU, and
  -- a C workload's mutator runs at its own speed, not its twin's (ops/s),
  -- so a share can differ where the GC's CPU does not
  { "GC CPU seconds", "cpu.gc_s", nil, nil, "gocpu" },
  { "assist share of GC CPU", function(r) return r.cpu.gc_s > 0 and (r.cpu.assist_s or 0) / r.cpu.gc_s or 0 end,
    nil, nil, "gocpu" },
  { "pause p99", "pauses.p99_s" },
  { "ops/s", "ops_per_s" },
  { "bytes allocated per op", function(r) return r.ops > 0 and r.bytes_allocated / r.ops or 0 end },
  -- GC cycles over the MiB allocated: where the goal sits at its 4 MiB
  -- minimum, cycles follow the bytes allocated, so this separates the
  -- collector's difference from the workload's (a C workload and its twin
  -- may allocate different bytes for the same work: jsontree, lrucache)
  { "GC cycles per MiB allocated", function(r)
      return (r.bytes_allocated or 0) > 0 and r.gc.cycles / (r.bytes_allocated / 1048576) or 0 end },
}

local go
for _, c in ipairs(gcb.collectors()) do if c.name == "go" then go = c end end
if not (go and go.available) then
  io.stderr:write("calibrate.lua: the go collector is unavailable: ", tostring(go and go.unavailable), "\n")
  os.exit(2)
end
local twin = {}
for _, w in ipairs(go.workloads or {}) do twin[w] = true end

local function get(r, f)
  if type(f) == "function" then return f(r) end
  local v = r
  for k in f:gmatch("[^.]+") do v = type(v) == "table" and v[k] or nil end
  return tonumber(v)
end

-- Two-sided 95 % t quantiles by degrees of freedom (beyond 30: 1.96).
local T95 = { 12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
              2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
              2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042 }

-- Go's /cpu/classes figures are the runtime's snapshot from its last
-- cycle's end (runtime/metrics.go: cpuStatsAggregate.compute), so a
-- window no cycle ended in reads Go's GC CPU as 0, or as part of a cycle
-- that began before it (lrucache with a ballast: its one cycle runs
-- during set-up).  The metrics marked "gocpu" leave such pairs out.
local function go_cpu_measured(g)
  for _, c in ipairs(g.gc and g.gc.log or {}) do
    if c.start_s + (c.mark_s or 0) > 0 then return true end
  end
  return false
end

-- model/Go ratio of field f over paired runs: point, lo, hi (NaN:
-- undefined); the pairs whose Go run keep(g) rejects are left out, and
-- with none left the ratio is nil.
local function ratio(ms, gs, f, keep)
  local logs, kept = {}, 0
  for i = 1, math.min(#ms, #gs) do
    local m, g = ms[i], gs[i]
    if m.status == "ok" and g.status == "ok" and (keep == nil or keep(g)) then
      kept = kept + 1
      local a, b = get(m, f) or 0, get(g, f) or 0
      if a == 0 and b == 0 then table.insert(logs, 0)
      elseif a > 0 and b > 0 then table.insert(logs, math.log(a / b))
      else return 0 / 0, 0 / 0, 0 / 0 end
    end
  end
  if keep and kept == 0 then return nil end
  local n = #logs
  if n == 0 then return 0 / 0, 0 / 0, 0 / 0 end
  local mean = 0
  for _, x in ipairs(logs) do mean = mean + x end
  mean = mean / n
  if n == 1 then return math.exp(mean), math.exp(mean), math.exp(mean) end
  local ss = 0
  for _, x in ipairs(logs) do ss = ss + (x - mean) ^ 2 end
  local half = (T95[n - 1] or 1.96) * math.sqrt(ss / (n - 1) / n)
  return math.exp(mean), math.exp(mean - half), math.exp(mean + half)
end

-- The pairs of one workload config.
local function pairs_of(cfg)
  local out = {}
  local function add(label, model, mopts, gopts)
    table.insert(out, { label = label, model = model, mopts = mopts, gopts = gopts })
  end
  if not cfg.arena_only then
    for _, g in ipairs({ 50, 100, 200 }) do
      add("marksweep / go nogreenteagc, GOGC " .. g, "marksweep", { gogc = g },
          { experiment = "nogreenteagc", gogc = g })
    end
    if cfg.frees then
      add("freetracked / go runtimefreegc", "freetracked", {}, { experiment = "runtimefreegc" })
      add("marksweep / go (freegc baseline)", "marksweep", {}, {})
    end
    add("ballast / go ballast " .. BALLAST, "ballast", { ballast = BALLAST }, { ballast = BALLAST })
  end
  if cfg.arena or cfg.arena_only then
    add("arena / go arenas", "arena", {}, { experiment = "arenas" })
  end
  return out
end

local runs = {} -- runs[cfg][pair index] = { model = {...}, go = {...} (plain), gotrace = {...} }
local failed = 0
local function run1(cfg, collector, options, pacertrace)
  if collector == "go" then -- pacertrace: Go's exact pacer figures in gc.log
    local o = { pacertrace = pacertrace or false }
    for k, v in pairs(options) do o[k] = v end
    options = o
  elseif cfg.runtime then -- the twin's globals and runtime heap (above)
    local o = { globals = cfg.runtime.globals, runtime_heap = cfg.runtime.runtime_heap,
                runtime_unused = cfg.runtime.runtime_unused }
    for k, v in pairs(options) do o[k] = v end
    options = o
  end
  local r = gcb.run{ collector = collector, options = options, workload = cfg.workload,
                     params = cfg.params, ops = math.max(1, math.floor(cfg.ops * scale)),
                     pin = "none", timeout = 300 }
  for _, x in ipairs(r) do if x.status ~= "ok" then failed = failed + 1 end end
  return r[1]
end

local todo = {}
for _, cfg in ipairs(configs) do
  if twin[cfg.workload] and (next(only) == nil or only[cfg.workload]) then
    cfg.pairs = pairs_of(cfg)
    runs[cfg] = {}
    for i = 1, #cfg.pairs do runs[cfg][i] = { model = {}, go = {}, gotrace = {} } end
    table.insert(todo, cfg)
  end
end

-- The twin's scannable globals and runtime heap, for every model run of
-- the workload (above); nil (the options' defaults) when the probe fails
-- or its record lacks them.
local PROBES = 3
for _, cfg in ipairs(todo) do
  local o = { runtime_probe = true }
  for k, v in pairs(cfg.pairs[1].gopts) do o[k] = v end
  local r = run1(cfg, "go", o)
  local g = r and r.status == "ok" and r.gc and r.gc.scan_globals_bytes
  local h = r and r.status == "ok" and r.heap and r.heap.runtime_scan_bytes
  local u = { r }
  for _ = 2, PROBES do table.insert(u, run1(cfg, "go", o)) end
  local ok = {}
  for _, x in ipairs(u) do
    if x and x.status == "ok" and math.type(x.heap and x.heap.runtime_unused_bytes) == "integer" then
      table.insert(ok, x)
    end
  end
  if math.type(g) == "integer" and math.type(h) == "integer" then
    -- runtime_unused: the median of the probes that measured it; nil
    -- (the option's default) when none did
    cfg.runtime = { globals = g, runtime_heap = h, runtime_unused = #ok > 0 and
                    math.floor(gcb.median(ok, "heap.runtime_unused_bytes")) or nil }
  end
end

-- Interleave: every pair of every workload once per repetition, model then Go.
local function sweep(from)
  for rep = 1, reps do
    for _, cfg in ipairs(todo) do
      for i = from[cfg] or 1, #cfg.pairs do
        local p = cfg.pairs[i]
        table.insert(runs[cfg][i].model, run1(cfg, p.model, p.mopts))
        table.insert(runs[cfg][i].go, run1(cfg, "go", p.gopts))
        table.insert(runs[cfg][i].gotrace, run1(cfg, "go", p.gopts, true))
      end
    end
  end
end
sweep({})

-- Median over the go runs (ok runs that have it) of their in-run non-heap
-- memory, collector.nonheap_median_bytes, as an integer; nil when none
-- has it.
local function nonheap_median(rs)
  local ok = {}
  for _, r in ipairs(rs) do
    local v = r.status == "ok" and r.collector and r.collector.nonheap_median_bytes
    if math.type(v) == "integer" and v > 0 then table.insert(ok, r) end
  end
  if #ok == 0 then return nil end
  return math.floor(gcb.median(ok, "collector.nonheap_median_bytes"))
end

-- Memory limits: Go's non-heap memory plus a multiple of its live heap
-- plus Go's headroom (from its GOGC 100 runs; without Go's figure, the
-- option's default stands in), the model's nonheap Go's own under that
-- limit (NONHEAP_PROBES go runs of the row; above), then run them.
local NONHEAP_PROBES = 3
local nh_default = 0
for _, c in ipairs(gcb.collectors()) do
  for _, o in ipairs(c.name == "marksweep" and c.options or {}) do
    if o.name == "nonheap" then nh_default = math.tointeger(tonumber(o.default)) or 0 end
  end
end
local from = {}
for _, cfg in ipairs(todo) do
  if not cfg.arena_only then
    local live = gcb.median(runs[cfg][2].go, "heap.peak_live_bytes")
    local nonheap = nonheap_median(runs[cfg][2].go) -- nil: the option's default
    from[cfg] = #cfg.pairs + 1
    for _, f in ipairs({ 0.8, 1.5 }) do
      -- the heap room f x live, plus Go's headroom on top of it
      -- (memoryLimitHeapGoal keeps 3 %, at least 1 MiB, below the limit
      -- less non-heap: without it a room under 1 MiB is no room at all)
      local room = math.floor((live == live and live or 0) * f)
      local lim = (nonheap or nh_default) + room + math.max(1048576, room * 3 // 97)
      local gopts = { experiment = "nogreenteagc", memlimit = lim }
      local probes = {}
      for _ = 1, NONHEAP_PROBES do table.insert(probes, run1(cfg, "go", gopts)) end
      table.insert(cfg.pairs, { label = string.format("marksweep / go nogreenteagc, memlimit for a %.1fx-live heap (%.1f MiB)", f, lim / 1048576),
                                model = "marksweep",
                                mopts = { memlimit = lim, nonheap = nonheap_median(probes) or nonheap },
                                gopts = gopts, memlimit_row = true })
      runs[cfg][#cfg.pairs] = { model = {}, go = {}, gotrace = {} }
    end
  else
    from[cfg] = #cfg.pairs + 1
  end
end
sweep(from)

-- Tables.
local lines, outside, inside = {}, 0, 0
local function out(s) print(s); table.insert(lines, s) end
out(string.format("# Calibration: model / Go (%s size, %d interleaved repetitions)\n", size, reps))
out(string.format("Tolerances: GC cycles +-%d %%, peak live +-%d %%, RSS peak +-%d %%, GC CPU share +-%d %%, freegc gain within %d points.\n",
  TOL.cycles * 100, TOL.peak_live * 100, TOL.rss * 100, TOL.gc_cpu * 100, FREEGC_POINTS))
out("Go runs twice per pair and repetition: rows marked \"Go: pacertrace runs\" compare with runs under GODEBUG=gcpacertrace=1 (exact pacer figures), the others with plain runs (gcpacertrace writes inside Go's pauses).\n")
local function mark(key, p, lo, hi)
  if not key then return "" end
  local t = TOL[key]
  if p ~= p then outside = outside + 1; return "**outside** (undefined)" end
  if hi < 1 - t or lo > 1 + t then outside = outside + 1; return "**outside**" end
  inside = inside + 1
  return "inside"
end
for _, cfg in ipairs(todo) do
  out(string.format("\n## %s\n", cfg.label or cfg.workload))
  local head = "| metric |"
  local sep = "|---|"
  for _, p in ipairs(cfg.pairs) do head = head .. " " .. p.label .. " |"; sep = sep .. "---|" end
  out(head); out(sep)
  for _, m in ipairs(metrics) do
    local row = "| " .. m[1] .. (m[3] and string.format(" (+-%d %%)", TOL[m[3]] * 100) or "")
                .. (m[4] == "pacer" and " (Go: pacertrace runs)" or "") .. " |"
    for i in ipairs(cfg.pairs) do
      local rr = runs[cfg][i]
      local p, lo, hi = ratio(rr.model, m[4] == "pacer" and rr.gotrace or rr.go, m[2],
                              m[5] == "gocpu" and go_cpu_measured or nil)
      if p == nil then
        row = row .. " n/a (no Go cycle ended in the window: Go's CPU classes did not move) |"
      else
        row = row .. string.format(" %.2f [%.2f, %.2f] %s |", p, lo, hi, mark(m[3], p, lo, hi))
      end
    end
    out(row)
  end
end

out("\n## Model's globals, runtime_heap and runtime_unused (bytes; from go runs per workload before the repetitions)\n")
out("| workload | globals (gc.scan_globals_bytes) | runtime_heap (heap.runtime_scan_bytes) | runtime_unused (heap.runtime_unused_bytes, median of " .. PROBES .. ") |")
out("|---|---:|---:|---:|")
for _, cfg in ipairs(todo) do
  out(string.format("| %s | %s | %s | %s |", cfg.label or cfg.workload,
    cfg.runtime and string.format("%d", cfg.runtime.globals) or "default",
    cfg.runtime and string.format("%d", cfg.runtime.runtime_heap) or "default",
    cfg.runtime and cfg.runtime.runtime_unused and string.format("%d", cfg.runtime.runtime_unused) or "default"))
end

-- The model's nonheap in the memory-limit rows (from the row's go runs
-- before the repetitions), beside the median the repetitions' limited go
-- runs measured themselves.
out(string.format("\n## Model's nonheap in the memory-limit rows (bytes; the option's default: %d)\n", nh_default))
out("| workload | pair | model's nonheap (in-run median of " .. NONHEAP_PROBES .. " go runs under the limit, before the repetitions) | the repetitions' limited go runs' own |")
out("|---|---|---:|---:|")
for _, cfg in ipairs(todo) do
  for i, p in ipairs(cfg.pairs) do
    if p.memlimit_row then
      local own = nonheap_median(runs[cfg][i].go)
      out(string.format("| %s | %s | %s | %s |", cfg.label or cfg.workload, p.label,
        p.mopts.nonheap and string.format("%d", p.mopts.nonheap) or "default",
        own and string.format("%d", own) or "-"))
    end
  end
end

-- freegc gain: time per op saved by freeing, model (freetracked vs
-- marksweep) against Go (runtimefreegc vs plain go), percent.
out("\n## freegc gain (time per op saved, percent; median of the repetitions)\n")
out("| workload | model: freetracked vs marksweep | go: runtimefreegc vs plain | gap (points) | within " .. FREEGC_POINTS .. " |")
out("|---|---:|---:|---:|---|")
local function nsop(rs) return gcb.median(rs, function(r) return r.wall_s / r.ops * 1e9 end) end
for _, cfg in ipairs(todo) do
  if cfg.frees then
    local ft, base
    for i, p in ipairs(cfg.pairs) do
      if p.model == "freetracked" then ft = runs[cfg][i] end
      if p.label:find("freegc baseline", 1, true) then base = runs[cfg][i] end
    end
    local gm = (1 - nsop(ft.model) / nsop(base.model)) * 100
    local gg = (1 - nsop(ft.go) / nsop(base.go)) * 100
    local gap = gm - gg
    local ok = math.abs(gap) <= FREEGC_POINTS
    if ok then inside = inside + 1 else outside = outside + 1 end
    out(string.format("| %s | %+.1f %% | %+.1f %% | %+.1f | %s |", cfg.workload, gm, gg, gap, ok and "inside" or "**outside**"))
  end
end

out(string.format("\n%d ratios inside, %d outside; %d runs not ok; records in %s", inside, outside, failed, gcb.out))

-- Report: the tables, cycles and RSS vs GOGC (model against Go), gcb.report.
os.execute("mkdir -p '" .. report_dir .. "'")
local f = assert(io.open(report_dir .. "/calibrate.md", "w"))
f:write(table.concat(lines, "\n"), "\n")
f:close()
local dat = assert(io.open(report_dir .. "/gogc.dat", "w"))
for _, cfg in ipairs(todo) do
  if not cfg.arena_only then
    dat:write(string.format("%s gogc model_cycles go_cycles model_rss_mib go_rss_mib\n", cfg.workload))
    for i, g in ipairs({ 50, 100, 200 }) do
      local r = runs[cfg][i]
      dat:write(string.format("%s %d %g %g %g %g\n", cfg.workload, g,
        gcb.median(r.model, "gc.cycles"), gcb.median(r.go, "gc.cycles"),
        gcb.median(r.model, "rss.peak_bytes") / 1048576, gcb.median(r.go, "rss.peak_bytes") / 1048576))
    end
    dat:write("\n\n")
  end
end
dat:close()
local gp = assert(io.open(report_dir .. "/gogc.gp", "w"))
gp:write([[
set terminal pngcairo size 1400,600
set output 'gogc.png'
set multiplot layout 1,2
set xlabel 'GOGC'; set logscale y; set key top right font ',8'
set ylabel 'GC cycles'
plot for [i=0:*] 'gogc.dat' index i using 2:3 with linespoints title columnhead(1).' model', \
     for [i=0:*] 'gogc.dat' index i using 2:4 with linespoints dashtype 2 title columnhead(1).' go'
set ylabel 'RSS peak MiB'
plot for [i=0:*] 'gogc.dat' index i using 2:5 with linespoints title columnhead(1).' model', \
     for [i=0:*] 'gogc.dat' index i using 2:6 with linespoints dashtype 2 title columnhead(1).' go'
unset multiplot
]])
gp:close()
os.execute("cd '" .. report_dir .. "' && command -v gnuplot >/dev/null && gnuplot gogc.gp 2>/dev/null")
gcb.report{ out = report_dir }

if failed > 0 or outside > 0 then os.exit(1) end
