-- slurm_crash.lua GC: one sweep whose second entry crashes (SIGSEGV) and
-- whose third exceeds its run timeout; the other records are kept, and all
-- come back in plan order with their Slurm coordinates.
local gc = arg[1]
local function spec(opts, timeout)
  return {collector = gc, options = opts, workload = "binarytrees", params = {depth = 6},
          ops = 20, timeout = timeout or 30}
end
local l = gcb.sweep{spec{}, spec{crash_after = 100}, spec({hang_after = 100}, 1), spec{}}
assert(#l == 4, "4 lists")
assert(l[1][1].status == "ok", "first: " .. tostring(l[1][1].error))
assert(l[2][1].status == "crashed", "crash status " .. tostring(l[2][1].status))
assert(l[2][1].error:find("signal 11", 1, true), "crash error " .. tostring(l[2][1].error))
assert(l[3][1].status == "timeout", "timeout status " .. tostring(l[3][1].status))
assert(l[4][1].status == "ok", "last: " .. tostring(l[4][1].error))
for i = 1, 4 do
  local s = l[i][1].slurm
  assert(s and s.job_id ~= "" and s.array_task_id == i - 1 and s.node ~= "",
         "slurm fields of entry " .. i)
end
