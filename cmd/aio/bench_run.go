package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/hist"
)

// errKind is a kind of failed request.
type errKind int

const (
	kindConnect errKind = iota // the connection that was to carry it failed to open
	kindRead                   // the connection broke or closed with it in flight
	kindWrite                  // writing it failed
	kindTimeout                // no answer within -timeout
	kindStatus                 // answered with a status other than 2xx
	kindParse                  // the response was malformed
	numKinds
)

var kindNames = [numKinds]string{"connect", "read", "write", "timeout", "status", "parse"}

// benchStats is what one worker measured; workers' stats add up with
// merge once their loops have stopped.
type benchStats struct {
	hist         hist.Histogram // latency in ns
	responses    uint64         // complete responses, any status
	status       [10]uint64     // responses by status class: status[2] is 2xx
	errors       [numKinds]uint64
	bytesRead    uint64
	bytesWritten uint64
	elapsed      time.Duration // from the start to when the worker stopped
}

func (s *benchStats) merge(o *benchStats) {
	s.hist.Merge(&o.hist)
	s.responses += o.responses
	for i := range s.status {
		s.status[i] += o.status[i]
	}
	for i := range s.errors {
		s.errors[i] += o.errors[i]
	}
	s.bytesRead += o.bytesRead
	s.bytesWritten += o.bytesWritten
	s.elapsed = max(s.elapsed, o.elapsed)
}

// counters are what the progress line reads while the loops run; the
// workers add to them.
type counters struct {
	responses, errors atomic.Int64
	connected         atomic.Bool // some connection was made
}

// benchWorker drives its share of the connections on its own loop.
type benchWorker struct {
	cfg      *benchConfig
	cs       *counters
	loop     *aio.Loop
	conns    []*benchConn
	reqs     []byte        // the request, up to depth times over: one write sends a batch
	budget   int64         // requests left to send; -1: no limit
	interval time.Duration // -R: time between two requests of one connection
	stopped  bool
	sweeper  *aio.Handle           // the timeout sweep's timer
	stop     *aio.Future[struct{}] // set from outside to end the run early
	stats    benchStats
}

// take claims one request from the budget.
func (w *benchWorker) take() bool {
	switch {
	case w.stopped || w.budget == 0:
		return false
	case w.budget > 0:
		w.budget--
	}
	return true
}

// refund gives back requests that were sent but will not be answered
// because the server closed the connection as it said it would.
func (w *benchWorker) refund(n int) {
	if w.budget >= 0 {
		w.budget += int64(n)
	}
}

// finished reports whether no more requests are to be sent.
func (w *benchWorker) finished() bool { return w.stopped || w.budget == 0 }

// maxBatch bounds the bytes of requests one write sends.
const maxBatch = 256 << 10

// reconnectDelay is the pause after a failed connect, so that a server
// that went away is not dialled in a busy loop.
const reconnectDelay = 10 * time.Millisecond

// benchControl lets a test stop a run early; ready receives once every
// loop runs.
type benchControl struct {
	stop  chan struct{}
	ready chan struct{}
}

