package main

import (
	"syscall"
	"unsafe"
)

// CPU binding and thread CPU time for a goroutine locked to its OS thread
// (runtime.LockOSThread): the syscalls act on the calling thread (tid 0).

type cpuMask [16]uint64 // 1024 PUs, as glibc's cpu_set_t

// bindThread binds the calling thread to PU pu.  Returns 0 or an errno.
func bindThread(pu int) syscall.Errno {
	var m cpuMask
	if pu < 0 || pu >= len(m)*64 {
		return syscall.EINVAL
	}
	m[pu/64] |= 1 << uint(pu%64)
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m)))
	return e
}

// threadPUs reads the calling thread's (tid 0) or process's binding back.
func threadPUs() []int {
	var m cpuMask
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m)))
	if e != 0 {
		return nil
	}
	var pus []int
	for i := 0; i < len(m)*64; i++ {
		if m[i/64]&(1<<uint(i%64)) != 0 {
			pus = append(pus, i)
		}
	}
	return pus
}

// threadCPUNs is the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID).
func threadCPUNs() uint64 {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	_, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	if e != 0 {
		return 0
	}
	return uint64(ts.Sec)*1e9 + uint64(ts.Nsec)
}
