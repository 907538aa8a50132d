module gcbench/twins

go 1.26
