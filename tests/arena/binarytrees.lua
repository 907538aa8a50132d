-- binarytrees with arena = true validates on the arena plugin (verify on,
-- both modes) and on collectors without arenas (the fallback).
for _, c in ipairs({ { "arena", { chunk = "256KiB", verify = true } },
                     { "arena", { chunk = "256KiB", verify = true, mode = "stw" } },
                     { "arena", {} }, { "marksweep", {} }, { "malloc", {} } }) do
  local r = gcb.run{ collector = c[1], options = c[2], workload = "binarytrees",
                     params = { depth = 12, long_lived_depth = 10, arena = true }, ops = 2,
                     pin = "none", timeout = 120 }[1]
  assert(r.status == "ok" and r.validation == "passed",
         c[1] .. ": " .. r.status .. ": " .. tostring(r.error or r.validation))
  print(string.format("binarytrees arena=true on %s: ok (%d cycles)", c[1], r.gc.cycles))
end
