-- unused.lua: heap.unused_median_bytes, Go's /memory/classes/heap/unused
-- (in-use heap bytes in no counted object) as the model keeps it: its own
-- spans' free and not yet flushed slots plus option runtime_unused, the
-- free slots of the modelled Go runtime's own spans.  A collector that
-- keeps no such count reports null with a reason.
local function run(c, opts)
  local r = gcb.run{ collector = c, options = opts, workload = "builder", params = { writes = 100 },
                     duration = 0.2, pin = "none", sample_hz = 200 }[1]
  assert(r.status == "ok", c .. ": " .. tostring(r.error))
  return r
end
local a = run("marksweep", { runtime_unused = 0 })
local b = run("marksweep", { runtime_unused = "8MiB" })
local ua, ub = a.heap.unused_median_bytes, b.heap.unused_median_bytes
print(string.format("unused median: %d bytes with runtime_unused 0, %d with 8 MiB", ua, ub))
assert(math.type(ua) == "integer" and ua > 0 and ua < a.heap.mapped_bytes,
       "marksweep: its own spans' unused bytes " .. tostring(ua))
assert(math.type(ub) == "integer" and ub >= 8 * 1048576 and ub < 8 * 1048576 + b.heap.mapped_bytes,
       "marksweep, runtime_unused 8 MiB: " .. tostring(ub))
assert(b.collector.options.runtime_unused == 8 * 1048576, "option runtime_unused not recorded")
local m = run("malloc", {})
assert(m.heap.unused_median_bytes == nil and m.unavailable and m.unavailable["heap.unused_median_bytes"],
       "malloc keeps no count: null with a reason")
