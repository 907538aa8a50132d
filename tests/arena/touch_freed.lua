-- A read of a freed arena's memory crashes the run, and the record says why.
-- The stretch tree spans several 64 KiB chunks, so its leftmost leaf lies
-- in a full chunk (faulted at the free; the last one is kept for reuse).
-- GOGC off: a free during a mark only lists its full chunks, to be faulted
-- when the mark's termination ends (Go's fault list), so with cycles
-- running the read could land in that window and succeed.
local r = gcb.run{ collector = "arena", options = { chunk = 65536, gogc = "off" }, workload = "binarytrees",
                   params = { depth = 12, arena = true, touch_freed = true }, ops = 1, pin = "none" }[1]
print(r.status, r.error)
