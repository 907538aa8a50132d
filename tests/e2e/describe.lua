-- describe: a plugin's own description of its heap reaches the record
-- (collector.description, from collector->describe), never stderr; without
-- describe the record carries the table's description.  The test fails on
-- a "boehm: libgc" line in the output (FAIL_REGULAR_EXPRESSION).
local table_desc = {}
for _, c in ipairs(gcb.collectors()) do table_desc[c.name] = c.description end
if table_desc.boehm then
  local r = gcb.run{collector = "boehm", workload = "builder", ops = 1000, timeout = 60}[1]
  assert(r.status == "ok", tostring(r.error))
  assert(r.collector.description:match("^libgc %d+%.%d+%.%d+: %d+ marker thread"),
         "boehm description: " .. tostring(r.collector.description))
end
local r = gcb.run{collector = "malloc", workload = "builder", ops = 1000, timeout = 60}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.collector.description == table_desc.malloc,
       "malloc description: " .. tostring(r.collector.description))
print("describe: ok")
