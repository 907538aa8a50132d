-- gcb.collectors() (the catalog behind `gcbench list --json`) has go with
-- its five options, typed, and either a version or the reason it is
-- unavailable.
local go
for _, c in ipairs(gcb.collectors()) do if c.name == "go" then go = c end end
assert(go, "no go collector in the list")
local want = {gogc = "int", memlimit = "bytes", gomaxprocs = "int", experiment = "set", ballast = "bytes"}
local seen = 0
for _, o in ipairs(go.options) do
  assert(want[o.name] == nil or want[o.name] == o.type, o.name .. " has type " .. o.type)
  if want[o.name] then seen = seen + 1 end
end
assert(seen == 5, "go lists " .. seen .. " of its 5 options")
for _, e in ipairs({"nogreenteagc", "runtimefreegc", "arenas"}) do
  local ok = false
  for _, o in ipairs(go.options) do
    if o.name == "experiment" and ("|" .. o.choices .. "|"):find("|" .. e .. "|", 1, true) then ok = true end
  end
  assert(ok, "experiment does not offer " .. e)
end
if go.available then
  assert(go.version:match("^go1%.%d+"), "version " .. tostring(go.version))
else
  assert(type(go.unavailable) == "string" and #go.unavailable > 0, "unavailable without a reason")
end
print("list.lua: ok (" .. (go.available and go.version or go.unavailable) .. ")")
