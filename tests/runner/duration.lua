-- duration: every thread runs ops until `duration` seconds have passed.
local gc = arg[1]
local r = gcb.run{collector = gc, workload = "binarytrees", params = {depth = 4},
                  threads = 2, duration = 0.3, timeout = 30, sample_hz = 50}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.ops > 0, "ops " .. r.ops)
assert(r.wall_s >= 0.3, "wall_s " .. r.wall_s .. " shorter than the duration")
assert(r.latency.count == r.ops, "one latency sample per op")
assert(#r.rss.samples >= 2, "samples")

-- ops split over threads (remainder to the first), latency recording off.
local q = gcb.run{collector = gc, workload = "binarytrees", params = {depth = 4},
                  threads = 2, ops = 5, record_latency = false, timeout = 30}[1]
assert(q.status == "ok", tostring(q.error))
assert(q.ops == 5, "ops " .. q.ops)
assert(q.latency.count == 0 and q.latency.max_s == 0, "latency recorded although off")
