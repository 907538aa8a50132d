-- A memory limit below the live heap (a 64 MiB ballast, limit 16 MiB): the
-- runtime collects often but the run completes.
local r = gcb.run{collector = "go", options = {memlimit = "16MiB", ballast = "64MiB"},
                  workload = "builder", params = {writes = 100}, ops = 3000, timeout = 120}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.collector.options.memlimit == 16 * 1024 * 1024, "memlimit " .. tostring(r.collector.options.memlimit))
assert(r.heap.peak_live_bytes > 64 * 1024 * 1024, "the ballast is live: peak_live " .. r.heap.peak_live_bytes)
assert(r.gc.cycles > 0, "no cycle under the limit")
