-- forcegc.lua: with GOGC off nothing paces a cycle, so only the forced
-- cycle (Go's forcegcperiod; here the option forcegc, default 120 s) runs
-- one: several in a 0.8 s run with forcegc = 0.1, none with forcegc = off.
local function run(force)
  local r = gcb.run{ collector = "marksweep", options = { gogc = "off", forcegc = force },
                     workload = "api", params = { live = "64KiB" }, duration = 0.8, pin = "none",
                     timeout = 60 }[1]
  assert(r.status == "ok", r.status .. ": " .. tostring(r.error or r.validation))
  return r.gc.cycles
end
local forced, never = run(0.1), run("off")
print(string.format("forcegc: %d cycles with forcegc = 0.1 s, %d with off", forced, never))
assert(never == 0, "a cycle ran with GOGC and forcegc off")
assert(forced >= 3, "forcegc = 0.1 s over 0.8 s forced only " .. forced .. " cycles")
