-- pool.lua COLLECTOR: builder, bytesbuffer and api with pool = true on
-- COLLECTOR, one and two threads; every run ok and validated, the record
-- carries pool counters, and the pool served most gets.
local collector = arg[1]
local cfgs = {
  builder = { params = { writes = 100, pool = true }, ops = 4000 },
  bytesbuffer = { params = { pool = true }, ops = 1000 },
  api = { params = { live = "256KiB", pool = true }, ops = 400 },
}
for _, name in ipairs({ "builder", "bytesbuffer", "api" }) do
  local c = cfgs[name]
  for _, threads in ipairs({ 1, 2 }) do
    local r = gcb.run{ collector = collector, workload = name, params = c.params, ops = c.ops,
                       threads = threads, pin = "none", timeout = 120 }[1]
    assert(r.status == "ok", string.format("%s x %s pool, %d threads: %s: %s", collector, name,
                                           threads, r.status, tostring(r.error or r.validation)))
    assert(r.validation == "passed")
    assert(type(r.pool) == "table" and r.pool.gets > 0, name .. ": no pool counters in the record")
    assert(r.pool.hits > r.pool.gets / 2,
           string.format("%s: the pool served %d of %d gets", name, r.pool.hits, r.pool.gets))
    print(string.format("pool %s x %s, %d threads: ok (%d gets, %d hits, %d from victims, %d drops, %d cycles)",
      collector, name, threads, r.pool.gets, r.pool.hits, r.pool.victim_hits, r.pool.drops, r.gc.cycles))
  end
end
