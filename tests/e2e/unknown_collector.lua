gcb.run{ collector = "nosuchgc", workload = "builder", ops = 1 }
