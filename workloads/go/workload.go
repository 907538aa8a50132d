// Package main is gcbench-go: the Go twins of gcbench's workloads, run by
// the real Go runtime as the `go` peer collector.
//
// One file per workload (builder.go, binarytrees.go, ...), each the
// idiomatic Go program that workloads/<name>.c models: the same params with
// the same defaults, the same work per op for the same seed, the same
// validation, and the same checksum (digest.go).  The driver (main.go)
// runs a twin the way `gcbench __child` runs a C workload: setup once,
// then on each mutator goroutine threadInit, op for i = 0..quota-1 (ops
// split as the C runner splits them: ops/threads each, the first
// ops%threads threads one more), threadFini; checksum after every thread
// finished.
package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Workload is one twin's run state, made fresh by its factory per run.
// op, threadInit and threadFini run on mutator tid's goroutine; a
// returned error fails the run with its text as the validation message.
type Workload interface {
	setup(p Params, nthreads int) error
	threadInit(tid int) error
	op(tid int, i uint64) error
	threadFini(tid int) error
	checksum() string
}

// ParamKind mirrors gcb_option_type.
type ParamKind int

const (
	ParamInt   ParamKind = iota // int64
	ParamBytes                  // int64 byte count ("64MiB" accepted on the command line)
	ParamFloat                  // float64
	ParamBool                   // bool
	ParamEnum                   // string, one of Choices
)

// ParamDesc mirrors one gcb_option_desc of the C workload: same name, kind
// and default text (a test checks them against `gcbench list --json`).
type ParamDesc struct {
	Name    string
	Kind    ParamKind
	Default string
	Choices string // ParamEnum: "a|b|c"
}

// Twin registers one workload.
type Twin struct {
	Name       string
	DefaultOps uint64 // as the C workload's default_ops
	Params     []ParamDesc
	New        func() Workload
}

var twins = map[string]*Twin{}

func register(t *Twin) {
	if _, dup := twins[t.Name]; dup {
		panic("twin registered twice: " + t.Name)
	}
	twins[t.Name] = t
}

func twinNames() []string {
	var n []string
	for k := range twins {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Params holds every param of a twin, defaults filled in.
type Params struct{ v map[string]any }

func (p Params) get(name string) any {
	v, ok := p.v[name]
	if !ok {
		panic("twin asked for an undeclared param: " + name)
	}
	return v
}

func (p Params) Int(name string) int64 {
	switch x := p.get(name).(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	panic("param " + name + " is not a number")
}

func (p Params) Float(name string) float64 {
	switch x := p.get(name).(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	panic("param " + name + " is not a number")
}

func (p Params) Bool(name string) bool   { return p.get(name).(bool) }
func (p Params) Enum(name string) string { return p.get(name).(string) }

// parseParam turns text (a default, or name=value on the command line)
// into the param's Go value.
func parseParam(d ParamDesc, text string) (any, error) {
	switch d.Kind {
	case ParamInt:
		return strconv.ParseInt(text, 10, 64)
	case ParamBytes:
		return parseBytes(text)
	case ParamFloat:
		return strconv.ParseFloat(text, 64)
	case ParamBool:
		switch strings.ToLower(text) {
		case "true", "1", "on", "yes":
			return true, nil
		case "false", "0", "off", "no":
			return false, nil
		}
		return nil, fmt.Errorf("param %s: %q is not a boolean", d.Name, text)
	case ParamEnum:
		for _, c := range strings.Split(d.Choices, "|") {
			if c == text {
				return text, nil
			}
		}
		return nil, fmt.Errorf("param %s: %q is not one of %s", d.Name, text, d.Choices)
	}
	return nil, fmt.Errorf("param %s: unknown kind", d.Name)
}

func parseBytes(text string) (int64, error) {
	units := []struct {
		suf string
		mul int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
		{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(text, u.suf) {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(text, u.suf)), 10, 64)
			return n * u.mul, err
		}
	}
	return strconv.ParseInt(text, 10, 64)
}

// defaults returns the twin's params with every default filled in, then
// the name=value overrides applied.
func (t *Twin) params(overrides map[string]string) (Params, error) {
	p := Params{v: map[string]any{}}
	for _, d := range t.Params {
		text := d.Default
		if o, ok := overrides[d.Name]; ok {
			text = o
		}
		v, err := parseParam(d, text)
		if err != nil {
			return p, fmt.Errorf("%s: %v", t.Name, err)
		}
		p.v[d.Name] = v
	}
	for k := range overrides {
		if _, ok := p.v[k]; !ok {
			return p, fmt.Errorf("%s: unknown param %q", t.Name, k)
		}
	}
	return p, nil
}
