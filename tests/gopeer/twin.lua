-- One workload's Go twin (GOPEER_WORKLOAD) on the go collector at a small
-- size: ok and schema-valid, the same checksum as the C workload on nogc for
-- the same params, seed and ops, and `corrupt = true` fails validation.
local name = assert(os.getenv("GOPEER_WORKLOAD"), "GOPEER_WORKLOAD unset")
local w
for _, x in ipairs(gcb.workloads()) do if x.name == name then w = x end end
assert(w, "no workload " .. name)
local ops = math.max(1, math.min(w.default_ops // 20, 2000))
local c = gcb.run{collector = "nogc", workload = name, ops = ops, threads = 2}[1]
local g = gcb.run{collector = "go", workload = name, ops = ops, threads = 2}[1]
assert(c.status == "ok", "C run: " .. tostring(c.error))
assert(g.status == "ok", "go run: " .. tostring(g.error))
assert(g.checksum == c.checksum, "go checksum " .. tostring(g.checksum) .. ", C " .. tostring(c.checksum))
local bad = gcb.run{collector = "go", workload = name, params = {corrupt = true}, ops = ops}[1]
assert(bad.status == "failed" and bad.validation ~= "passed",
       "corrupt twin: status " .. bad.status .. ", validation " .. tostring(bad.validation))
