-- With GCBENCH_GO_FAULT=crash|hang (the driver's test-only switch) the twin
-- crashes or hangs; the runner records crashed / timeout like any run.
local r = gcb.run{collector = "go", workload = "builder", params = {writes = 10}, ops = 100, timeout = 5}
