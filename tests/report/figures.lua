-- figures.lua: 2 workloads x 3 collectors at a tiny size, 2 runs each, for
-- figures.sh (readable labels in the SVG figures) and html.sh (the page in
-- Chromium).  Also checks that every record returned carries every
-- provenance field, non-empty.
local fields = { "gcbench_version", "commit", "dirty", "compiler", "cflags", "build_type",
                 "hostname", "kernel", "cpu_model", "cores", "pus", "topology", "script",
                 "script_hash" }
local runs = {
  builder = { params = { writes = 20, piece = 36 }, ops = 2000 },
  binarytrees = { params = { depth = 8, long_lived_depth = 6 }, ops = 2 },
}
for _, w in ipairs{ "builder", "binarytrees" } do
  for _, c in ipairs{ "marksweep", "malloc", "freetracked" } do
    local recs = gcb.run{ collector = c, workload = w, params = runs[w].params, ops = runs[w].ops,
                          ["repeat"] = 2 }
    for _, r in ipairs(recs) do
      assert(r.status == "ok", c .. "/" .. w .. ": " .. tostring(r.error))
      assert(type(r.provenance) == "table", "record without provenance")
      for _, k in ipairs(fields) do
        local v = r.provenance[k]
        assert(v ~= nil and tostring(v) ~= "" and v ~= 0, "provenance." .. k .. " missing or empty")
      end
      assert(r.provenance.script == arg[0], "provenance.script is " .. r.provenance.script)
      assert(r.provenance.script_hash:match("^fnv1a64:%x+$"), "script_hash " .. r.provenance.script_hash)
    end
  end
end
