-- median.lua: gcb.median over ok runs only, dotted paths, functions, NaN
-- when no run is ok, the mean of the middle two for an even count (the
-- report's median), and an error naming a non-numeric field.
local runs = {
  { status = "ok", wall_s = 3, pauses = { p99_s = 0.3 } },
  { status = "failed", wall_s = 100, pauses = { p99_s = 9 } },
  { status = "ok", wall_s = 1, pauses = { p99_s = 0.1 } },
  { status = "ok", wall_s = 2, pauses = { p99_s = 0.2 } },
  { status = "ok", wall_s = 4, pauses = { p99_s = 0.4 } },
}
assert(gcb.median(runs, "wall_s") == 2.5, "median of 1,2,3,4 is 2.5")
assert(math.abs(gcb.median(runs, "pauses.p99_s") - 0.25) < 1e-12)
assert(gcb.median(runs, function(r) return r.wall_s * 10 end) == 25)
table.remove(runs) -- 1, 2, 3 ok: odd count, the middle value
assert(gcb.median(runs, "wall_s") == 2)
local nan = gcb.median({ { status = "crashed", wall_s = 1 } }, "wall_s")
assert(nan ~= nan, "no ok run: NaN")
local ok, err = pcall(gcb.median, runs, "pauses")
assert(not ok and err:find("field 'pauses' of run 1 is table"), tostring(err))
print("median: ok")
