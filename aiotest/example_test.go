package aiotest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// A Recorder as the protocol of both ends of a connection: the server
// echoes from its DataReceived callback, and the client's events come
// out in the order the transport made them.
func ExampleRecorder() {
	err := aio.Run(func(t *aio.Task) error {
		server := &aiotest.Recorder{OnEvent: func(r *aiotest.Recorder, e aiotest.Event) {
			if e.Kind == aiotest.Data {
				r.Transport().Write(e.Data)
			}
		}}
		srv, err := aio.CreateServer(t, func() *aiotest.Recorder { return server }, "tcp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		client := &aiotest.Recorder{}
		tr, _, err := aio.CreateConnection(t, func() *aiotest.Recorder { return client }, "tcp4", srv.Addr().String())
		if err != nil {
			return err
		}
		tr.Write([]byte("hello"))
		tr.WriteEOF()
		if err := client.WaitLost(t); err != nil {
			return err
		}
		for _, e := range client.Events() {
			fmt.Println(e)
		}
		fmt.Printf("%q %v\n", client.Bytes(), client.CheckOrder())
		return nil
	}, aio.NoSignalHandlers())
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// ConnectionMade
	// DataReceived(5 bytes)
	// EOFReceived
	// ConnectionLost(<nil>)
	// "hello" <nil>
}

// A test of timing logic runs on the virtual clock: the hour of the
// timeout passes at once, and the same way every time.
func ExampleRun() {
	_ = func(t *testing.T) {
		aiotest.Run(t, func(tk *aio.Task) error {
			err := aio.Timeout(tk, time.Hour, func(tk *aio.Task) error {
				return aio.Sleep(tk, 2*time.Hour)
			})
			if err == nil {
				t.Error("the timeout did not fire")
			}
			return nil
		})
	}
}

// A package runs the conformance checks over each stream transport it
// has, each made the way users make it.
func ExampleTestStreamTransport() {
	_ = func(t *testing.T) {
		aiotest.TestStreamTransport(t, aiotest.TCPStreams("tcp4"))
		aiotest.TestStreamTransport(t, aiotest.UnixStreams(t.TempDir()))
	}
}

// A new transport brings its own StreamMaker: here, Unix sockets in
// Linux's abstract namespace, which have no file.
func ExampleStreamMaker() {
	var abstract aiotest.StreamMaker = func(t *aio.Task, client, server *aiotest.Recorder) error {
		name := fmt.Sprintf("@aiotest-example-%p", server)
		srv, err := aio.CreateUnixServer(t, func() *aiotest.Recorder { return server }, name)
		if err != nil {
			return err
		}
		defer srv.Close() // the connection stays
		if _, _, err := aio.CreateUnixConnection(t, func() *aiotest.Recorder { return client }, name); err != nil {
			return err
		}
		return server.WaitEvent(t, aiotest.Made, 1) // both ConnectionMade have run
	}
	_ = func(t *testing.T) { aiotest.TestStreamTransport(t, abstract) }
}
