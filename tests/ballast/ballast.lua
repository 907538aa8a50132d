-- ballast.lua: the ballast is counted in the live heap (every cycle marks
-- it; the heap goal is at least twice it at GOGC=100), it makes cycles
-- rarer than plain marksweep on the same work, and it costs no RSS (the
-- run's allocation is far below the ballast, so a touched ballast would
-- show as RSS above it).  Runs with verify = true pass.
local MiB = 1048576
local ballast = 1024 * MiB
local function run(collector, options, ops)
  local r = gcb.run{ collector = collector, options = options, workload = "api",
                     params = { live = "1MiB", objects = 100 }, ops = ops,
                     pin = "none", timeout = 120 }[1]
  assert(r.status == "ok", collector .. ": " .. r.status .. ": " .. tostring(r.error or r.validation))
  return r
end

local plain = run("marksweep", {}, 10000)
local b = run("ballast", { ballast = "1GiB" }, 10000)
assert(b.bytes_allocated == plain.bytes_allocated, "the two runs did different work")
assert(b.gc.cycles >= 1, "no cycle ran with the ballast (the first allocation should trigger one)")
assert(b.heap.peak_live_bytes >= ballast,
       string.format("peak live %.1f MiB < the 1024 MiB ballast: not counted as live", b.heap.peak_live_bytes / MiB))
for _, c in ipairs(b.gc.log) do
  assert(c.marked_bytes >= ballast, string.format("cycle marked %.1f MiB < ballast", c.marked_bytes / MiB))
end
-- gc.log gives the goal each cycle ran against: the first, at start-up,
-- heapMinimum's 4 MiB; any later one at least twice the ballast.  With
-- one cycle, the tens of MiB allocated after it without another show the
-- goal it left was raised far past heapMinimum.
for i = 2, #b.gc.log do
  assert(b.gc.log[i].goal_bytes >= 2 * ballast,
         string.format("cycle %d's heap goal %.1f MiB < 2 x ballast (GOGC=100)", i, b.gc.log[i].goal_bytes / MiB))
end
assert(#b.gc.log > 1 or b.bytes_allocated > 8 * 4 * MiB,
       "one cycle, but too little allocated to show the goal was raised")
assert(plain.gc.cycles > 4 * b.gc.cycles,
       string.format("ballast did not make cycles rarer: %d vs marksweep %d", b.gc.cycles, plain.gc.cycles))
assert(b.bytes_allocated < ballast / 4, "the run allocates too much for the RSS check")
assert(b.rss.peak_bytes < ballast / 2,
       string.format("RSS peak %.1f MiB: the 1024 MiB ballast was touched", b.rss.peak_bytes / MiB))
local v = run("ballast", { ballast = "64MiB", verify = true }, 2000)
assert(v.validation == "passed" and v.heap.peak_live_bytes >= 64 * MiB, "verify run")
print(string.format("ballast: %d cycles vs %d, peak live %.0f MiB, RSS peak %.1f MiB (marksweep %.1f MiB)",
  b.gc.cycles, plain.gc.cycles, b.heap.peak_live_bytes / MiB, b.rss.peak_bytes / MiB, plain.rss.peak_bytes / MiB))
