-- duration: every thread runs ops until `duration` seconds have passed.
local gc = arg[1]
local r = gcb.run{collector = gc, workload = "binarytrees", params = {depth = 4},
                  threads = 2, duration = 0.3, timeout = 30, sample_hz = 50}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.ops > 0, "ops " .. r.ops)
assert(r.wall_s >= 0.3, "wall_s " .. r.wall_s .. " shorter than the duration")
assert(r.latency.count == r.ops, "one latency sample per op")
assert(#r.rss.samples >= 2, "samples")
