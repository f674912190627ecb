// Package aiotest is the test kit of programs built on [aio], as
// net/http/httptest is for HTTP handlers and trio.testing for Trio.
//
//   - [Run] runs a test's body as a task on a fresh loop on the virtual
//     clock, and fails the test if the body returns an error, leaves tasks
//     pending, or the loop reports an exception. [NewLoop] and [RunMain]
//     are its two halves, for tests that need the loop first or expect
//     an error.
//   - [Watchdog] fails a run that hangs, with every pending task and
//     every goroutine's stack. It is a hang guard: whether a test that
//     ends passes never depends on how long it took.
//   - [CheckGoroutines] and [CheckFDs] fail a test that leaves
//     goroutines or file descriptors behind.
//   - [SocketPair], [StreamPair], [StreamPeer] and [DatagramPair] make
//     connected sockets and transports on the loopback: TCP over IPv4 and
//     IPv6, Unix stream and datagram sockets, UDP. [RequireLoopback]
//     skips a test where ::1 is missing.
//   - [SelfSignedCert] and [TLSConfigs] make a certificate for the
//     loopback and the TLS configs of a server that presents it and a
//     client that trusts it.
//   - [Recorder] is a protocol that records its callbacks in order,
//     checks that order, and lets a task wait for so many bytes, the end
//     of file or the end of the connection.
//   - [TestStreamTransport] is the conformance suite that every stream
//     transport passes: data both ways, half-close, pausing, write flow
//     control, Close, Abort, resets, large transfers. A transport plugs
//     in with a [StreamMaker] that connects a pair.
//
// A test with a loop, a connection and leak checks:
//
//	func TestGreeting(t *testing.T) {
//		aiotest.CheckGoroutines(t) // first: its check runs after the loop closed
//		aiotest.CheckFDs(t)
//		l := aiotest.NewLoop(t)
//		client, server := &aiotest.Recorder{}, &aiotest.Recorder{}
//		ct, _, _, _ := aiotest.StreamPair(t, l, "tcp4",
//			func() *aiotest.Recorder { return client },
//			func() *aiotest.Recorder { return server })
//		err := aiotest.RunMain(t, l, func(tk *aio.Task) error {
//			ct.Write([]byte("hello"))
//			ct.Close()
//			return server.WaitLost(tk)
//		})
//		if err != nil {
//			t.Fatal(err)
//		}
//		if string(server.Bytes()) != "hello" {
//			t.Errorf("got %q", server.Bytes())
//		}
//	}
//
// # Goroutines
//
// The functions that take a [testing.TB] are called from the test's own
// goroutine, not from a task: a task's body runs on a coroutine, where
// t.Fatal could not stop the test. What runs in a task (the Recorder's
// waits, a StreamMaker) returns errors instead. The leak checks count
// process-wide, so they do not suit tests that run in parallel.
package aiotest
