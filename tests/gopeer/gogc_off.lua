-- GOGC off: hundreds of MB allocated and not one cycle; GOMAXPROCS as asked.
local r = gcb.run{collector = "go", options = {gogc = "off", gomaxprocs = 1}, workload = "builder",
                  params = {writes = 1000, piece = 100}, ops = 1500}[1]
assert(r.status == "ok", tostring(r.error))
assert(r.collector.options.gogc == "off", "gogc " .. tostring(r.collector.options.gogc))
assert(r.bytes_allocated > 200e6, "bytes_allocated " .. r.bytes_allocated)
assert(r.gc.cycles == 0, "gc.cycles " .. r.gc.cycles)
assert(r.pauses.count == 0, "pauses " .. r.pauses.count)
assert(r.procs == 1 and r.collector.gomaxprocs == 1, "gomaxprocs " .. tostring(r.procs))
