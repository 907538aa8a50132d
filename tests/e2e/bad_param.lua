gcb.run{ collector = "nogc", workload = "builder", params = { writes = -5 }, ops = 1 }
