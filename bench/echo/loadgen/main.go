//go:build linux

// Command loadgen is the echo load generator used for every server of
// bench/echo (aio, Go net, asyncio+uvloop): one thread, its own epoll,
// raw syscalls, so that it costs as little as possible per message.
//
// Modes:
//
//	-mode echo   -conns C -size S -depth D: each connection keeps D
//	             messages of S bytes in flight (D=1 is ping-pong) and
//	             sends one more for each one echoed back.
//	             With -rate R, new messages are paced to R per second
//	             in total, to compare servers' CPU cost at equal load.
//	-mode idle   -conns N: opens N connections, each echoes one byte,
//	             then measures the server's RSS growth per connection.
//	-lines       every message ends in "\n" (a line of -size bytes, for
//	             line servers such as bench/stream's); in idle mode each
//	             connection echoes the line "x\n".
//	-report FILE prints the RESULT lines of FILE as a markdown table.
//
// With -pid, the server's CPU time (utime+stime from /proc/PID/stat, all
// its threads) is sampled at the start and end of the measured window.
// It prints one RESULT line.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

var (
	mode     = flag.String("mode", "echo", "echo or idle")
	addr     = flag.String("addr", "127.0.0.1:9000", "server address (IPv4 host:port)")
	conns    = flag.Int("conns", 64, "connections")
	size     = flag.Int("size", 64, "message size in bytes")
	depth    = flag.Int("depth", 1, "messages in flight per connection")
	rate     = flag.Float64("rate", 0, "messages per second for all connections together (0: as fast as the server answers)")
	warmup   = flag.Duration("warmup", time.Second, "time before measuring")
	duration = flag.Duration("duration", 5*time.Second, "measured time")
	pid      = flag.Int("pid", 0, "server pid, for its CPU time and RSS")
	server   = flag.String("server", "?", "server name for the RESULT line")
	scenario = flag.String("scenario", "", "scenario name for the RESULT line (default: from the flags)")
	report   = flag.String("report", "", "print the RESULT lines of this file as a markdown table and exit")
	lines    = flag.Bool("lines", false, "end every message with a newline (line servers)")
)

func main() {
	flag.Parse()
	if *report != "" {
		if err := printReport(*report); err != nil {
			fatal(err)
		}
		return
	}
	sa, err := parseAddr(*addr)
	if err != nil {
		fatal(err)
	}
	switch *mode {
	case "echo":
		runEcho(sa)
	case "idle":
		runIdle(sa)
	default:
		fatal(fmt.Errorf("unknown mode %q", *mode))
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

func parseAddr(s string) (*unix.SockaddrInet4, error) {
	host, port, err := splitHostPort(s)
	if err != nil {
		return nil, err
	}
	sa := &unix.SockaddrInet4{Port: port}
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return nil, fmt.Errorf("not an IPv4 address: %q", host)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, err
		}
		sa.Addr[i] = byte(n)
	}
	return sa, nil
}

func splitHostPort(s string) (string, int, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, fmt.Errorf("no port in %q", s)
	}
	p, err := strconv.Atoi(s[i+1:])
	return s[:i], p, err
}

