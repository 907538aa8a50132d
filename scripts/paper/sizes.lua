-- paper/sizes.lua: the small configuration of every workload, shared by
-- paper/workloads.lua, paper/gopeer.lua and calibrate.lua so their tables
-- describe the same work.  Each is roughly 0.2-1 s on the Go-like
-- collectors; the op count is fixed, so every collector does the same work.
--
--   local sizes = dofile(DIR .. "/sizes.lua")   -- a fresh copy per call
--
-- Returns a list of { workload, params, ops }; callers may add fields to
-- their copy.
return {
  { workload = "api", params = { live = "4MiB", objects = 300 }, ops = 4000 },
  { workload = "binarytrees", params = { depth = 16, long_lived_depth = 14 }, ops = 2 },
  { workload = "builder", params = { writes = 100, piece = 36 }, ops = 50000 },
  { workload = "bytesbuffer", params = {}, ops = 10000 },
  { workload = "collect", params = { n = 1000 }, ops = 15000 },
  { workload = "jsontree", params = { size = "64KiB" }, ops = 400 },
  { workload = "lrucache", params = { live = "16MiB" }, ops = 300000 },
  { workload = "mapgrow", params = { n = 10000 }, ops = 150 },
  { workload = "rpc", params = {}, ops = 8000 },
}
