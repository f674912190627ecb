//go:build linux

// Command rawserver is the floor of bench/web: the least an HTTP server
// on aio's poller (internal/poll) can do. It counts the blank lines that
// end request heads and writes one fixed 13-byte response per request,
// with no parsing, no routing and no Date header. A request body would
// be taken for garbage: the benchmarks send only GET.
//
//	rawserver [-addr 127.0.0.1:0]
//
// One read per readable connection per wake-up, the responses to all
// the requests in it sent with one write; what the kernel refuses is
// kept and the connection stops reading until it is sent. It prints
// "LISTEN host:port" once it serves, and runs until killed.
package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

const response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\nHello, World!"

// responses is a run of responses, so that one write answers up to
// len(responses)/len(response) pipelined requests.
var responses = []byte(strings.Repeat(response, 256))

// conn is one connection's state: what the last read left of a blank
// line, and the responses the kernel has not taken yet.
type conn struct {
	state int
	owed  []byte
}

type server struct {
	p     *poll.Poller
	lfd   int
	conns map[int]*conn
	buf   []byte
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on (IPv4)")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "rawserver:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	lfd, bound, err := listen(addr)
	if err != nil {
		return err
	}
	p, err := poll.New()
	if err != nil {
		return err
	}
	if err := p.Register(lfd, poll.Readable); err != nil {
		return err
	}
	fmt.Printf("LISTEN %v\n", bound)
	s := &server{p: p, lfd: lfd, conns: map[int]*conn{}, buf: make([]byte, 64<<10)}
	events := make([]poll.Ready, 256)
	for {
		n, err := p.Wait(events, -1)
		if err != nil {
			return err
		}
		for _, ev := range events[:n] {
			if ev.Fd == lfd {
				if err := s.accept(); err != nil {
					return err
				}
			} else if c := s.conns[ev.Fd]; c != nil {
				s.serve(ev.Fd, c, ev.Events)
			}
		}
	}
}

func listen(addr string) (int, netip.AddrPort, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return -1, ap, fmt.Errorf("not an IPv4 host:port: %q", addr)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, ap, err
	}
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: ap.Addr().As4(), Port: int(ap.Port())}); err != nil {
		return -1, ap, err
	}
	if err := unix.Listen(fd, 4096); err != nil {
		return -1, ap, err
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return -1, ap, err
	}
	return fd, netip.AddrPortFrom(ap.Addr(), uint16(sa.(*unix.SockaddrInet4).Port)), nil
}

// accept takes every pending connection. Out of fds (EMFILE) it fails:
// a floor for benchmarks has no back-off, and the listener, still
// readable, would spin.
func (s *server) accept() error {
	for {
		fd, _, err := unix.Accept4(s.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch err {
		case nil:
		case unix.EAGAIN, unix.EINTR, unix.ECONNABORTED:
			return nil
		default:
			return fmt.Errorf("accept: %w", err)
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if err := s.p.Register(fd, poll.Readable); err != nil {
			unix.Close(fd)
			continue
		}
		s.conns[fd] = &conn{}
	}
}

// serve answers the requests of one read, or sends what is owed.
func (s *server) serve(fd int, c *conn, ev poll.Event) {
	if len(c.owed) > 0 {
		s.send(fd, c, c.owed)
		return
	}
	n, err := unix.Read(fd, s.buf)
	if err == unix.EAGAIN || err == unix.EINTR {
		return
	}
	if n <= 0 {
		s.close(fd)
		return
	}
	k, state := scan(c.state, s.buf[:n])
	c.state = state
	for k > 0 {
		m := min(k, len(responses)/len(response))
		k -= m
		if !s.send(fd, c, responses[:m*len(response)]) {
			// The rest waits behind what the kernel refused.
			c.owed = append(c.owed, strings.Repeat(response, k)...)
			return
		}
	}
}

// send writes b, keeping what the kernel refuses in c.owed and waiting
// for writability (not readability) until it is sent. It reports whether
// all of b went out.
func (s *server) send(fd int, c *conn, b []byte) bool {
	n, err := unix.Write(fd, b)
	if err != nil && err != unix.EAGAIN && err != unix.EINTR {
		s.close(fd)
		return false
	}
	n = max(n, 0)
	was := len(c.owed) > 0
	c.owed = append(c.owed[:0], b[n:]...)
	now := len(c.owed) > 0
	if was != now {
		interest := poll.Readable
		if now {
			interest = poll.Writable
		}
		s.p.Modify(fd, interest)
	}
	return !now
}

func (s *server) close(fd int) {
	s.p.Unregister(fd)
	unix.Close(fd)
	delete(s.conns, fd)
}
