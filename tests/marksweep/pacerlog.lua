-- pacerlog.lua: every cycle of the Go-like pacer reports, in gc.log, the
-- cons/mark estimate that set its runway, its scan work (heap + stacks +
-- globals) and the heap at mark end (MARK_END).  The scan work covers the
-- modelled runtime's globals every cycle, and the estimate, 0 before any
-- mark was measured, becomes positive once the mutator allocated during a
-- mark; the same figures Go's gcpacertrace prints (the go peer's
-- `pacertrace`).
local globals = 65536
local r = gcb.run{ collector = "marksweep", options = { globals = globals }, workload = "binarytrees",
                   params = { depth = 12 }, ops = 60, pin = "none", timeout = 120 }[1]
assert(r.status == "ok" and r.validation == "passed", r.status .. ": " .. tostring(r.error or r.validation))
assert(r.gc.cycles >= 3, "too few cycles to check: " .. r.gc.cycles)
local positive = 0
for i, c in ipairs(r.gc.log) do
  assert(c.scan_bytes and c.scan_bytes >= globals,
    "cycle " .. i .. ": scan_bytes " .. tostring(c.scan_bytes) .. " below the globals' " .. globals)
  assert(c.cons_mark and c.cons_mark >= 0, "cycle " .. i .. ": cons_mark " .. tostring(c.cons_mark))
  assert(c.heap_end_bytes and c.heap_end_bytes > 0, "cycle " .. i .. ": heap_end_bytes missing")
  if c.cons_mark > 0 then positive = positive + 1 end
end
assert(r.gc.log[1].cons_mark == 0, "the first cycle has no estimate yet: " .. r.gc.log[1].cons_mark)
assert(positive > 0, "no cycle carried a cons/mark estimate")
print(string.format("%d cycles, %d with a cons/mark estimate; last: cons/mark %.3f, scan %d B",
  r.gc.cycles, positive, r.gc.log[#r.gc.log].cons_mark, r.gc.log[#r.gc.log].scan_bytes))