// bench runs the load and returns the merged stats. progress, if not
// nil, receives a progress line once a second. SIGINT stops the run early,
// with the results so far.
func bench(cfg *benchConfig, progress io.Writer, ctl *benchControl) (*benchResult, error) {
	cs := &counters{}
	workers := make([]*benchWorker, cfg.loops)
	reqs := bytes.Repeat(cfg.request, max(1, min(cfg.depth, maxBatch/len(cfg.request))))
	for i := range workers {
		w := &benchWorker{cfg: cfg, cs: cs, reqs: reqs, budget: -1}
		if cfg.requests > 0 {
			w.budget = share(cfg.requests, cfg.loops, i)
		}
		n := int(share(int64(cfg.conns), cfg.loops, i))
		if cfg.rate > 0 {
			w.interval = max(1, time.Duration(float64(cfg.conns)/cfg.rate*float64(time.Second)))
		}
		for range n {
			w.conns = append(w.conns, newBenchConn(w))
		}
		workers[i] = w
	}
	// SIGINT is caught before the first request goes out.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	start := time.Now()
	errs := make([]error, len(workers))
	started := make(chan struct{}, len(workers))
	failed := make(chan struct{}, len(workers)) // a worker could not start: stop the others
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			errs[i] = aio.Run(func(t *aio.Task) error {
				return w.run(t, start, i, started)
			}, aio.NoSignalHandlers())
			if errs[i] != nil {
				failed <- struct{}{}
			}
		}()
	}
	// Each worker sets its loop and stop future, then reports, before it
	// can fail.
	for range workers {
		<-started
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var stopC chan struct{}
	if ctl != nil {
		stopC = ctl.stop
		close(ctl.ready)
	}
	var tick <-chan time.Time
	if progress != nil {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		tick = t.C
	}
	watch(done, sigs, stopC, failed, tick, progress, cs, start, func() {
		for _, w := range workers {
			w.loop.CallSoonThreadsafe(func() { w.stop.SetResult(struct{}{}) })
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err // the first: the others are most likely the same
		}
	}
	total := &benchStats{}
	for _, w := range workers {
		total.merge(&w.stats)
	}
	return newBenchResult(cfg, total), nil
}

// watch waits for the workers, printing a progress line to progress at
// each tick, and calls stop on the first SIGINT, when stopC closes or
// when a worker failed.
func watch(done <-chan struct{}, sigs <-chan os.Signal, stopC, failed <-chan struct{}, tick <-chan time.Time,
	progress io.Writer, cs *counters, start time.Time, stop func()) {
	if progress != nil {
		defer fmt.Fprintf(progress, "\r%60s\r", "") // the results replace the line
	}
	var last int64
	for {
		select {
		case <-done:
			return
		case <-sigs:
			stop()
			sigs = nil
		case <-stopC:
			stop()
			stopC = nil
		case <-failed:
			stop()
			failed = nil
		case <-tick:
			n := cs.responses.Load()
			fmt.Fprintf(progress, "\r%5.0fs  %10d responses  %9d/s  %6d errors ",
				time.Since(start).Seconds(), n, n-last, cs.errors.Load())
			last = n
		}
	}
}

// share is worker i's part of n split over k workers.
func share(n int64, k, i int) int64 {
	s := n / int64(k)
	if int64(i) < n%int64(k) {
		s++
	}
	return s
}

// run is the worker's main task: connect, load, stop at the deadline, at
// the end of the budget, or when told.
func (w *benchWorker) run(t *aio.Task, start time.Time, index int, started chan<- struct{}) error {
	w.loop = t.Loop()
	w.stop = aio.NewFuture[struct{}](w.loop)
	started <- struct{}{}
	if w.interval > 0 {
		// Stagger the connections' schedules over one interval.
		now := w.loop.Time()
		for i, c := range w.conns {
			g := index + i*w.cfg.loops // the connection's global index
			c.next = now + time.Duration(int64(w.interval)*int64(g)/int64(w.cfg.conns))
		}
	}
	// The first connection must open: if it does not, the target is
	// unreachable and the run fails.
	first := w.conns[0]
	first.lost = aio.NewFuture[struct{}](w.loop)
	_, _, err := aio.CreateConnection(t, func() *benchConn { return first }, "tcp", w.cfg.addr,
		w.cfg.dialOptions()...)
	if err != nil {
		if !w.cs.connected.Load() {
			return err
		}
		w.connectFailed()
	}
	w.sweep()
	tasks := make([]*aio.Future[struct{}], len(w.conns))
	for i, c := range w.conns {
		open := i == 0 && err == nil
		tasks[i] = aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
			return struct{}{}, w.keepConnected(t, c, open)
		})
	}
	all := aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
		for _, f := range tasks {
			aio.AwaitDone(t, f)
		}
		return struct{}{}, nil
	})
	deadline := aio.NoTimeout
	if w.cfg.duration > 0 {
		deadline = w.cfg.duration - time.Since(start)
	}
	aio.Wait(t, []aio.Awaitable{all, w.stop}, aio.FirstCompleted, deadline)
	w.stats.elapsed = time.Since(start)
	w.halt(tasks)
	return aio.AwaitDone(t, all)
}

// keepConnected keeps c connected until the work is done, counting
// failed connects.
func (w *benchWorker) keepConnected(t *aio.Task, c *benchConn, open bool) error {
	for {
		if open {
			if err := aio.AwaitDone(t, c.lost); err != nil {
				return err
			}
		}
		if w.finished() {
			return nil
		}
		c.lost = aio.NewFuture[struct{}](w.loop)
		_, _, err := aio.CreateConnection(t, func() *benchConn { return c }, "tcp", w.cfg.addr,
			w.cfg.dialOptions()...)
		open = err == nil
		switch {
		case errors.Is(err, aio.ErrCancelled):
			return err
		case err != nil:
			w.connectFailed()
			if err := aio.Sleep(t, reconnectDelay); err != nil {
				return err
			}
		}
	}
}

// connectFailed counts a failed connect against the request it was to
// carry, so that -n ends even when the server is gone.
func (w *benchWorker) connectFailed() {
	if w.take() {
		w.stats.errors[kindConnect]++
		w.cs.errors.Add(1)
	}
}

// sweep fails the requests that waited longer than the timeout; it runs
// a few times per timeout, so that a request costs no timer of its own.
func (w *benchWorker) sweep() {
	w.sweeper = nil
	if w.stopped {
		return
	}
	now := w.loop.Time()
	for _, c := range w.conns {
		if c.tr != nil && c.n > 0 && now-c.ring[c.head].at > w.cfg.timeout {
			c.abort(kindTimeout)
		}
	}
	w.sweeper = w.loop.CallLater(min(max(w.cfg.timeout/10, time.Millisecond), 100*time.Millisecond), w.sweep)
}

// halt ends the run: the requests in flight are dropped uncounted, the
// connections aborted and their tasks cancelled.
func (w *benchWorker) halt(tasks []*aio.Future[struct{}]) {
	w.stopped = true
	if w.sweeper != nil {
		w.sweeper.Cancel()
	}
	for _, c := range w.conns {
		c.head, c.n = 0, 0
		if c.timer != nil {
			c.timer.Cancel()
			c.timer = nil
		}
		if c.tr != nil {
			c.tr.Abort()
		}
	}
	for _, f := range tasks {
		f.Cancel()
	}
}
