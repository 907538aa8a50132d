-- pacertrace: Go's own pacer figures per cycle, exact in bytes, beside
-- gctrace's; and none of the pacer's lines leak to the run's stderr.
local r = gcb.run{collector = "go", options = {pacertrace = true, experiment = "nogreenteagc"},
                  workload = "binarytrees", params = {depth = 14}, ops = 4, pin = "none"}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.collector.options.pacertrace == true, "pacertrace " .. tostring(r.collector.options.pacertrace))
assert(r.gc.cycles >= 3, "cycles " .. r.gc.cycles)
-- Go prints no pacer line for a cycle whose mark saw the heap not grow
-- (runtime/mgcpacer.go endCycle returns first when heapLive <= triggered;
-- seen on the first cycle, whose mutator waited in its assist): at most
-- one such cycle here, every other one carries its line.
local exact, positive, bare = 0, 0, 0
for i, c in ipairs(r.gc.log) do
  if c.scan_bytes == nil then bare = bare + 1 end
  assert(c.scan_bytes == nil or c.scan_bytes > 0, "cycle " .. i .. ": scan_bytes " .. tostring(c.scan_bytes))
  assert(c.cons_mark == nil or c.cons_mark >= 0, "cycle " .. i .. ": cons_mark " .. tostring(c.cons_mark))
  if c.cons_mark and c.cons_mark > 0 then positive = positive + 1 end
  -- gctrace alone gives whole MiB; the pacer's line gives bytes
  if c.trigger_bytes % 1048576 ~= 0 or c.goal_bytes % 1048576 ~= 0 then exact = exact + 1 end
  assert(c.heap_end_bytes > 0, "cycle " .. i .. ": heap_end_bytes")
end
assert(bare <= 1, bare .. " of " .. #r.gc.log .. " cycles without the pacer's line: not joined")
assert(exact > 0, "no cycle has byte-exact trigger or goal: the pacer lines were not joined")
assert(positive > 0, "no cycle carried Go's cons/mark")
print(string.format("%d cycles; last: trigger %d B, goal %d B, cons/mark %.3f, scan %d B", r.gc.cycles,
  r.gc.log[#r.gc.log].trigger_bytes, r.gc.log[#r.gc.log].goal_bytes, r.gc.log[#r.gc.log].cons_mark or 0,
  r.gc.log[#r.gc.log].scan_bytes))
