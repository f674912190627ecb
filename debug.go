package aio

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// debugState is what debug mode tracks: the goroutines that belong to the
// loop (its own and its coroutines'), to report calls from others. Where
// tasks suspended is the task's trace (taskinfo.go): debug mode turns
// TrackTasks on.
type debugState struct {
	mu    sync.Mutex
	owner map[uint64]bool
	loopG uint64
}

func newDebugState() *debugState {
	return &debugState{owner: map[uint64]bool{}}
}

func (d *debugState) enter() {
	id := goid()
	d.mu.Lock()
	d.loopG = id
	d.owner[id] = true
	d.mu.Unlock()
}

func (d *debugState) leave() {
	d.mu.Lock()
	delete(d.owner, d.loopG)
	d.loopG = 0
	d.mu.Unlock()
}

// own records the calling goroutine (a worker coroutine) as the loop's.
func (d *debugState) own() uint64 {
	id := goid()
	d.mu.Lock()
	d.owner[id] = true
	d.mu.Unlock()
	return id
}

func (d *debugState) owns() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.loopG == 0 || d.owner[goid()]
}

// checkSlow reports a callback or task step that took longer than the
// loop's slow-callback threshold.
func (d *debugState) checkSlow(l *Loop, start time.Time, t *Task) {
	took := time.Since(start)
	if took < l.cfg.slowCallback {
		return
	}
	what := "a callback"
	if t != nil {
		what = t.String()
		if where := t.trace().site(); where != "" && !t.Done() { // a finished task's last site is history
			what += " (suspended at " + where + ")"
		}
	}
	l.cfg.logger.Warn(fmt.Sprintf("aio: executing %s took %.3f seconds", what, took.Seconds()))
}

// checkGoroutine reports, in debug mode, a loop method called from a
// goroutine that is not the running loop's.
func (l *Loop) checkGoroutine(what string) {
	if l.debug == nil || l.debug.owns() {
		return
	}
	l.cfg.logger.Error("aio: " + what + " called from a goroutine that is not the loop's: " +
		"use CallSoonThreadsafe or RunCoroutineThreadsafe from other goroutines")
}

// goid returns the calling goroutine's id. It parses runtime.Stack, so it
// is slow; only debug mode uses it.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}
