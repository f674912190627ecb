package web

import (
	"slices"
	"time"

	"github.com/aio-go/aio"
)

// clientKey names the connections that may serve a request: one scheme
// and host:port, reached directly or through one proxy.
type clientKey struct {
	scheme, host, proxy string
}

// clientPool holds a client's connections and the requests waiting for
// one. The invariant that keeps the waiters' order: an idle connection
// exists only while no waiter could use it (a released connection goes to
// the first waiter for its key, or is closed to make room for the first
// waiter the total limit holds back), and a slot freed by a closed
// connection is reserved for the first waiter that fits. So a newcomer
// that finds an idle connection or room takes nothing a waiter could have.
type clientPool struct {
	idle    map[clientKey][]*clientConn // most recently used last
	all     map[*clientConn]struct{}    // every connection made and not yet gone
	open    map[clientKey]int           // connections open or being made, per key
	total   int
	waiters []*clientWaiter
}

// clientWaiter is a request waiting for a connection: it is woken with a
// connection handed over, with a slot reserved for it to connect, or with
// the client closed.
type clientWaiter struct {
	key    clientKey
	ev     aio.Event
	conn   *clientConn
	slot   bool
	closed bool
}

func (p *clientPool) init() {
	p.idle = make(map[clientKey][]*clientConn)
	p.all = make(map[*clientConn]struct{})
	p.open = make(map[clientKey]int)
}

// takeIdle returns the most recently used idle connection for key, or nil.
func (p *clientPool) takeIdle(key clientKey) *clientConn {
	list := p.idle[key]
	for len(list) > 0 {
		cn := list[len(list)-1]
		list[len(list)-1] = nil
		list = list[:len(list)-1]
		p.idle[key] = list
		if cn.usable() {
			cn.idle = false
			return cn
		}
		cn.abort()
	}
	return nil
}

// room reports whether a connection for key may be opened now: below the
// per-host limit, and below the total limit or with an idle connection of
// another key to close.
func (p *clientPool) room(c *Client, key clientKey) bool {
	if c.cfg.perHost > 0 && p.open[key] >= c.cfg.perHost {
		return false
	}
	return c.cfg.limit == 0 || p.total < c.cfg.limit || p.victim(key) != nil
}

// reserve counts a connection for key about to be made, closing an idle
// one of another key if the total limit requires.
func (p *clientPool) reserve(c *Client, key clientKey) {
	if c.cfg.limit > 0 && p.total >= c.cfg.limit {
		if v := p.victim(key); v != nil {
			p.removeIdle(v)
			v.abort() // forgets itself: total goes down
		}
	}
	p.open[key]++
	p.total++
}

// victim returns an idle connection of a key other than key, or nil.
func (p *clientPool) victim(key clientKey) *clientConn {
	for k, list := range p.idle {
		if k != key && len(list) > 0 {
			return list[0]
		}
	}
	return nil
}

// unreserve gives back the slot of a connection that is gone (closed, or
// never made) and lets waiters that now fit go.
func (p *clientPool) unreserve(c *Client, key clientKey) {
	if p.open[key]--; p.open[key] <= 0 {
		delete(p.open, key)
	}
	p.total--
	p.admit(c)
}

// admit wakes, in order, the waiters that fit now, each with a slot
// reserved.
func (p *clientPool) admit(c *Client) {
	for i := 0; i < len(p.waiters); {
		w := p.waiters[i]
		if c.closed || !p.room(c, w.key) {
			i++
			continue
		}
		p.reserve(c, w.key)
		w.slot = true
		p.waiters = slices.Delete(p.waiters, i, i+1)
		w.ev.Set()
	}
}

// release takes back a connection whose response is complete and that
// may carry another: it goes to the first waiter for its key, or is
// closed for the first waiter the total limit holds back, or goes idle.
func (p *clientPool) release(c *Client, cn *clientConn) {
	if c.closed || c.cfg.idle <= 0 || !cn.usable() {
		cn.abort()
		return
	}
	for i, w := range p.waiters {
		if w.key == cn.key {
			p.waiters = slices.Delete(p.waiters, i, i+1)
			w.conn = cn
			w.ev.Set()
			return
		}
		if c.cfg.perHost == 0 || p.open[w.key] < c.cfg.perHost {
			// w waits for the total limit: the connection makes room.
			cn.abort()
			return
		}
	}
	cn.idle = true
	p.idle[cn.key] = append(p.idle[cn.key], cn)
	c.timers.set(cn, c.deadline(c.cfg.idle))
}

