-- A collector that breaks the event pairing rules fails the run (the
-- process itself ends normally: "failed" is data, not a crash).
local gc = arg[1]
local r = gcb.run{collector = gc, options = {bad_pairing = true, every = 50},
                  workload = "binarytrees", params = {depth = 6}, ops = 10, timeout = 30}[1]
assert(r.status == "failed", "status " .. tostring(r.status))
assert(r.error:find("PAUSE_END (stray) without PAUSE_BEGIN", 1, true), "error: " .. tostring(r.error))
assert(r.validation == "passed", "validation " .. tostring(r.validation))
assert(r.ops == 10, "the run itself completed")
