gcb.run{ collector = "nogc", options = { chunk = "12 parsecs" }, workload = "builder", ops = 1 }
