package aio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// MultiServer is one TCP server served by several loops, each on its own
// goroutine with its own SO_REUSEPORT listening socket on the same port:
// the kernel spreads the connections over the loops, and the loops share
// nothing (Python's "one process per core, one loop each", without the
// processes). Made by ServeMultiLoop.
//
// Its methods may be called from any goroutine.
type MultiServer struct {
	loops   []*Loop
	servers []*Server // servers[i] belongs to loops[i]
	addr    net.Addr
	wg      sync.WaitGroup
	done    chan struct{}

	mu      sync.Mutex
	closing bool
}

// ServeMultiLoop serves address on N loops (N is the Loops option, or
// GOMAXPROCS), each running on its own goroutine, locked to an OS thread
// with the LockOSThread option. network is "tcp", "tcp4" or "tcp6"; each
// loop gets its own listening socket with SO_REUSEPORT on the same port
// (port 0 picks one for all). factory is called on the loop that accepted
// the connection, so a protocol only ever sees its own loop. The other
// options are those of CreateServer, plus LoopOptions for the loops.
//
// It returns once every loop is serving. Call it from any goroutine
// (not from a loop's: it blocks). Stop the server with Close or Shutdown.
func ServeMultiLoop[P Protocol](factory func() P, network, address string, opts ...NetOption) (*MultiServer, error) {
	cfg := newNetConfig(opts)
	family, err := parseNetwork(network, false)
	if err != nil {
		return nil, err
	}
	if family == unix.AF_UNIX {
		return nil, errors.New("aio: ServeMultiLoop: Unix sockets cannot share a path; use TCP")
	}
	cfg.reusePort = true
	cfg.startServing = true
	n := cfg.loops
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	m := &MultiServer{loops: make([]*Loop, n), servers: make([]*Server, n), done: make(chan struct{})}
	f := protocolFactory(factory)
	addr := address
	for i := range n {
		ready := make(chan error, 1)
		m.wg.Add(1)
		go m.run(i, cfg, f, network, addr, ready)
		if err := <-ready; err != nil {
			m.Close()
			return nil, fmt.Errorf("aio: ServeMultiLoop: loop %d: %w", i, err)
		}
		if i == 0 {
			m.addr = m.servers[0].Addr()
			if ta, ok := m.addr.(*net.TCPAddr); ok {
				host, _, _ := net.SplitHostPort(address)
				addr = net.JoinHostPort(host, strconv.Itoa(ta.Port))
			}
		}
	}
	go func() {
		m.wg.Wait()
		close(m.done)
	}()
	return m, nil
}

// run is the body of one loop's goroutine.
func (m *MultiServer) run(i int, cfg netConfig, factory func() Protocol, network, address string, ready chan<- error) {
	defer m.wg.Done()
	if cfg.lockOSThread {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	l, err := NewLoop(cfg.loopOpts...)
	if err != nil {
		ready <- err
		return
	}
	defer l.Close()
	srv, err := createServer(nil, l, factory, network, address, cfg)
	if err != nil {
		ready <- err
		return
	}
	m.loops[i], m.servers[i] = l, srv
	ready <- nil
	l.RunForever()
}

// Addr returns the address the loops listen on.
func (m *MultiServer) Addr() net.Addr { return m.addr }

// Loops returns the loops. Use a loop's methods from other goroutines
// only through its Threadsafe methods.
func (m *MultiServer) Loops() []*Loop { return m.loops }

// Servers returns the server of each loop, in the order of Loops. A
// Server is used from its own loop's goroutine only.
func (m *MultiServer) Servers() []*Server { return m.servers }

// Done returns a channel closed once every loop has stopped and closed.
func (m *MultiServer) Done() <-chan struct{} { return m.done }

// stopAll asks each loop to close its server, end its connections
// (gracefully or not), and stop once they are gone.
func (m *MultiServer) stopAll(graceful bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, l := range m.loops {
		if l == nil {
			continue
		}
		srv := m.servers[i]
		l.CallSoonThreadsafe(func() {
			srv.Close()
			if graceful {
				srv.CloseClients()
			} else {
				srv.AbortClients()
			}
			CreateTask(l, func(t *Task) (struct{}, error) {
				err := srv.WaitClosed(t)
				l.Stop()
				return struct{}{}, err
			})
		})
	}
	m.closing = true
}

// Close stops accepting on every loop, aborts every connection, stops
// and closes the loops, and returns once their goroutines have exited.
// Calling it again does nothing more.
func (m *MultiServer) Close() error {
	m.stopAll(false)
	m.wg.Wait()
	return nil
}

// Shutdown stops accepting on every loop and closes every connection
// after its buffered data is sent, then stops the loops. If ctx ends
// first, the connections left are aborted, and ctx's error is returned
// once the loops have exited.
func (m *MultiServer) Shutdown(ctx context.Context) error {
	m.stopAll(true)
	select {
	case <-m.done:
		return nil
	case <-ctx.Done():
		m.Close()
		return ctx.Err()
	}
}
