package web

import "github.com/aio-go/aio"

// The queue of a connection's requests in flight (see conn): the
// exchanges from c.ex (the head, the oldest) to c.tail (the newest),
// linked by next. Only the head writes to the transport; the others
// gather their bytes in pending until it is their turn, so responses
// leave in request order whatever order the handlers end in.

// maxInFlight bounds the requests of one connection whose handlers run
// at once. Each holds an exchange (its head, its Request, the response
// waiting for its turn), so without a bound one client could make the
// server hold as many as it cares to pipeline behind one slow request.
// Clients that pipeline at all rarely send more than this ahead (the
// benchmark's depth is 16); past it the connection stops parsing and,
// past maxHeld of input, reading, until the head's response is out.
const maxInFlight = 16

// busy reports whether a handler of the connection is in flight. The
// head is ended only while it is also the tail (retire takes the others
// out), so a head that is not running means nothing runs.
func (c *conn) busy() bool { return c.ex != nil && c.ex.running }

// started reports whether the exchange's handler has begun (and maybe
// ended); a tail that has not is parsing the next head.
func (ex *exchange) started() bool { return ex.running || ex.ended }

// mayFollow reports whether the request after ex may begin: ex's body is
// wholly parsed, so the input's position belongs to the next request,
// and ex's head lets another request follow on the connection.
func (c *conn) mayFollow(ex *exchange) bool {
	h := ex.req.head
	return ex.bodyDone && !ex.last && h.KeepAlive && !h.Upgrade
}

// nextExchange readies the tail to parse the next request's head and
// reports whether it may. A tail whose handler ended at the head of the
// queue serves the next request itself (one request at a time, as when
// handlers do not suspend: the same parser, task slot and buffers); a
// tail whose handler is in flight, or waits for its turn, hands the
// input to a new exchange, up to maxInFlight.
func (c *conn) nextExchange() bool {
	ex := c.tail
	switch {
	case c.done || c.closing || ex == nil:
		return false
	case !ex.started():
		return true
	case !c.mayFollow(ex) || len(ex.input()) == 0:
		return false
	case ex.ended && ex == c.ex:
		ex.ended = false
		return true
	case c.n >= maxInFlight:
		return false
	}
	nx := c.ls.getExchange(c)
	nx.takeInput(ex)
	ex.next, c.tail = nx, nx
	c.n++
	return true
}

// takeInput moves the input held or borrowed by ex, the old tail, to nx.
// The buffers are swapped, so each exchange keeps one.
func (nx *exchange) takeInput(ex *exchange) {
	nx.in, ex.in = ex.in, nx.in[:0]
	nx.off, ex.off = ex.off, 0
	nx.borrow, nx.borrowing = ex.borrow, ex.borrowing
	ex.borrow, ex.borrowing = nil, false
}

// retire takes the ended exchanges off the head of the queue: each one's
// response is out, and the next one's gathered bytes go out as it
// becomes the head. The tail stays, since it holds the input's
// position. An ended head that ends the connection closes it.
func (c *conn) retire() {
	for ex := c.ex; ex != nil && ex.ended; ex = c.ex {
		if ex.last {
			c.finish(ex.linger)
			return
		}
		if ex == c.tail {
			return
		}
		c.ex = ex.next
		c.n--
		c.ls.putExchange(ex)
		c.promote()
	}
}

// promote makes the new head write straight to the transport: what it
// gathered goes out in one write, and a stream of it waiting in Drain
// wakes.
func (c *conn) promote() {
	ex := c.ex
	if len(ex.pending) > 0 {
		c.tr.Write(ex.pending)
		ex.pending = ex.pending[:0]
	}
	ex.writeWake.Set()
}

// cut drops the exchanges after ex (all of them if ex is nil): their
// responses will not be sent. A handler in flight is cancelled and its
// exchange goes back to the pool when the handler returns (orphan);
// the others go back now.
func (c *conn) cut(ex *exchange) {
	var rest *exchange
	if ex == nil {
		rest, c.ex, c.tail, c.n = c.ex, nil, nil, 0
	} else {
		rest, ex.next, c.tail = ex.next, nil, ex
		c.n = 0
		for e := c.ex; e != nil; e = e.next {
			c.n++
		}
	}
	for rest != nil {
		nx := rest.next
		rest.next = nil
		if rest.running {
			rest.orphan = true
			if rest.task != nil {
				rest.task.Cancel()
			}
		} else {
			c.ls.putExchange(rest)
		}
		rest = nx
	}
}

// exchangeOf returns the exchange in flight whose request is r, or nil.
func (c *conn) exchangeOf(r *Request) *exchange {
	for ex := c.ex; ex != nil; ex = ex.next {
		if &ex.req == r {
			return ex
		}
	}
	return nil
}

// write sends p as part of ex's response: straight to the transport at
// the head, into pending behind it.
func (ex *exchange) write(p []byte) error {
	if ex != ex.c.ex {
		ex.pending = append(ex.pending, p...)
		return nil
	}
	return ex.c.tr.Write(p)
}

// send writes bufs as write does and returns the bytes written.
func (ex *exchange) send(bufs [][]byte) int64 {
	var n int64
	for _, b := range bufs {
		n += int64(len(b))
	}
	if ex != ex.c.ex {
		for _, b := range bufs {
			ex.pending = append(ex.pending, b...)
		}
		return n
	}
	ex.c.tr.Writelines(bufs)
	return n
}

// throttled reports whether a stream of ex must wait before writing
// more: at the head while the transport's buffer is above its high-water
// mark, behind it while what it gathered is.
func (ex *exchange) throttled() bool {
	c := ex.c
	if ex == c.ex {
		return c.writePaused
	}
	high, _ := c.tr.WriteBufferLimits()
	return len(ex.pending) > high
}

// waitWrite waits on ex's writeWake until ready says go on, the
// connection is lost or ex was dropped. ResumeWriting wakes the head;
// promote wakes an exchange when it becomes the head.
func (ex *exchange) waitWrite(t *aio.Task, ready func(ex *exchange) bool) error {
	for !ready(ex) && !ex.gone() {
		ex.writeWake.Clear()
		if err := ex.writeWake.Wait(t); err != nil {
			return err
		}
	}
	if ex.gone() {
		return aio.ErrTransportClosed
	}
	return nil
}

// gone reports whether ex's response can no longer be sent: the client
// went away, or the connection ends with an earlier response.
func (ex *exchange) gone() bool { return ex.orphan || ex.c.lost }

// unthrottled and atHead are what a stream's writer waits for.
func (ex *exchange) unthrottled() bool { return !ex.throttled() }
func (ex *exchange) atHead() bool      { return ex == ex.c.ex }
