package aiotest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aio-go/aio"
)

// A StreamMaker connects a fresh pair of stream transports for one check
// of [TestStreamTransport]. It runs in a task on the check's loop and
// makes the two ends of one connection, the client's with the protocol
// client and the other's with server (each ConnectionMade receives its
// end). When it returns, both ConnectionMade calls have run, and
// nothing but the two transports is left open: a listener it used is
// closed. It returns an error if it cannot make the pair.
//
// [TCPStreams], [UnixStreams] and [SocketPairStreams] make the pairs of
// aio's socket transports; a new transport (a pipe, TLS over a socket)
// brings its own StreamMaker and passes the same checks.
type StreamMaker func(t *aio.Task, client, server *Recorder) error

// TCPStreams returns a [StreamMaker] for TCP on the loopback of network
// ("tcp4" or "tcp6"; see [RequireLoopback]): a server made by
// [aio.CreateServer] accepts the connection that [aio.CreateConnection]
// makes, then stops listening.
func TCPStreams(network string) StreamMaker {
	address := "127.0.0.1:0"
	if network == "tcp6" {
		address = "[::1]:0"
	}
	return func(t *aio.Task, client, server *Recorder) error {
		srv, err := aio.CreateServer(t, recorderFactory(server), network, address)
		if err != nil {
			return err
		}
		defer srv.Close()
		return connect(t, client, server, network, srv.Addr().String())
	}
}

// UnixStreams returns a [StreamMaker] for Unix stream sockets: a server
// made by [aio.CreateUnixServer] on a new path in dir (a test's
// t.TempDir(), kept short: a socket path has at most 107 bytes) accepts
// the connection that [aio.CreateUnixConnection] makes, then stops
// listening and removes its file.
func UnixStreams(dir string) StreamMaker {
	return func(t *aio.Task, client, server *Recorder) error {
		sub, err := os.MkdirTemp(dir, "")
		if err != nil {
			return err
		}
		path := filepath.Join(sub, "s")
		srv, err := aio.CreateUnixServer(t, recorderFactory(server), path)
		if err != nil {
			return err
		}
		defer srv.Close()
		return connect(t, client, server, "unix", path)
	}
}

// SocketPairStreams returns a [StreamMaker] that wraps both ends of a
// [SocketPair] of network ("tcp4", "tcp6" or "unix") with
// [aio.ConnectAccepted]: the transports of sockets made outside the loop.
func SocketPairStreams(network string) StreamMaker {
	return func(t *aio.Task, client, server *Recorder) error {
		a, b, err := socketPair(network)
		if err != nil {
			return err
		}
		_, _, _, _, err = adoptPair(t.Loop(), a, b, recorderFactory(client), recorderFactory(server))
		return err
	}
}

func recorderFactory(r *Recorder) func() *Recorder { return func() *Recorder { return r } }

// connect dials address for client and waits until the server side has
// its ConnectionMade.
func connect(t *aio.Task, client, server *Recorder, network, address string) error {
	if _, _, err := aio.CreateConnection(t, recorderFactory(client), network, address); err != nil {
		return err
	}
	return server.WaitEvent(t, Made, 1)
}

// TestStreamTransport runs the conformance checks of stream transports
// ([aio.Transport]) on the pairs that mk makes. Each check is a subtest
// with its own pair on its own loop ([Run]), under [CheckGoroutines] and
// [CheckFDs], so it must not run in parallel with other tests. Every
// check also verifies that both protocols saw their callbacks in the
// documented order ([Recorder.CheckOrder]), and ends by aborting what is
// still open and waiting for ConnectionLost on both sides.
//
// The checks:
//
//	Exchange               bytes flow both ways, Write and Writelines, in order
//	WritelinesMany         Writelines of 3000 buffers, some empty, from a task and a callback
//	HalfCloseFromClient    client WriteEOF: the server (EOFReceived true) still writes
//	HalfCloseFromServer    the same the other way
//	EOFClosesByDefault     EOFReceived false: the transport closes itself
//	WriteEOFFlushes        WriteEOF with a buffer: the EOF comes after all of it
//	PauseReading           nothing, not even EOF, arrives while paused; all of it after
//	PauseReadingInCallback a pause from DataReceived holds the rest of the read back
//	EchoFromCallbacks      writes and Close from within callbacks, data intact
//	WriteBufferLimits      unset marks give the defaults, high = 4×low, low = high/4
//	FlowControl            PauseWriting exactly when the buffer rises above high,
//	                       ResumeWriting when it drains to low, data intact
//	CloseFlushes           Close sends what is buffered before ConnectionLost
//	CloseTwice             Close is idempotent; writes after it fail with ErrTransportClosed
//	Abort                  drops the buffer, ConnectionLost(nil), the peer gets a prefix
//	PeerReset              the peer resets: ConnectionLost gets ECONNRESET (or EPIPE)
//	PeerResetWhileWriting  the same, found by a transport blocked writing
//	PeerResetWhilePaused   the same, found by an idle transport that does not read
//	SetProtocol            events go to the new protocol
//	BufferedProtocol       a BufferedProtocol with a 7-byte buffer gets the data intact
//	LargeTransfer          8 MiB each way at once, with flow control, intact
//
// A check of a transport that cannot half-close (CanWriteEOF false) is
// skipped. A check that found a known bug is skipped with a "BUG:"
// message; set AIOTEST_BUGS=1 in the environment to run those too.
func TestStreamTransport(t *testing.T, mk StreamMaker) {
	for _, c := range streamChecks {
		t.Run(c.name, func(t *testing.T) { runStreamCheck(t, mk, c) })
	}
}

