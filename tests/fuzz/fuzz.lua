-- fuzz.lua COLLECTOR THREADS OPS [name=value ...]: the fuzz workload on
-- COLLECTOR, and the same request on a reference collector (malloc; nogc
-- for malloc itself); fails (exit 2) unless both runs are ok, validated,
-- and give the same checksum (the shadow, hence the checksum, depends only
-- on seed, threads, ops and params).  "o.NAME=V" is a collector option of
-- COLLECTOR, "ref=NAME" another reference collector ("none": no reference
-- run); anything else a workload param.
local collector, threads, ops = arg[1], tonumber(arg[2]), tonumber(arg[3])
local params, options = {}, {}
local ref = collector == "malloc" and "nogc" or "malloc"
for i = 4, #arg do
  local k, v = arg[i]:match("^([^=]+)=(.*)$")
  assert(k, "fuzz.lua: argument " .. arg[i] .. " is not name=value")
  if k:sub(1, 2) == "o." then options[k:sub(3)] = v
  elseif k == "ref" then ref = v
  else params[k] = v end
end
local function run(c, opts)
  local r = gcb.run{ collector = c, options = opts, workload = "fuzz", params = params,
                     threads = threads, ops = ops, pin = "none", timeout = 3000 }[1]
  assert(r.status == "ok", string.format("fuzz on %s, %d threads, %d ops: status %s: %s", c, threads,
                                         ops, r.status, tostring(r.error or r.validation)))
  assert(r.validation == "passed", "validation: " .. tostring(r.validation))
  assert(type(r.checksum) == "string" and #r.checksum == 16, "no checksum in the record")
  return r
end
local r = run(collector, options)
if ref ~= "none" then
  local q = run(ref, {})
  assert(r.checksum == q.checksum, string.format("checksum on %s %s, on %s %s: the shadow diverged",
                                                 collector, r.checksum, ref, q.checksum))
end
print(string.format("fuzz %s x %d threads: %d ops ok, checksum %s (reference %s), %d GC cycles",
                    collector, threads, r.ops, r.checksum, ref, r.gc.cycles))
