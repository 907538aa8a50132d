-- slurm_timelimit.lua GC: run with --time 1; the first task hangs past
-- Slurm's time limit (its own run timeout is far away) and is recorded
-- "timeout" from its Slurm state; the second task's record is kept.
local gc = arg[1]
local l = gcb.sweep{
  {collector = gc, options = {hang_after = 100}, workload = "binarytrees", params = {depth = 6},
   ops = 20, timeout = 600},
  {collector = gc, workload = "binarytrees", params = {depth = 6}, ops = 20}}
assert(l[1][1].status == "timeout", "status " .. tostring(l[1][1].status))
assert(l[1][1].error:find("TIMEOUT", 1, true), "error " .. tostring(l[1][1].error))
assert(l[2][1].status == "ok", "second: " .. tostring(l[2][1].error))
