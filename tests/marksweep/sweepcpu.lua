-- sweepcpu.lua: the background sweeper's CPU is sweep time, not GC time,
-- as Go's /cpu/classes/gc has no sweeping: cpu.sweep_s is reported apart
-- (part of cpu.gc_threads_s), and cpu.gc_s holds the rest of the GC
-- threads' CPU plus assists and pauses moved from the mutators.  With a
-- 64 MiB ballast every cycle sweeps the ballast-sized heap of garbage
-- while marking little, so the sweeper's share is plain to see.
local r = gcb.run{ collector = "ballast", options = { ballast = "64MiB" }, workload = "builder",
                   params = { writes = 100, piece = 36 }, ops = 20000, pin = "none", timeout = 120 }[1]
assert(r.status == "ok" and r.validation == "passed", r.status .. ": " .. tostring(r.error or r.validation))
local c = r.cpu
assert(r.gc.cycles >= 2, "too few cycles: " .. r.gc.cycles)
assert(math.type(c.sweep_s) == "float" or math.type(c.sweep_s) == "integer", "no cpu.sweep_s")
assert(c.sweep_s > 0, "the sweeper's CPU was not counted as sweep time: " .. c.sweep_s)
assert(c.sweep_s <= c.gc_threads_s + 1e-9,
       string.format("sweep_s %.6f above the GC threads' %.6f", c.sweep_s, c.gc_threads_s))
-- gc_s = GC threads less the sweeper, plus what moved from the mutators
-- (assists, pauses), with the pausing thread's own CPU replaced by the
-- pauses counted as Go counts them: wall time x procs (cpu.pause_s)
local rest = c.gc_threads_s - c.sweep_s
assert(c.pause_thread_s >= 0 and c.pause_thread_s <= r.pauses.total_s + 1e-6,
       string.format("pause_thread_s %.6f: the pausing thread's CPU, at most the pauses' wall %.6f",
                     c.pause_thread_s, r.pauses.total_s))
assert(math.abs(c.pause_s - r.pauses.total_s * r.procs) <= 1e-6 * (1 + c.pause_s),
       string.format("pause_s %.6f is not the pauses' wall %.6f x procs %d", c.pause_s, r.pauses.total_s, r.procs))
assert(c.gc_s >= rest - c.pause_thread_s + c.pause_s - 1e-6 and c.gc_s <= rest + c.assist_s + c.pause_s + 1e-6,
       string.format("gc_s %.6f not GC threads less sweep (%.6f) plus moved (assist %.6f) plus pauses x procs (%.6f, thread CPU %.6f)",
                     c.gc_s, rest, c.assist_s, c.pause_s, c.pause_thread_s))
print(string.format("%d cycles: gc_threads %.4f s, sweep %.4f s, gc %.4f s (%.1f %%)", r.gc.cycles,
                    c.gc_threads_s, c.sweep_s, c.gc_s, c.gc_fraction * 100))
