-- scripts/ci/suite.lua: the small fixed suite CI compares against
-- results/baselines/ci.jsonl.  Fixed op counts (never durations), one
-- mutator thread and fixed seeds, so bytes and objects allocated are exact
-- and any change in them is a real change in behaviour.  Seconds, not
-- minutes, on 2 cores.
--
--   gcbench run scripts/ci/suite.lua --out NEW.jsonl
--   gcbench compare results/baselines/ci.jsonl NEW.jsonl --timing-advisory
local reps = tonumber(arg[1] or "3")
local configs = {
  { workload = "builder",     params = { writes = 100, piece = 36 }, ops = 20000 },
  { workload = "binarytrees", params = { depth = 12, long_lived_depth = 10 }, ops = 4 },
  { workload = "mapgrow",     params = {}, ops = 20 },
  { workload = "rpc",         params = {}, ops = 2000 },
}
local collectors = {
  { name = "nogc" }, { name = "malloc" },
  { name = "marksweep", options = { mode = "stw" } },
  { name = "marksweep", options = { mode = "concurrent" } },
}
local failed = 0
for _, c in ipairs(collectors) do
  for _, w in ipairs(configs) do
    local runs = gcb.run{ collector = c.name, options = c.options or {}, workload = w.workload,
                          params = w.params, ops = w.ops, ["repeat"] = reps, timeout = 120 }
    for _, r in ipairs(runs) do
      if r.status ~= "ok" then
        failed = failed + 1
        io.stderr:write(string.format("suite: %s/%s %s: %s\n", c.name, w.workload, r.status,
                                      tostring(r.error or r.validation)))
      end
    end
  end
end
print(string.format("ci suite: %d configurations x %d repetitions, %d failed; records in %s",
                    #collectors * #configs, reps, failed, gcb.out))