// streamCheck is one check of TestStreamTransport.
type streamCheck struct {
	name string
	// bug, when set, describes a known bug of the current transports
	// that the check finds: it is then skipped unless AIOTEST_BUGS is set.
	bug string
	run func(t *aio.Task, c, s *Recorder) error
}

var streamChecks = []streamCheck{
	{name: "Exchange", run: checkExchange},
	{name: "WritelinesMany", run: checkWritelinesMany},
	{name: "HalfCloseFromClient", run: checkHalfClose},
	{name: "HalfCloseFromServer", run: func(t *aio.Task, c, s *Recorder) error { return checkHalfClose(t, s, c) }},
	{name: "EOFClosesByDefault", run: checkEOFCloses},
	{name: "WriteEOFFlushes", run: checkWriteEOFFlushes},
	{name: "PauseReading", run: checkPauseReading},
	{name: "PauseReadingInCallback", run: checkPauseReadingInCallback},
	{name: "EchoFromCallbacks", run: checkEcho},
	{name: "WriteBufferLimits", run: checkWriteBufferLimits},
	{name: "FlowControl", run: checkFlowControl},
	{name: "CloseFlushes", run: checkCloseFlushes},
	{name: "CloseTwice", run: checkCloseTwice},
	{name: "Abort", run: checkAbort},
	{name: "PeerReset", run: checkPeerReset},
	{name: "PeerResetWhileWriting", run: checkPeerResetWhileWriting},
	{name: "PeerResetWhilePaused", run: checkPeerResetWhilePaused},
	{name: "SetProtocol", run: checkSetProtocol},
	{name: "BufferedProtocol", run: checkBufferedProtocol},
	{name: "LargeTransfer", run: checkLargeTransfer},
}

// skipCheck is returned by a check that does not apply to the transport.
type skipCheck string

func (s skipCheck) Error() string { return string(s) }

func runStreamCheck(t *testing.T, mk StreamMaker, c streamCheck) {
	if c.bug != "" && os.Getenv("AIOTEST_BUGS") == "" {
		t.Skip("BUG: " + c.bug)
	}
	CheckGoroutines(t)
	CheckFDs(t)
	err := RunMain(t, NewLoop(t), func(tk *aio.Task) error {
		client, server := &Recorder{}, &Recorder{}
		if err := mk(tk, client, server); err != nil {
			return fmt.Errorf("making the pair: %w", err)
		}
		if client.Transport() == nil || server.Transport() == nil {
			return fmt.Errorf("the StreamMaker returned before both ConnectionMade calls")
		}
		ends := []aio.Transport{client.Transport(), server.Transport()}
		err := c.run(tk, client, server)
		return errors.Join(err, finish(tk, ends))
	})
	var skip skipCheck
	if errors.As(err, &skip) {
		t.Skip(skip)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// finish aborts the ends still open, waits until each end's current
// protocol has its ConnectionLost, and checks the order of the callbacks
// each Recorder saw.
func finish(t *aio.Task, ends []aio.Transport) error {
	var errs []error
	for _, tr := range ends {
		if !tr.IsClosing() {
			tr.Abort()
		}
	}
	for i, tr := range ends {
		p, ok := tr.Protocol().(interface{ recorder() *Recorder })
		if !ok {
			continue
		}
		r := p.recorder()
		if err := r.WaitLost(t); err != nil {
			return err
		}
		if err := r.CheckOrder(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", side[i], err))
		}
	}
	return errors.Join(errs...)
}

var side = [2]string{"client", "server"}
