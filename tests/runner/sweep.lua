-- sweep.lua GC MODE [DURATION]: 3 configurations x 4 repetitions of
-- binarytrees on GC, as one gcb.sweep (MODE "sweep") or as three serial
-- gcb.run calls (MODE "serial").  Both return each configuration's
-- records in repetition order, with key = config_hash .. "-" .. repetition.
-- With DURATION, each run lasts that many seconds (for the kill test);
-- with a 4th argument "any", a run may have failed (for the cancel test).
local gc, mode, duration, any = arg[1], arg[2], tonumber(arg[3]), arg[4] == "any"
local specs = {}
for i, d in ipairs{4, 5, 6} do
  specs[i] = {collector = gc, options = {every = 200}, workload = "binarytrees",
              params = {depth = d}, ["repeat"] = 4, timeout = 60,
              ops = (not duration) and 40 or nil, duration = duration}
end
local lists
if mode == "sweep" then
  lists = gcb.sweep(specs)
else
  lists = {}
  for i, s in ipairs(specs) do lists[i] = gcb.run(s) end
end
assert(#lists == 3, "expected 3 lists, got " .. #lists)
local seen = {}
for i, l in ipairs(lists) do
  assert(#l == 4, "config " .. i .. ": expected 4 records, got " .. #l)
  for j, r in ipairs(l) do
    assert(any or r.status == "ok", "config " .. i .. " run " .. j .. ": " .. tostring(r.error))
    assert(r.repetition == j - 1, "out of order: repetition " .. r.repetition .. " at " .. j)
    assert(r.key == r.config_hash .. "-" .. (j - 1), "key " .. tostring(r.key))
    assert(r.workload.params.depth == specs[i].params.depth, "config " .. i .. " got another's record")
    assert(not seen[r.key], "key twice: " .. r.key)
    seen[r.key] = true
  end
end
