-- threads.lua COLLECTOR: every workload with threads = 2 on COLLECTOR, small;
-- fails (exit 2) unless every run is ok and validated, with both threads'
-- allocation counted.  Mutator threads share the heap, so this covers the
-- collectors' multi-mutator paths (handshakes, per-thread caches, roots).
local collector = arg[1]
local small = {
  builder     = { params = { writes = 200, piece = 36 }, ops = 2000 },
  binarytrees = { params = { depth = 10, long_lived_depth = 8 }, ops = 4 },
  lrucache    = { params = { live = "1MiB" }, ops = 20000 },
}
local n = 0
for _, w in ipairs(gcb.workloads()) do
  local cfg = small[w.name] or { params = {}, duration = 0.2 }
  local runs = gcb.run{ collector = collector, workload = w.name, params = cfg.params,
                        ops = cfg.ops, duration = cfg.duration, threads = 2,
                        timeout = 120, pin = "none" }
  local r = runs[1]
  assert(r.status == "ok", string.format("%s x %s, 2 threads: status %s: %s", collector, w.name,
                                         r.status, tostring(r.error or r.validation)))
  assert(r.validation == "passed", w.name .. ": validation " .. tostring(r.validation))
  assert(r.threads == 2, w.name .. ": record says threads = " .. tostring(r.threads))
  assert(r.ops > 0 and r.bytes_allocated > 0, w.name .. ": nothing measured")
  print(string.format("threads %s x %s: ok (%.0f ops/s, %d cycles)", collector, w.name,
                      r.ops_per_s, r.gc.cycles))
  n = n + 1
end
assert(n > 0, "no workloads")
