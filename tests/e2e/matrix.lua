-- matrix.lua COLLECTOR WORKLOAD: one small run of the pair; fails (exit 2)
-- unless the run is ok, validated and measured.  That its records have
-- every field of the schema with the right type is checked after the run
-- by tests/runner/check_records (from harness/common/record_schema.h).
local collector, workload = arg[1], arg[2]
local small = {
  builder     = { params = { writes = 200, piece = 36 }, ops = 2000 },
  binarytrees = { params = { depth = 10, long_lived_depth = 8 }, ops = 2 },
}
local cfg = small[workload] or { params = {}, duration = 0.2 }
local runs = gcb.run{ collector = collector, workload = workload, params = cfg.params,
                      ops = cfg.ops, duration = cfg.duration, ["repeat"] = 2,
                      timeout = 120, pin = "core" }
assert(#runs == 2, "expected 2 records, got " .. #runs)

for i, r in ipairs(runs) do
  assert(r.schema == "gcbench.run/1", "schema is " .. tostring(r.schema))
  assert(r.status == "ok", string.format("run %d status %s: %s", i, r.status, tostring(r.error)))
  assert(r.validation == "passed", "validation: " .. tostring(r.validation))
  assert(r.collector.name == collector and r.workload.name == workload, "names differ from the request")
  assert(r.ops > 0 and r.wall_s > 0 and r.ops_per_s > 0, "no operations measured")
  assert(r.bytes_allocated > 0 and r.objects_allocated > 0, "no allocation counted")
  assert(r.rss.peak_bytes > 0, "no RSS measured")
  for _, w in ipairs({"0.001", "0.01", "0.1", "1"}) do
    local u = r.mmu[w]
    assert(type(u) == "number", "mmu[" .. w .. "] is " .. type(u))
    assert(u >= 0 and u <= 1, "mmu " .. w .. " = " .. u)
  end
  assert(r.pauses.count == #r.pauses.log, "pauses.count differs from the pause log")
  assert(r.gc.cycles == #r.gc.log, "gc.cycles differs from the cycle log")
  assert(r.id ~= runs[3 - i].id, "two runs share an id")
end
-- Same request, same fixed op count, same deterministic work: the exact
-- metrics agree (runs by duration do different amounts of work).
assert(cfg.duration or runs[1].bytes_allocated == runs[2].bytes_allocated, "bytes_allocated differs between repetitions")
print(string.format("matrix %s x %s: ok (%.0f ops/s, %d cycles)", collector, workload,
                    runs[1].ops_per_s, runs[1].gc.cycles))
