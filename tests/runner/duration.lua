-- duration: every thread runs ops until `duration` seconds have passed.
local gc = arg[1]
local r = gcb.run{collector = gc, workload = "binarytrees", params = {depth = 4},
                  threads = 2, duration = 0.3, timeout = 30, sample_hz = 50}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.ops > 0, "ops " .. r.ops)
assert(r.wall_s >= 0.3, "wall_s " .. r.wall_s .. " shorter than the duration")
-- ops are timed as a random sample (harness/opsample.h): at least the
-- first op, at most all; sample_period is ops per timed op.
assert(r.latency.count >= 1 and r.latency.count <= r.ops, "latency.count " .. r.latency.count)
assert(math.abs(r.latency.sample_period - r.ops / r.latency.count) < 1e-6 * r.latency.sample_period,
       "sample_period " .. r.latency.sample_period)
assert(#r.rss.samples >= 2, "samples")

-- ops split over threads (remainder to the first), latency recording off.
local q = gcb.run{collector = gc, workload = "binarytrees", params = {depth = 4},
                  threads = 2, ops = 5, record_latency = false, timeout = 30}[1]
assert(q.status == "ok", tostring(q.error))
assert(q.ops == 5, "ops " .. q.ops)
assert(q.latency.count == 0 and q.latency.max_s == 0, "latency recorded although off")
