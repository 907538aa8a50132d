gcb.run{ collector = "nogc", workload = "builder", opps = 10 }
