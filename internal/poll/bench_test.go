//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package poll

import "testing"

// BenchmarkWaitReady measures one Wait that returns one ready fd (a pipe
// with unread data; level-triggered, so it is ready every time).
func BenchmarkWaitReady(b *testing.B) {
	p := newPoller(b)
	r, w := pipe(b)
	if err := p.Register(r, Readable); err != nil {
		b.Fatal(err)
	}
	write(b, w, "x")
	events := make([]Ready, 64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Wait(events, -1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWake measures a Wake+Wait round trip on one goroutine: one
// signal write, one wait that consumes it.
func BenchmarkWake(b *testing.B) {
	p := newPoller(b)
	events := make([]Ready, 64)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Wake(); err != nil {
			b.Fatal(err)
		}
		if _, err := p.Wait(events, -1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWakeCoalesced measures Wake from many goroutines while a
// wake-up is already pending: the cost of a coalesced Wake (an atomic load).
func BenchmarkWakeCoalesced(b *testing.B) {
	p := newPoller(b)
	if err := p.Wake(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := p.Wake(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
