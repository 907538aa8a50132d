-- inject.lua COLLECTOR OPS [name=value ...]: one fuzz run, meant to fail
-- (a planted bug, param inject, or corrupt); prints its status and why.
-- The test (expect.sh) checks gcbench's exit status 1 and the message.
-- pin=N runs it pinned to PU N alone (one proc).
local collector, ops = arg[1], tonumber(arg[2])
local params, options, pin = {}, {}, "none"
for i = 3, #arg do
  local k, v = arg[i]:match("^([^=]+)=(.*)$")
  if k == "pin" then pin = { tonumber(v) }
  elseif k:sub(1, 2) == "o." then options[k:sub(3)] = v else params[k] = v end
end
local r = gcb.run{ collector = collector, options = options, workload = "fuzz", params = params,
                   ops = ops, pin = pin, timeout = 3000 }[1]
print(r.status, r.error or r.validation)
