-- pauses.lua: where the pause time goes, per phase.  One run of a
-- collector on binarytrees; prints count, p50 and max of each pause phase
-- (sweep-termination, mark-termination, stw-mark, ...).
--
--   gcbench run scripts/bench/pauses.lua [-- COLLECTOR [DEPTH [MODE]]]
local collector = arg[1] or "marksweep"
local depth = tonumber(arg[2] or "18") or error("pauses.lua: DEPTH must be a number")
local options = arg[3] and { mode = arg[3] } or {}
local r = gcb.run{ collector = collector, options = options, workload = "binarytrees",
                   params = { depth = depth }, ops = 1, pin = "none", timeout = 300 }[1]
assert(r.status == "ok", r.status .. ": " .. tostring(r.error or r.validation))
local by, order = {}, {}
for _, p in ipairs(r.pauses.log) do
  local phase, dur = p[3], p[2]
  if not by[phase] then by[phase] = {}; order[#order + 1] = phase end
  table.insert(by[phase], dur)
end
for _, phase in ipairs(order) do
  local v = by[phase]
  table.sort(v)
  print(string.format("%-20s %5d pauses  p50 %.3f ms  max %.3f ms", phase, #v, v[(#v + 1) // 2] * 1e3, v[#v] * 1e3))
end
print(string.format("wall %.3f s, %d cycles", r.wall_s, r.gc.cycles))
