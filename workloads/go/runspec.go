package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// runSpec is what the runner (harness/gopeer.c) sends `gcbench-go run` on
// stdin, one JSON object:
//
//	record         the run's record as `gcbench __child` would start it
//	               (harness/record.c: id, time, collector and workload with
//	               every option and param resolved, pinning policy, every
//	               metric at zero); the driver fills in the measurements
//	workload       twin name
//	params         every param of the C workload, as canonical text
//	threads        mutator goroutines (each locked to its own OS thread)
//	ops            total ops, split as the C runner splits them; 0 with duration
//	duration       seconds of ops per mutator; 0 with ops
//	mutator_pus    PU of mutator tid (index tid % len); empty: no binding
//	sample_hz      RSS sampler rate
//	record_latency false: no per-op timing
//	ballast        bytes of a live, never touched make([]byte, N); 0: none
//	runtime_probe  force two cycles before the workload's set-up and report
//	               the runtime's own heap after them (record.go); for
//	               calibration, not for a run measured against a model
//
// GOGC, GOMEMLIMIT, GOMAXPROCS and GODEBUG=gctrace=1 come from the
// environment the runner starts the process with, and the process mask
// (the run's PUs) from its affinity, so they hold from runtime init on.
type runSpec struct {
	Record        map[string]any    `json:"record"`
	Workload      string            `json:"workload"`
	Params        map[string]string `json:"params"`
	Threads       int               `json:"threads"`
	Ops           uint64            `json:"ops"`
	Duration      float64           `json:"duration"`
	MutatorPUs    []int             `json:"mutator_pus"`
	SampleHz      float64           `json:"sample_hz"`
	RecordLatency bool              `json:"record_latency"`
	Ballast       int64             `json:"ballast"`
	RuntimeProbe  bool              `json:"runtime_probe"`
}

func readSpec(r io.Reader) (*runSpec, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber() // the record's integers stay integers
	s := &runSpec{SampleHz: 100, RecordLatency: true}
	if err := dec.Decode(s); err != nil {
		return nil, fmt.Errorf("run spec on stdin: %v", err)
	}
	switch {
	case s.Record == nil:
		return nil, fmt.Errorf("run spec on stdin: no record")
	case s.Threads < 1:
		return nil, fmt.Errorf("run spec on stdin: threads %d < 1", s.Threads)
	case !(s.SampleHz > 0):
		return nil, fmt.Errorf("run spec on stdin: sample_hz %g <= 0", s.SampleHz)
	case (s.Ops == 0) == (s.Duration <= 0):
		return nil, fmt.Errorf("run spec on stdin: give exactly one of ops and duration")
	}
	return s, nil
}
