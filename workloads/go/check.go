package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// runCheck is `gcbench-go check WORKLOAD OPS THREADS [name=value ...]`: run
// a twin without measuring anything and print its checksum (or its
// validation failure); for tests and for writing a twin.
func runCheck(args []string) int {
	if len(args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gcbench-go check WORKLOAD OPS THREADS [name=value ...]")
		return 2
	}
	t, ok := twins[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "gcbench-go: unknown workload %q (known: %s)\n", args[0],
			strings.Join(twinNames(), ", "))
		return 2
	}
	var ops uint64
	var threads int
	if _, err := fmt.Sscan(args[1], &ops); err != nil {
		fmt.Fprintf(os.Stderr, "gcbench-go: ops %q: %v\n", args[1], err)
		return 2
	}
	if _, err := fmt.Sscan(args[2], &threads); err != nil || threads < 1 {
		fmt.Fprintf(os.Stderr, "gcbench-go: threads %q: not a positive integer\n", args[2])
		return 2
	}
	over := map[string]string{}
	for _, a := range args[3:] {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "gcbench-go: %q is not name=value\n", a)
			return 2
		}
		over[k] = v
	}
	p, err := t.params(over)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcbench-go:", err)
		return 2
	}
	w := t.New()
	if err := w.setup(p, threads); err != nil {
		fmt.Println("failed:", err)
		return 1
	}
	errs := make([]error, threads)
	var wg sync.WaitGroup
	for tid := 0; tid < threads; tid++ {
		quota := ops / uint64(threads)
		if uint64(tid) < ops%uint64(threads) {
			quota++
		}
		wg.Add(1)
		go func(tid int, quota uint64) {
			defer wg.Done()
			if err := w.threadInit(tid); err != nil {
				errs[tid] = err
				return
			}
			for i := uint64(0); i < quota; i++ {
				if err := w.op(tid, i); err != nil {
					errs[tid] = err
					break
				}
			}
			if err := w.threadFini(tid); err != nil && errs[tid] == nil {
				errs[tid] = err
			}
		}(tid, quota)
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			fmt.Println("failed:", e)
			return 1
		}
	}
	fmt.Println(w.checksum())
	return 0
}