// conn is one client connection.
type conn struct {
	fd     int
	toSend int // bytes queued to send
	off    int // offset of the next byte to send in its message (-lines)
	got    int // bytes of the current message received
	out    bool
	owed   int  // messages due, waiting for pacing tokens
	queued bool // in the pacing queue
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

func ctl(epfd, op, fd int, events uint32) {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(epfd, op, fd, &ev); err != nil {
		fatal(fmt.Errorf("epoll_ctl: %w", err))
	}
}

// runEcho drives -conns connections with -depth messages in flight.
func runEcho(sa *unix.SockaddrInet4) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		fatal(err)
	}
	wbuf := make([]byte, 256<<10+*size)
	for i := range wbuf {
		wbuf[i] = byte('a' + i%26)
		if *lines && i%*size == *size-1 {
			wbuf[i] = '\n'
		}
	}
	rbuf := make([]byte, 256<<10)
	cs := make(map[int]*conn, *conns)
	for range *conns {
		fd, err := dial(sa)
		if err != nil {
			fatal(fmt.Errorf("connect: %w", err))
		}
		c := &conn{fd: fd, toSend: *depth * *size, out: true}
		cs[fd] = c
		ctl(epfd, unix.EPOLL_CTL_ADD, fd, unix.EPOLLIN|unix.EPOLLOUT)
	}
	var msgs int64
	flush := func(c *conn) {
		for c.toSend > 0 {
			// With -lines, each write goes on from where the last one
			// stopped in its message, so the newlines stay in place.
			n, err := unix.Write(c.fd, wbuf[c.off:c.off+min(c.toSend, 256<<10)])
			if err == unix.EAGAIN {
				break
			}
			if err != nil {
				fatal(fmt.Errorf("write: %w", err))
			}
			c.toSend -= n
			if *lines {
				c.off = (c.off + n) % *size
			}
		}
		want := c.toSend > 0
		if want != c.out {
			ev := uint32(unix.EPOLLIN)
			if want {
				ev |= unix.EPOLLOUT
			}
			ctl(epfd, unix.EPOLL_CTL_MOD, c.fd, ev)
			c.out = want
		}
	}
	// Pacing: a token per message, refilled at -rate, bursts of 10 ms.
	var tokens float64
	var waiting []*conn
	last := time.Now()
	pace := func(now time.Time) {
		tokens = min(tokens+*rate*now.Sub(last).Seconds(), *rate/100)
		last = now
		for len(waiting) > 0 && tokens >= 1 {
			c := waiting[0]
			k := min(c.owed, int(tokens))
			c.owed -= k
			tokens -= float64(k)
			c.toSend += k * *size
			flush(c)
			if c.owed == 0 {
				c.queued = false
				waiting = waiting[1:]
			}
		}
	}
	events := make([]unix.EpollEvent, 256)
	start := time.Now()
	measureAt := start.Add(*warmup)
	end := measureAt.Add(*duration)
	var m0 sample
	measuring := false
	var msgs0 int64
	for {
		now := time.Now()
		if !measuring && now.After(measureAt) {
			measuring, m0, msgs0 = true, takeSample(), msgs
		}
		if now.After(end) {
			break
		}
		if *rate > 0 {
			pace(now)
		}
		timeout := 100
		if len(waiting) > 0 {
			timeout = 1
		}
		n, err := unix.EpollWait(epfd, events, timeout)
		if err != nil {
			if err != unix.EINTR {
				fatal(err)
			}
			n = 0
		}
		for _, ev := range events[:n] {
			c := cs[int(ev.Fd)]
			if ev.Events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
				r, err := unix.Read(c.fd, rbuf)
				if err == unix.EAGAIN {
					goto write
				}
				if err != nil {
					fatal(fmt.Errorf("read: %w", err))
				}
				if r == 0 {
					fatal(fmt.Errorf("the server closed a connection"))
				}
				c.got += r
				done := c.got / *size
				c.got %= *size
				msgs += int64(done)
				if *rate > 0 {
					c.owed += done
					if !c.queued && c.owed > 0 {
						c.queued = true
						waiting = append(waiting, c)
					}
				} else {
					c.toSend += done * *size
				}
			}
		write:
			if c.toSend > 0 {
				flush(c)
			}
		}
	}
	m1 := takeSample()
	count := msgs - msgs0
	secs := m1.wall.Sub(m0.wall).Seconds()
	rate := float64(count) / secs
	unit, per := "msg/s", float64(count)
	if *size >= 1<<20 {
		unit = "MB/s"
		rate = float64(count) * float64(*size) / (1 << 20) / secs
		per = float64(count) * float64(*size) / (1 << 20) // CPU per MiB
	}
	srvCPU := m1.server - m0.server
	cliCPU := m1.client - m0.client
	sc := *scenario
	if sc == "" {
		sc = fmt.Sprintf("echo c%d s%d d%d", *conns, *size, *depth)
	}
	fmt.Printf("RESULT server=%s scenario=%q rate=%.1f unit=%s cpu_us=%.3f server_cpu=%.1f client_cpu=%.1f\n",
		*server, sc, rate, unit, srvCPU.Seconds()*1e6/per,
		100*srvCPU.Seconds()/secs, 100*cliCPU.Seconds()/secs)
}

