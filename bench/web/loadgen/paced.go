//go:build linux

package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/aio-go/aio/bench/web/procstat"
	"golang.org/x/sys/unix"
)

// hconn is one connection of the paced load generator.
type hconn struct {
	fd     int
	unsent int         // bytes of queued requests not written yet
	in     []byte      // a response begun in an earlier read
	sent   []time.Time // when each request in flight was queued, oldest first
	owed   int         // requests due once pacing tokens allow
	queued bool        // in the pacing queue
	out    bool        // EPOLLOUT requested
}

// paced is the state of -mode paced.
type paced struct {
	epfd      int
	reqLen    int    // the length of one request
	reqs      []byte // requests back to back, 64 KiB or more
	rbuf      []byte
	conns     map[int]*hconn
	done      int64
	errors    int64
	measuring bool
	lat       []time.Duration // latencies in the measured window
	tokens    float64
	waiting   []*hconn
	last      time.Time
}

func runPaced() error {
	ap, err := netip.ParseAddrPort(*addr)
	if err != nil || !ap.Addr().Is4() {
		return fmt.Errorf("not an IPv4 host:port: %q", *addr)
	}
	sa := &unix.SockaddrInet4{Addr: ap.Addr().As4(), Port: int(ap.Port())}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return err
	}
	one := "GET / HTTP/1.1\r\nHost: " + *addr + "\r\n\r\n"
	g := &paced{epfd: epfd, reqLen: len(one), reqs: bytes.Repeat([]byte(one), (64<<10)/len(one)+1), rbuf: make([]byte, 256<<10), conns: map[int]*hconn{}, last: time.Now()}
	for range *conns {
		fd, err := dial(sa)
		if err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		c := &hconn{fd: fd}
		g.conns[fd] = c
		if err := g.ctl(unix.EPOLL_CTL_ADD, c, unix.EPOLLIN); err != nil {
			return err
		}
		if err := g.due(c, *depth, time.Now()); err != nil {
			return err
		}
	}
	return g.loop()
}

// dial starts a non-blocking connect.
func dial(sa *unix.SockaddrInet4) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	if err := unix.Connect(fd, sa); err != nil && err != unix.EINPROGRESS {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func (g *paced) ctl(op int, c *hconn, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(c.fd)}
	if err := unix.EpollCtl(g.epfd, op, c.fd, &ev); err != nil {
		return fmt.Errorf("epoll_ctl: %w", err)
	}
	return nil
}

// due makes k more requests of c due now: sent at once when running
// free, queued for pacing tokens otherwise.
func (g *paced) due(c *hconn, k int, now time.Time) error {
	if *rate == 0 {
		return g.send(c, k, now)
	}
	c.owed += k
	if !c.queued && c.owed > 0 {
		c.queued = true
		g.waiting = append(g.waiting, c)
	}
	return nil
}

// send queues k requests on c and writes what the kernel takes.
func (g *paced) send(c *hconn, k int, now time.Time) error {
	for range k {
		c.sent = append(c.sent, now)
	}
	c.unsent += k * g.reqLen
	return g.flush(c)
}

func (g *paced) flush(c *hconn) error {
	for c.unsent > 0 {
		// The requests are all alike, so any tail of g.reqs that starts
		// at the same offset within a request as the unsent bytes do is
		// what to send next: the whole of them, or as many as fit.
		m := c.unsent
		if m > len(g.reqs) {
			m = len(g.reqs) - (g.reqLen-c.unsent%g.reqLen)%g.reqLen
		}
		n, err := unix.Write(c.fd, g.reqs[len(g.reqs)-m:])
		if err == unix.EAGAIN {
			break
		}
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		c.unsent -= n
	}
	if want := c.unsent > 0; want != c.out {
		ev := uint32(unix.EPOLLIN)
		if want {
			ev |= unix.EPOLLOUT
		}
		c.out = want
		return g.ctl(unix.EPOLL_CTL_MOD, c, ev)
	}
	return nil
}

