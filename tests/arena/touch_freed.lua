-- A read of a freed arena's memory crashes the run, and the record says why.
local r = gcb.run{ collector = "arena", workload = "binarytrees",
                   params = { depth = 8, arena = true, touch_freed = true }, ops = 1, pin = "none" }[1]
print(r.status, r.error)
