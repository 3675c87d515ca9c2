// Package yardstick measures benchmarks against one raw route-trie lookup
// timed in the same loop, so that figures from a noisy, shared machine read
// as ratios. Each benchmark iteration runs the measured work once and then a
// batch of lookups; both are timed separately and reported as ns/op (the work
// alone), ns/lookup and lookups (the work in lookups). Because the two
// alternate at a fine grain, a burst of load from another process slows both
// and the ratio holds.
package yardstick

import (
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/vnetsim/vnetsim/topology"
)

// Stick is a route-trie lookup to time: the busiest route table of a network
// and the addresses to look up in it.
type Stick struct {
	rs    *topology.RouteSet
	addrs []netip.Addr
	next  int
}

// Of returns the yardstick of t: its subnet with the most routes, looked up
// with the first address of each VNet (up to 1,024 of them).
func Of(t *topology.Topology) *Stick {
	var rs *topology.RouteSet
	for _, v := range t.VNets {
		for _, s := range v.Subnets {
			if s.Routes != nil && (rs == nil || len(s.Routes.Routes) > len(rs.Routes)) {
				rs = s.Routes
			}
		}
	}
	st := &Stick{rs: rs}
	for _, v := range t.VNets {
		if len(st.addrs) == 1024 {
			break
		}
		for _, p := range v.AddressSpace {
			st.addrs = append(st.addrs, p.Addr().Next())
		}
	}
	st.addrs = append(st.addrs, netip.MustParseAddr("198.51.100.10"))
	return st
}

// lookups runs n lookups.
func (s *Stick) lookups(n int) {
	for i := 0; i < n; i++ {
		s.rs.LookupTrie(s.addrs[s.next])
		s.next++
		if s.next == len(s.addrs) {
			s.next = 0
		}
	}
}

// Measure runs work once per benchmark iteration and, after each, perOp
// lookups, and reports the work's own time per op, the lookup's time and
// their ratio. Choose perOp so that the lookups take a few microseconds at
// least (timer resolution) and not much longer than the work.
//
// allocs/run (allocations of one run of work) is measured apart, before the loop, with testing.AllocsPerRun
// (when allocRuns > 0), so that the lookups' allocations don't count.
func Measure(b *testing.B, s *Stick, perOp, allocRuns int, work func()) {
	b.Helper()
	var allocs float64
	if allocRuns > 0 {
		allocs = testing.AllocsPerRun(allocRuns, work)
	}
	var workDur, lookDur time.Duration
	var looks int
	for b.Loop() {
		t0 := time.Now()
		work()
		t1 := time.Now()
		s.lookups(perOp)
		t2 := time.Now()
		workDur += t1.Sub(t0)
		lookDur += t2.Sub(t1)
		looks += perOp
	}
	Report(b, workDur, b.N, lookDur, looks)
	if allocRuns > 0 {
		b.ReportMetric(allocs, "allocs/run")
	}
}

// Report reports work measured over n ops beside lookups measured in the
// same loop.
func Report(b *testing.B, work time.Duration, n int, look time.Duration, looks int) {
	perOp := float64(work.Nanoseconds()) / float64(n)
	b.ReportMetric(perOp, "ns/op")
	if looks > 0 && look > 0 {
		perLook := float64(look.Nanoseconds()) / float64(looks)
		b.ReportMetric(perLook, "ns/lookup")
		b.ReportMetric(perOp/perLook, "lookups")
	}
}

// CPUTime returns the CPU time (user and system, every thread) the process
// has used: on a shared machine a load's CPU time varies far less than its
// wall time, which counts waiting for a core.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Lookups runs n lookups and returns how long they took, for benchmarks
// that interleave their own way (parallel ones).
func (s *Stick) Lookups(n int) time.Duration {
	t0 := time.Now()
	s.lookups(n)
	return time.Since(t0)
}
