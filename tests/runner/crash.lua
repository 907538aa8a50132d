-- A run that dies by SIGSEGV between two good ones.
local gc = arg[1]
local function run(opts)
  return gcb.run{collector = gc, options = opts, workload = "binarytrees",
                 params = {depth = 6}, ops = 20, timeout = 30}[1]
end
local a = run{}
local b = run{crash_after = 100}
local c = run{}
local d = run{exit_after = 100}
assert(a.status == "ok", "first run: " .. tostring(a.error))
assert(b.status == "crashed", "crash run status " .. tostring(b.status))
assert(b.error:find("signal 11", 1, true), "crash error: " .. tostring(b.error))
assert(c.status == "ok", "third run: " .. tostring(c.error))
assert(d.status == "crashed", "exit run status " .. tostring(d.status))
assert(d.error == "child exited with status 3 without a record", "exit error: " .. tostring(d.error))
