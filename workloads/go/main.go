package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "check" {
		os.Exit(runCheck(os.Args[2:]))
	}
	fmt.Fprintln(os.Stderr, "usage: gcbench-go check WORKLOAD OPS THREADS [name=value ...]")
	os.Exit(2)
}
