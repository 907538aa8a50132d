-- GOEXPERIMENT reaches the binary: the record names the experiment.
local want = os.getenv("GOPEER_EXPERIMENT")
local r = gcb.run{collector = "go", options = {experiment = want}, workload = "builder",
                  params = {writes = 10}, ops = 1000}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.collector.options.experiment == want, "options.experiment " .. tostring(r.collector.options.experiment))
local seen = false
for _, e in ipairs(r.collector.experiments) do seen = seen or e == want end
assert(seen, "collector.experiments lacks " .. want)
assert(r.collector.version:find("X:" .. want, 1, true), "version " .. r.collector.version)
