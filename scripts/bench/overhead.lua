-- overhead.lua: what the harness's own measurement costs.  Runs the same
-- configuration with per-operation latency recording on and off,
-- interleaved (on, off, on, off, ...) so machine drift hits both alike, and
-- prints the ratio of median throughputs.  Issue 2 asks for <= 2 %.
--
--   gcbench run scripts/bench/overhead.lua [-- REPS [COLLECTOR [WORKLOAD]]]
local reps = tonumber(arg[1] or "7")
local collector = arg[2] or "nogc"
local workload = arg[3] or "builder"
local params = { builder = { writes = 10, piece = 36 }, binarytrees = { depth = 12 } }
local ops = { builder = 400000, binarytrees = 20 }

local on, off = {}, {}
for i = 1, reps do
  for _, rec in ipairs({ true, false }) do
    local r = gcb.run{ collector = collector, workload = workload, params = params[workload] or {},
                       ops = ops[workload], record_latency = rec, pin = "core", timeout = 120 }[1]
    assert(r.status == "ok", "run failed: " .. tostring(r.error or r.validation))
    table.insert(rec and on or off, r.ops_per_s)
  end
end
local function median(t) table.sort(t); return t[(#t + 1) // 2] end
local mon, moff = median(on), median(off)
print(string.format("%s/%s: median ops/s with latency recording %.0f, without %.0f (%d runs each)",
                    collector, workload, mon, moff, reps))
print(string.format("recording overhead: %.2f %% of throughput", (moff - mon) / moff * 100))
