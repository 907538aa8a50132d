-- The go peer on builder: a schema-valid record with the fields Go can
-- measure filled in, null + reason for the others, and the same checksum as
-- the C workload for the same params, seed, threads and ops.
local params = {writes = 50, piece = 20, seed = 7}
local c = gcb.run{collector = "nogc", workload = "builder", params = params, ops = 3001, threads = 2,
                  pin = "pu"}[1]
local g = gcb.run{collector = "go", workload = "builder", params = params, ops = 3001, threads = 2,
                  pin = "pu", sample_hz = 200}[1]
assert(c.status == "ok" and g.status == "ok", "status " .. c.status .. " / " .. g.status .. " " .. tostring(g.error))
assert(g.checksum == c.checksum, "go checksum " .. tostring(g.checksum) .. ", C " .. tostring(c.checksum))
assert(g.validation == "passed", g.validation)
assert(g.ops == 3001, "ops " .. g.ops)
assert(g.collector.name == "go" and g.collector.version:match("^go1%.%d+"), "version " .. tostring(g.collector.version))
assert(g.workload.params.writes == 50 and g.workload.params.pool == false, "params not resolved as for C")
assert(g.bytes_allocated > 3001 * 50 * 20, "bytes_allocated " .. g.bytes_allocated)
assert(g.objects_allocated >= 3001, "objects_allocated " .. g.objects_allocated)
assert(g.latency.count == 3001 and g.latency.max_s > 0, "latency")
assert(g.rss.peak_bytes > 0 and #g.rss.samples > 0, "rss")
assert(g.cpu.mutator_s > 0, "cpu.mutator_s")
assert(#g.pinning.mutator_pus == 2, "mutator_pus")
assert(g.procs == c.procs, "gomaxprocs auto: the run's PUs (" .. tostring(c.procs) .. " for the C run), got " .. tostring(g.procs))
assert(g.unavailable["heap.freed_explicit_bytes"], "no reason for heap.freed_explicit_bytes")
assert(g.unavailable["cpu.sweep_s"] and g.cpu.sweep_s == nil, "cpu.sweep_s: Go has no CPU class for its sweeping, so it must be null with a reason")
-- The runtime's own memory at the start barrier, as the models' option
-- nonheap means it (calibrate.lua sets it from this), and the heap set-up left.
local nh, nhp = g.collector.nonheap_bytes, g.collector.nonheap_peak_bytes
assert(math.type(nh) == "integer" and nh >= 256 * 1024 and nh <= nhp and nhp < 1024 * 1024 * 1024,
       "collector.nonheap_bytes " .. tostring(nh) .. ", nonheap_peak_bytes " .. tostring(nhp))
-- ... and its median while the ops ran, which calibrate.lua gives the models.
local nhm = g.collector.nonheap_median_bytes
assert(math.type(nhm) == "integer" and nhm >= 256 * 1024 and nhm <= nhp,
       "collector.nonheap_median_bytes " .. tostring(nhm) .. ", nonheap_peak_bytes " .. tostring(nhp))
assert(math.type(g.heap.setup_bytes) == "integer" and g.heap.setup_bytes > 0,
       "heap.setup_bytes " .. tostring(g.heap.setup_bytes))
-- heap/unused while the ops ran, as the C record's; the C nogc plugin
-- keeps no such count, so its field is null with a reason
local um = g.heap.unused_median_bytes
assert(math.type(um) == "integer" and um > 0 and um < g.rss.peak_bytes,
       "heap.unused_median_bytes " .. tostring(um) .. ", rss.peak_bytes " .. tostring(g.rss.peak_bytes))
assert(c.heap.unused_median_bytes == nil and c.unavailable and c.unavailable["heap.unused_median_bytes"],
       "nogc: heap.unused_median_bytes should be null with a reason")
-- The runtime's own heap is measured only with runtime_probe (two forced
-- cycles before the set-up, in gc.log as forced), here null with a reason.
assert(g.heap.runtime_unused_bytes == nil and g.unavailable["heap.runtime_unused_bytes"],
       "heap.runtime_unused_bytes without runtime_probe: null with a reason")
local p = gcb.run{collector = "go", options = {runtime_probe = true}, workload = "builder",
                  params = params, ops = 300}[1]
assert(p.status == "ok", "runtime_probe run: " .. tostring(p.error))
local ru, ro = p.heap.runtime_unused_bytes, p.heap.runtime_objects_bytes
assert(math.type(ru) == "integer" and math.type(ro) == "integer" and ro > 0 and ru > 0 and
       ru + ro < 64 * 1024 * 1024, "runtime_probe: unused " .. tostring(ru) .. ", objects " .. tostring(ro))
local forced = 0
for i = 1, math.min(#p.gc.log, 8) do
  if p.gc.log[i].forced then forced = forced + 1 end
end
assert(forced >= 2, "runtime_probe: the two forced cycles should lead gc.log, found " .. forced)
-- Every cycle the runtime counted reached the record through gctrace (fd 2
-- is a file the driver reads at the end; a closed fd 2 loses them all).
assert(g.heap.cycles > 0 and math.abs(g.gc.cycles - g.heap.cycles) <= 1,
       "gctrace cycles " .. g.gc.cycles .. ", the runtime's count " .. tostring(g.heap.cycles))
assert(g.pauses.count == 2 * g.gc.cycles, "two STW pauses per cycle: " .. g.pauses.count .. " for " .. g.gc.cycles)
-- Its pauses are named as the Go-like models name theirs (collectors/core/
-- cycle.c), so a report groups Go's and a model's pauses by phase alike.
for _, pz in ipairs(g.pauses.log) do
  assert(pz[3] == "sweep-termination" or pz[3] == "mark-termination", "go pause phase " .. tostring(pz[3]))
end
for _, cy in ipairs(g.gc.log) do
  assert(cy.goal_bytes > 0 and cy.start_s ~= nil, "cycle log entry")
end
-- Duration mode, no latency histogram.
local d = gcb.run{collector = "go", workload = "builder", duration = 0.3, threads = 2, record_latency = false}[1]
assert(d.status == "ok" and d.ops > 0 and d.wall_s >= 0.3, "duration run: " .. tostring(d.error))
assert(d.latency.count == 0, "latency recorded although record_latency = false")
-- A cycle the sampler read after has its marked heap exact (/gc/heap/live),
-- not gctrace's whole MiB.
local exact = 0
for _, cy in ipairs(d.gc.log) do
  assert(type(cy.marked_exact) == "boolean", "gc.log entry without marked_exact")
  if cy.marked_exact then
    exact = exact + 1
    assert(cy.marked_bytes > 0 and cy.marked_bytes % 1048576 ~= 0,
           "an exact marked heap in whole MiB: " .. cy.marked_bytes)
  end
end
assert(exact > 0, "no cycle of " .. #d.gc.log .. " with an exact marked heap in 0.3 s of samples")
