gcb.run{collector = "go", options = {experiment = "greenmarking"}, workload = "builder", ops = 10}
