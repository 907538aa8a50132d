-- report.lua RECORDS OUTDIR: gcb.report{} writes what `gcbench report`
-- writes (report.csv for format "csv", no figures), and raises on a bad
-- format, an unknown field and a missing file.
local records, out = arg[1], arg[2]
assert(gcb.report{ files = { records }, out = out, format = "csv" } == true)
local f = assert(io.open(out .. "/report.csv"), "report.csv written")
local header = f:read("l")
f:close()
assert(header and header:find("^group,metric,"), "csv header: " .. tostring(header))
local ok, err = pcall(gcb.report, { files = { records }, out = out, format = "pdf" })
assert(not ok and err:find("exited with status 2"), tostring(err))
ok, err = pcall(gcb.report, { files = { records }, outdir = out })
assert(not ok and err:find("unknown field 'outdir'"), tostring(err))
ok, err = pcall(gcb.report, { files = { out .. "/no/such.jsonl" }, out = out })
assert(not ok, "a missing records file raises")
print("report: ok")
