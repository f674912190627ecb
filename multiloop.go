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
// processes). Made by [ServeMultiLoop]; stopped by Close or Shutdown, which
// let the work they cancel unwind before the loops stop.
//
// Its methods may be called from any goroutine, except that Close and
// Shutdown wait for the loops to exit: from a loop's goroutine they
// return [ErrOnLoop].
type MultiServer struct {
	loops   []*Loop
	servers []*Server // servers[i] belongs to loops[i]
	addr    net.Addr
	wg      sync.WaitGroup
	done    chan struct{}

	mu    sync.Mutex
	stops []*loopStop // by loop, made by the first Close or Shutdown
}

// ServeMultiLoop serves address on N loops (N is the [Loops] option, or
// GOMAXPROCS), each running on its own goroutine, locked to an OS thread
// with the [LockOSThread] option. network is "tcp", "tcp4" or "tcp6"; each
// loop gets its own listening socket with SO_REUSEPORT on the same port
// (port 0 picks one for all). factory is called on the loop that accepted
// the connection, so a protocol only ever sees its own loop. The other
// options are those of [CreateServer], plus [LoopOptions] for the loops.
//
// Only the loops of one [MultiServer] share the port: if another socket
// listens on it, with SO_REUSEPORT or not (a second process running the
// same server, say), ServeMultiLoop fails with an error matching
// [syscall.EADDRINUSE] rather than letting the kernel split the
// connections between the two. It checks with a probe socket just before
// its first listener binds; two servers started within microseconds of
// each other can still both pass (docs/design.md, "Port exclusivity").
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
			m.stop(false)
			m.wg.Wait()
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
	srv, err := createServer(nil, l, factory, network, address, cfg, i == 0)
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
// [Server] is used from its own loop's goroutine only.
func (m *MultiServer) Servers() []*Server { return m.servers }

// Done returns a channel closed once every loop has stopped and closed.
func (m *MultiServer) Done() <-chan struct{} { return m.done }

// loopStop is the stopping of one loop, run by a task on that loop;
// its fields are used on that loop's goroutine only.
type loopStop struct {
	graceful bool         // the graceful phase is wanted, or under way
	scope    *CancelScope // of the graceful phase, while it runs
}

// stop starts a task on every loop that stops it (gracefully first, or
// not), or, when they run already and graceful is false, cuts their
// graceful phase short.
func (m *MultiServer) stop(graceful bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stops != nil && graceful {
		return
	}
	first := m.stops == nil
	if first {
		m.stops = make([]*loopStop, len(m.loops))
	}
	for i, l := range m.loops {
		if l == nil {
			continue
		}
		if first {
			st := &loopStop{graceful: graceful}
			m.stops[i] = st
			srv := m.servers[i]
			l.CallSoonThreadsafe(func() {
				CreateTask(l, func(t *Task) (struct{}, error) {
					st.run(t, srv)
					return struct{}{}, nil
				})
			})
			continue
		}
		st := m.stops[i]
		l.CallSoonThreadsafe(func() {
			st.graceful = false
			if st.scope != nil {
				st.scope.Cancel()
			}
		})
	}
}

// run stops the loop of s: the graceful phase (Server.Shutdown) if asked
// for and until cut short, then what is left is aborted, cancelled and
// given time to unwind, and the loop stops.
func (st *loopStop) run(t *Task, s *Server) {
	if st.graceful {
		Scope(t, func(t *Task, sc *CancelScope) error {
			st.scope = sc
			return s.Shutdown(t)
		})
		st.scope = nil
	}
	abortAndUnwind(t, s)
	s.loop.Stop()
}

// Close stops the server for good: on every loop it stops accepting,
// aborts every connection, and lets the tasks this cancels unwind,
// awaits included (ConnectionLost may cancel a handler's task); the
// other tasks still running on the loops are cancelled too (as asyncio.run
// does when its main task ends). After at most 5 seconds of unwinding on
// the loops' clock the loops stop anyway, and closing them destroys the
// tasks still pending (reported as "Task was destroyed but it is
// pending!"). Close returns once every loop's goroutine has exited; it
// cuts a Shutdown in progress short. Calling it again does nothing more.
// Called from a task or callback of any loop it returns [ErrOnLoop] and
// does nothing: call it from a goroutine of your own.
func (m *MultiServer) Close() error {
	if insideLoop() {
		return fmt.Errorf("aio: MultiServer.Close: %w", ErrOnLoop)
	}
	m.stop(false)
	<-m.done
	return nil
}

// Shutdown stops the server gracefully: every loop stops accepting and
// runs [Server.Shutdown], which asks each protocol that implements
// [IdleCloser] to close when idle (its request in flight is answered
// first) and closes every other connection after its buffered data is
// sent, and waits for the connections to be gone. Then, as Close, it
// cancels the tasks still running, lets them unwind, and stops the
// loops. If ctx ends before the connections are gone, Shutdown goes on
// as Close does (the connections left are aborted and the cancelled work
// unwinds within Close's limit) and returns ctx's error once the loops
// have exited; otherwise it returns nil.
//
// As Close, it returns [ErrOnLoop] if called from a task or callback.
func (m *MultiServer) Shutdown(ctx context.Context) error {
	if insideLoop() {
		return fmt.Errorf("aio: MultiServer.Shutdown: %w", ErrOnLoop)
	}
	m.stop(true)
	select {
	case <-m.done:
		return nil
	case <-ctx.Done():
		m.stop(false)
		<-m.done
		return ctx.Err()
	}
}
