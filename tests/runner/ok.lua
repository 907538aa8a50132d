-- Two threads, two repetitions on testgc: records complete, cycles recorded.
local gc = arg[1]
local runs = gcb.run{collector = gc, options = {every = 200}, workload = "binarytrees",
                     params = {depth = 6}, threads = 2, ops = 40, ["repeat"] = 2, timeout = 30}
assert(#runs == 2, "expected 2 records, got " .. #runs)
for i, r in ipairs(runs) do
  assert(r.status == "ok", "run " .. i .. ": " .. tostring(r.status) .. ": " .. tostring(r.error))
  assert(r.validation == "passed", "validation: " .. tostring(r.validation))
  assert(r.ops == 40, "ops " .. tostring(r.ops))
  assert(r.gc.cycles > 0 and #r.gc.log == r.gc.cycles, "cycles " .. tostring(r.gc.cycles))
  assert(r.pauses.count == 2 * r.gc.cycles, "pauses " .. r.pauses.count)
  assert(r.repetition == i - 1)
end
assert(runs[1].id:sub(1, 16) == runs[2].id:sub(1, 16), "run ids differ beyond the repetition")
for _, r in ipairs(runs) do
  assert(r.cpu.mutator_s > 0 and r.cpu.gc_s > 0, "cpu split")
  assert(r.cpu.gc_fraction > 0 and r.cpu.gc_fraction < 1, "gc_fraction " .. r.cpu.gc_fraction)
  assert(#r.pinning.mutator_pus == 2 and r.pinning.mutator_pus[1] == -1, "unpinned mutators")
  assert(#r.pinning.gc_pus == 0, "unpinned GC threads")
  assert(#r.timeline > 0 and #r.rss.samples > 0, "timeline and samples")
  assert(r.mmu["0.001"] <= r.mmu["1"] + 1e-9, "mmu grows with the window")
  assert(r.cpu.gc_threads_s > 0, "background GC thread CPU not counted")
  assert(r.cpu.sweep_s == 0, "testgc's thread is no sweeper, yet sweep_s " .. tostring(r.cpu.sweep_s))
  local sweeps = 0
  for _, e in ipairs(r.timeline) do
    if e[3] == "sweep" then
      assert(e[4] == r.threads, "sweep on thread index " .. e[4] .. ", the GC thread is " .. r.threads)
      sweeps = sweeps + 1
    end
  end
  assert(sweeps > 0, "no sweep spans in the timeline")
end

-- Pinned: each mutator on its own PU, read back; the GC set is every PU.
local p = gcb.run{collector = gc, workload = "binarytrees", params = {depth = 6},
                  threads = 2, ops = 10, pin = "pu", timeout = 30}[1]
assert(p.status == "ok", tostring(p.error))
assert(#p.pinning.mutator_pus == 2, "mutator_pus")
assert(p.pinning.mutator_pus[1] >= 0 and p.pinning.mutator_pus[2] >= 0, "bound")
assert(p.pinning.mutator_pus[1] ~= p.pinning.mutator_pus[2], "distinct PUs")
assert(#p.pinning.gc_pus >= 2, "gc_pus " .. #p.pinning.gc_pus)