// removeIdle takes cn out of its idle list, if it is there.
func (p *clientPool) removeIdle(cn *clientConn) {
	if !cn.idle {
		return
	}
	cn.idle = false
	list := p.idle[cn.key]
	if i := slices.Index(list, cn); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(p.idle, cn.key)
	} else {
		p.idle[cn.key] = list
	}
}

// wait queues t for a connection for key, until a waiter's wake-up.
func (p *clientPool) wait(c *Client, t *aio.Task, key clientKey) (*clientConn, error) {
	w := &clientWaiter{key: key}
	p.waiters = append(p.waiters, w)
	err := w.ev.Wait(t)
	if i := slices.Index(p.waiters, w); i >= 0 {
		p.waiters = slices.Delete(p.waiters, i, i+1)
	}
	switch {
	case err != nil:
		// Cancelled, maybe just after a wake-up: pass on what it got.
		if w.conn != nil {
			p.release(c, w.conn)
		} else if w.slot {
			p.unreserve(c, key)
		}
		return nil, err
	case w.closed:
		return nil, ErrClientClosed
	}
	return w.conn, nil // nil with a slot reserved: connect
}

// closeAll closes every connection, idle or in use (a request on one
// fails), and wakes the waiters with the client closed.
func (p *clientPool) closeAll(c *Client) {
	for cn := range p.all {
		cn.abort()
	}
	for _, w := range p.waiters {
		w.closed = true
		w.ev.Set()
	}
	p.waiters = nil
}

// clientTimers runs the deadlines of a client's connections (a request's
// timeouts, an idle connection's expiry) on one loop timer armed for the
// earliest: setting a deadline costs no timer unless it is earlier than
// the one armed, which with deadlines rounded to whole seconds (see
// [Client.deadline]) is rare. Per-connection timers would cost a timer
// allocation per request. Deadlines reset or cleared are dropped lazily
// when the timer fires.
type clientTimers struct {
	c     *Client
	conns []*clientConn // connections whose deadline was set
	at    time.Duration // when h fires
	h     *aio.Handle
}

// set gives cn the deadline when (aio.NoDeadline clears it).
func (m *clientTimers) set(cn *clientConn, when time.Duration) {
	cn.deadline = when
	if when == aio.NoDeadline {
		return
	}
	if !cn.timed {
		cn.timed = true
		m.conns = append(m.conns, cn)
	}
	if m.h == nil || when < m.at {
		m.arm(when)
	}
}

func (m *clientTimers) arm(when time.Duration) {
	if m.h != nil {
		m.h.Cancel()
	}
	m.at = when
	m.h = m.c.loop.CallAt(when, m.fire)
}

// fire expires the deadlines that have passed and arms the timer for the
// earliest left.
func (m *clientTimers) fire() {
	m.h = nil
	now := m.c.loop.Time()
	next := aio.NoDeadline
	var due []*clientConn
	for i := 0; i < len(m.conns); {
		cn := m.conns[i]
		switch {
		case cn.deadline <= now:
			cn.deadline = aio.NoDeadline
			due = append(due, cn)
			fallthrough
		case cn.deadline == aio.NoDeadline:
			cn.timed = false
			m.conns[i] = m.conns[len(m.conns)-1]
			m.conns[len(m.conns)-1] = nil
			m.conns = m.conns[:len(m.conns)-1]
		default:
			next = min(next, cn.deadline)
			i++
		}
	}
	if next != aio.NoDeadline && !m.c.closed {
		m.arm(next)
	}
	for _, cn := range due {
		cn.expire()
	}
}

// stop disarms the timer (the client is closing).
func (m *clientTimers) stop() {
	if m.h != nil {
		m.h.Cancel()
		m.h = nil
	}
}