// pace refills the tokens at -rate, in bursts of at most 10 ms, and
// sends the requests they allow.
func (g *paced) pace(now time.Time) error {
	g.tokens = min(g.tokens+*rate*now.Sub(g.last).Seconds(), max(*rate/100, 1))
	g.last = now
	for len(g.waiting) > 0 && g.tokens >= 1 {
		c := g.waiting[0]
		k := min(c.owed, int(g.tokens))
		c.owed -= k
		g.tokens -= float64(k)
		if err := g.send(c, k, now); err != nil {
			return err
		}
		if c.owed == 0 {
			c.queued = false
			g.waiting = g.waiting[1:]
		}
	}
	return nil
}

// receive reads what c has and counts the responses complete in it.
func (g *paced) receive(c *hconn, now time.Time) error {
	n, err := unix.Read(c.fd, g.rbuf)
	if err == unix.EAGAIN {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("the server closed a connection")
	}
	b := g.rbuf[:n]
	if len(c.in) > 0 {
		c.in = append(c.in, b...)
		b = c.in
	}
	answered := 0
	for {
		m, status, err := parseResponse(b)
		if err != nil {
			return err
		}
		if m == 0 {
			break
		}
		if len(c.sent) == 0 {
			return fmt.Errorf("a response to no request")
		}
		if status != 200 {
			g.errors++
		}
		if g.measuring {
			g.lat = append(g.lat, now.Sub(c.sent[0]))
		}
		c.sent = c.sent[1:]
		b = b[m:]
		answered++
	}
	c.in = append(c.in[:0], b...)
	g.done += int64(answered)
	return g.due(c, answered, now)
}

type window struct {
	wall      time.Time
	done      int64
	errors    int64
	srv, self time.Duration
}

func (g *paced) sample() (window, error) {
	w := window{wall: time.Now(), done: g.done, errors: g.errors, self: procstat.SelfCPU()}
	var err error
	if *pid != 0 {
		w.srv, err = procstat.CPU(*pid)
	}
	return w, err
}

func (g *paced) loop() error {
	events := make([]unix.EpollEvent, 256)
	measureAt := time.Now().Add(*warmup)
	end := measureAt.Add(*duration)
	var w0 window
	for {
		now := time.Now()
		if !g.measuring && now.After(measureAt) {
			var err error
			if w0, err = g.sample(); err != nil {
				return err
			}
			g.measuring = true
		}
		if now.After(end) {
			break
		}
		if *rate > 0 {
			if err := g.pace(now); err != nil {
				return err
			}
		}
		timeout := 100
		if len(g.waiting) > 0 {
			timeout = 1
		}
		n, err := unix.EpollWait(g.epfd, events, timeout)
		if err != nil && err != unix.EINTR {
			return err
		}
		now = time.Now()
		for _, ev := range events[:max(n, 0)] {
			c := g.conns[int(ev.Fd)]
			if ev.Events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
				if err := g.receive(c, now); err != nil {
					return err
				}
			}
			if c.unsent > 0 {
				if err := g.flush(c); err != nil {
					return err
				}
			}
		}
	}
	w1, err := g.sample()
	if err != nil {
		return err
	}
	return g.result(w0, w1)
}

func (g *paced) result(w0, w1 window) error {
	secs := w1.wall.Sub(w0.wall).Seconds()
	count := float64(w1.done - w0.done)
	if count == 0 {
		return fmt.Errorf("no responses in the measured window")
	}
	slices.Sort(g.lat)
	p99 := g.lat[min(len(g.lat)-1, len(g.lat)*99/100)]
	srv := (w1.srv - w0.srv).Seconds()
	fmt.Printf("RESULT name=%s scenario=%q unit=req/s rate=%.1f p99_us=%d cpu_us=%.3f srv_pct=%.1f gen_pct=%.1f errors=%d\n",
		*name, scenarioName(), count/secs, p99.Microseconds(), srv*1e6/count,
		100*srv/secs, 100*(w1.self-w0.self).Seconds()/secs, w1.errors-w0.errors)
	return nil
}
