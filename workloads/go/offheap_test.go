package main

import (
	"reflect"
	"testing"
	"unsafe"
)

// What the driver keeps outside the Go heap must hold no pointer: the GC
// would not see it, and would free what it points to.
func TestOffHeapTypesHoldNoPointers(t *testing.T) {
	for _, ty := range []reflect.Type{reflect.TypeFor[histogram](), reflect.TypeFor[gcTraceCycle](),
		reflect.TypeFor[sample]()} {
		if p := pointerIn(ty); p != "" {
			t.Errorf("%v holds a pointer (%s): it cannot live off the Go heap", ty, p)
		}
	}
}

// pointerIn names a field or element of ty the GC would have to scan, or "".
func pointerIn(ty reflect.Type) string {
	switch ty.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Slice, reflect.String,
		reflect.Interface, reflect.Chan, reflect.Func:
		return ty.String()
	case reflect.Array:
		return pointerIn(ty.Elem())
	case reflect.Struct:
		for i := 0; i < ty.NumField(); i++ {
			if p := pointerIn(ty.Field(i).Type); p != "" {
				return ty.Field(i).Name + " " + p
			}
		}
	}
	return ""
}

// An offHeapSlice keeps every element across its growths, and lives in
// its own mapping.
func TestOffHeapSliceGrows(t *testing.T) {
	var o offHeapSlice[gcTraceCycle]
	const n = 20000 // ~2.7 MB: several doublings from the first 64 KiB
	for i := 0; i < n; i++ {
		o.append(gcTraceCycle{n: uint64(i), atS: float64(i) / 2, hasPacer: i%3 == 0,
			pacer: pacerCycle{goal: uint64(i) * 7}})
	}
	if len(o.s) != n {
		t.Fatalf("len %d, want %d", len(o.s), n)
	}
	for i, c := range o.s {
		if c.n != uint64(i) || c.atS != float64(i)/2 || c.hasPacer != (i%3 == 0) || c.pacer.goal != uint64(i)*7 {
			t.Fatalf("element %d is %+v", i, c)
		}
	}
	if o.m == nil || unsafe.Pointer(unsafe.SliceData(o.s)) != unsafe.Pointer(unsafe.SliceData(o.m)) ||
		uintptr(cap(o.s))*unsafe.Sizeof(o.s[0]) > uintptr(len(o.m)) {
		t.Fatalf("the slice (cap %d) is not in its mapping (%d bytes)", cap(o.s), len(o.m))
	}
}

// newHistogram's histogram is off the heap and starts empty.
func TestOffHeapHistogram(t *testing.T) {
	h := newHistogram()
	if h.count != 0 || h.max != 0 || h.min != ^uint64(0) {
		t.Fatalf("fresh histogram %d %d %d", h.count, h.max, h.min)
	}
	for i := range h.counts {
		if h.counts[i] != 0 {
			t.Fatalf("bucket %d is %d", i, h.counts[i])
		}
	}
	h.record(1000)
	if h.quantile(0.5) != 1000 {
		t.Fatalf("p50 %d after one value of 1000", h.quantile(0.5))
	}
}
