-- A run that hangs is killed after `timeout` seconds.
local gc = arg[1]
local r = gcb.run{collector = gc, options = {hang_after = 50}, workload = "binarytrees",
                  params = {depth = 6}, ops = 20, timeout = 2}[1]
assert(r.status == "timeout", "status " .. tostring(r.status))
assert(r.error == "run exceeded timeout of 2 s", "error: " .. tostring(r.error))
