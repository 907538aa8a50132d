-- rpc, jsontree and api with region = true and escape = 0/10/50 % validate
-- on the regions plugin (verify on, both marking modes, 2 threads, a small
-- gogc so that cycles run while regions are open), with the same checksum
-- as on marksweep; escapes fade objects, regions reclaim the rest, and no
-- run without escapes fades anything.
local cases = {
  { "rpc", { requests = 8, items = 10 }, 600 },
  { "jsontree", { docs = 2, size = "8KiB" }, 120 },
  { "api", { live = "64KiB", objects = 90 }, 600 },
}
for _, w in ipairs(cases) do
  for _, e in ipairs({ 0, 10, 50 }) do
    local params = { region = true, escape = e }
    for k, v in pairs(w[2]) do params[k] = v end
    local base = gcb.run{ collector = "marksweep", workload = w[1], params = params, ops = w[3],
                          threads = 2, pin = "none", timeout = 120 }[1]
    assert(base.status == "ok", w[1] .. " on marksweep: " .. tostring(base.error))
    for _, mode in ipairs({ "concurrent", "stw" }) do
      local r = gcb.run{ collector = "regions", options = { verify = true, mode = mode, gogc = 10 },
                         workload = w[1], params = params, ops = w[3], threads = 2, pin = "none",
                         timeout = 300 }[1]
      local what = string.format("%s escape=%g on regions (%s)", w[1], e, mode)
      assert(r.status == "ok" and r.validation == "passed",
             what .. ": " .. r.status .. ": " .. tostring(r.error or r.validation))
      assert(r.checksum == base.checksum,
             what .. ": checksum " .. tostring(r.checksum) .. ", marksweep's " .. tostring(base.checksum))
      assert(r.region.entries == w[3], what .. ": " .. r.region.entries .. " region entries, want " .. w[3])
      assert(r.region.objects > 0 and r.region.reclaimed_bytes > 0, what .. ": nothing allocated or reclaimed")
      if e == 0 then
        assert(r.region.faded_objects == 0, what .. ": " .. r.region.faded_objects .. " objects faded")
      else
        assert(r.region.faded_objects > 0 and r.region.barrier_slow > 0, what .. ": nothing faded")
      end
      print(string.format("%s: ok (%d cycles, %d region objects, %d faded, %d slow paths)", what,
                          r.gc.cycles, r.region.objects, r.region.faded_objects, r.region.barrier_slow))
    end
  end
end
