package main

import (
	"fmt"
	"os"
)

const usage = `usage: gcbench-go check WORKLOAD OPS THREADS [name=value ...]
       gcbench-go run    (spec JSON on stdin, record on fd 3; see runspec.go)`

func main() {
	if len(os.Args) >= 2 {
		switch os.Args[1] {
		case "check":
			os.Exit(runCheck(os.Args[2:]))
		case "run":
			os.Exit(runMain())
		}
	}
	fmt.Fprintln(os.Stderr, usage)
	os.Exit(2)
}