// runIdle opens -conns connections that each echo one byte, then
// measures the server's RSS growth per connection.
func runIdle(sa *unix.SockaddrInet4) {
	if *pid == 0 {
		fatal(fmt.Errorf("-mode idle needs -pid"))
	}
	// Warm the server up (read buffers, first allocations), then settle.
	warm := openEchoed(sa, 100)
	for _, fd := range warm {
		unix.Close(fd)
	}
	time.Sleep(time.Second)
	rss0 := rssKiB(*pid)
	var all []int
	for len(all) < *conns {
		all = append(all, openEchoed(sa, min(1000, *conns-len(all)))...)
	}
	time.Sleep(2 * time.Second)
	rss1 := rssKiB(*pid)
	per := float64(rss1-rss0) / float64(len(all))
	for _, fd := range all {
		unix.Close(fd)
	}
	sc := *scenario
	if sc == "" {
		sc = fmt.Sprintf("idle %d", *conns)
	}
	fmt.Printf("RESULT server=%s scenario=%q rate=%.3f unit=KiB/conn cpu_us=0 server_cpu=0 client_cpu=0 rss0=%d rss1=%d\n",
		*server, sc, per, rss0, rss1)
}

// openEchoed opens n connections and waits until each has echoed one
// byte.
func openEchoed(sa *unix.SockaddrInet4, n int) []int {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		fatal(err)
	}
	defer unix.Close(epfd)
	fds := make([]int, 0, n)
	for range n {
		fd, err := dial(sa)
		if err != nil {
			fatal(fmt.Errorf("connect: %w", err))
		}
		fds = append(fds, fd)
		ctl(epfd, unix.EPOLL_CTL_ADD, fd, unix.EPOLLOUT)
	}
	left := n
	events := make([]unix.EpollEvent, 256)
	buf := make([]byte, 16)
	deadline := time.Now().Add(60 * time.Second)
	for left > 0 {
		if time.Now().After(deadline) {
			fatal(fmt.Errorf("%d connections not echoed after 60s", left))
		}
		k, err := unix.EpollWait(epfd, events, 100)
		if err != nil {
			if err != unix.EINTR {
				fatal(err)
			}
			k = 0
		}
		for _, ev := range events[:k] {
			fd := int(ev.Fd)
			if ev.Events&unix.EPOLLOUT != 0 {
				if e, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); e != 0 {
					fatal(fmt.Errorf("connect: %w", unix.Errno(e)))
				}
				if _, err := unix.Write(fd, idleMsg()); err != nil {
					fatal(err)
				}
				ctl(epfd, unix.EPOLL_CTL_MOD, fd, unix.EPOLLIN)
				continue
			}
			if r, err := unix.Read(fd, buf); err == nil && r == len(idleMsg()) {
				ctl(epfd, unix.EPOLL_CTL_DEL, fd, 0)
				left--
			} else if err != unix.EAGAIN {
				fatal(fmt.Errorf("idle read: %d, %v", r, err))
			}
		}
	}
	return fds
}

// idleMsg is what each idle connection sends, and gets back, once.
func idleMsg() []byte {
	if *lines {
		return []byte("x\n")
	}
	return []byte("x")
}

// sample is the CPU time of the server and of this process at a moment.
type sample struct {
	wall           time.Time
	server, client time.Duration
}

func takeSample() sample {
	s := sample{wall: time.Now()}
	if *pid != 0 {
		s.server = procCPU(*pid)
	}
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	s.client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return s
}

// procCPU returns utime+stime of a process from /proc/PID/stat.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		fatal(err)
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	// after "pid (comm) ": state is field 3, utime 14, stime 15
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// clockTicks is USER_HZ, 100 on Linux.
const clockTicks = 100

// rssKiB returns VmRSS of a process.
func rssKiB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	fatal(fmt.Errorf("no VmRSS for pid %d", pid))
	return 0
}
