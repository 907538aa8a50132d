-- Two go runs for report.sh: a fixed op count, so compare would treat
-- bytes_allocated as exact were it not marked approximate.
gcb.run{collector = "go", workload = "builder", params = {writes = 20}, ops = 4000, ["repeat"] = 2}
