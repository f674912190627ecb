package main

import (
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// benchConn is one client connection of a benchWorker, reused across
// reconnections. It is the connection's aio.Protocol: requests go out and
// responses are parsed in its callbacks, on the worker's loop.
type benchConn struct {
	w    *benchWorker
	tr   aio.Transport // nil while not connected
	p    http1.Parser
	lost *aio.Future[struct{}] // set when the current connection ends

	// The requests in flight, oldest first: a ring of depth slots.
	ring    []sent
	head, n int
	status  int  // of the response being read
	closing bool // the server said Connection: close
	paused  bool // the transport's write buffer is above its high-water mark

	// -R: when the next request is due, and the timer that sends it.
	next  time.Duration
	timer *aio.Handle
}

// sent is a request in flight: when it was due (the time latency counts
// from) and when it went out (the time its timeout counts from). They
// differ only with -R, when a request waited for a free slot.
type sent struct{ due, at time.Duration }

func newBenchConn(w *benchWorker) *benchConn {
	c := &benchConn{w: w, ring: make([]sent, w.cfg.depth)}
	c.p.Init(http1.Responses, http1.Config{})
	return c
}

// ConnectionMade starts sending on a new connection.
func (c *benchConn) ConnectionMade(tr aio.Transport) {
	c.tr, c.closing, c.paused = tr, false, false
	c.head, c.n = 0, 0
	c.p.Reset()
	c.p.SetRequestMethod(c.w.cfg.method)
	c.w.cs.connected.Store(true)
	c.fill()
}

// fill sends what it may: up to depth requests in flight, or with -R
// those that are due, a batch per write, until the transport's buffer
// asks for a pause.
func (c *benchConn) fill() {
	w := c.w
	if c.tr == nil || c.closing {
		return
	}
	now := w.loop.Time()
	size := len(w.cfg.request)
	for !c.paused {
		k := c.claim(now, len(w.reqs)/size)
		if k == 0 {
			break
		}
		w.stats.bytesWritten += uint64(k * size)
		if err := c.tr.Write(w.reqs[:k*size]); err != nil {
			c.failAll(kindWrite) // the transport is closed; ConnectionLost follows
			return
		}
	}
	if w.interval > 0 {
		c.arm(now)
	}
	if c.n == 0 && w.finished() {
		c.tr.Close()
	}
}

// claim puts up to most requests in flight, as the depth, the budget
// and with -R the schedule allow, and returns how many.
func (c *benchConn) claim(now time.Duration, most int) int {
	w := c.w
	k := 0
	for ; k < most && c.n < len(c.ring); k++ {
		if w.interval > 0 && c.next > now || !w.take() {
			break
		}
		if w.interval == 0 {
			c.push(now, now)
		} else {
			c.push(c.next, now)
			c.next += w.interval
		}
	}
	return k
}

// PauseWriting stops sending while the transport's buffer is full (a
// large body, a server that does not read).
func (c *benchConn) PauseWriting() { c.paused = true }

// ResumeWriting sends again.
func (c *benchConn) ResumeWriting() {
	c.paused = false
	c.fill()
}

// arm sets the timer for the next due request (-R), unless one is set,
// or the next is due already and waits for a response to free a slot.
func (c *benchConn) arm(now time.Duration) {
	if c.timer != nil || c.next <= now || c.w.finished() {
		return
	}
	c.timer = c.w.loop.CallAt(c.next, c.tick)
}

func (c *benchConn) tick() {
	c.timer = nil
	c.fill() // while disconnected, ConnectionMade will send what is due
}

func (c *benchConn) push(due, at time.Duration) {
	c.ring[(c.head+c.n)%len(c.ring)] = sent{due, at}
	c.n++
}

func (c *benchConn) pop() sent {
	s := c.ring[c.head]
	c.head = (c.head + 1) % len(c.ring)
	c.n--
	return s
}

// DataReceived parses the responses as they come and sends a request
// for each one that ends.
func (c *benchConn) DataReceived(data []byte) {
	c.w.stats.bytesRead += uint64(len(data))
	for {
		k, ev, _, err := c.p.Feed(data)
		data = data[k:]
		if err != nil {
			c.abort(kindParse)
			return
		}
		switch ev {
		case http1.EventNone:
			c.fill()
			return
		case http1.EventHead:
			if c.n == 0 { // a response nobody asked for
				c.w.stats.errors[kindParse]++
				c.w.cs.errors.Add(1)
				c.tr.Abort()
				return
			}
			c.status = c.p.Response().Status
		case http1.EventEnd:
			if !c.responseEnd() {
				return
			}
		}
	}
}

// responseEnd counts the response that ended and reports whether the
// connection goes on.
func (c *benchConn) responseEnd() bool {
	w, r := c.w, c.p.Response()
	if r.Status/100 == 1 && !r.Upgrade {
		return true // informational: the final response follows
	}
	s := c.pop()
	w.stats.hist.Record(int64(w.loop.Time() - s.due))
	w.stats.responses++
	w.stats.status[min(c.status/100, 9)]++
	if c.status/100 != 2 {
		w.stats.errors[kindStatus]++
		w.cs.errors.Add(1)
	}
	w.cs.responses.Add(1)
	c.p.SetRequestMethod(w.cfg.method)
	if r.KeepAlive && !r.Upgrade {
		return true
	}
	// The server ends the connection: the requests it will not answer
	// are sent again on the next one.
	w.refund(c.n)
	c.head, c.n = 0, 0
	c.closing = true
	c.tr.Close()
	return false
}

// EOFReceived ends a response delimited by the close; the requests still
// in flight then fail as read errors (in ConnectionLost).
func (c *benchConn) EOFReceived() bool {
	ev, err := c.p.Finish()
	if err == nil && ev == http1.EventEnd && c.n > 0 {
		c.responseEnd()
	}
	return false
}

// ConnectionLost fails what is still in flight: the connection broke, or
// the server closed it without answering.
func (c *benchConn) ConnectionLost(error) {
	c.failAll(kindRead)
	c.tr = nil
	c.lost.SetResult(struct{}{})
}

// failAll counts the requests in flight as failed with kind.
func (c *benchConn) failAll(kind errKind) {
	if c.n == 0 {
		return
	}
	c.w.stats.errors[kind] += uint64(c.n)
	c.w.cs.errors.Add(int64(c.n))
	c.head, c.n = 0, 0
}

// abort fails the requests in flight and drops the connection.
func (c *benchConn) abort(kind errKind) {
	c.failAll(kind)
	c.tr.Abort()
}
