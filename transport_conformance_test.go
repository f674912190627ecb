//go:build linux

package aio_test

import (
	"testing"

	"github.com/aio-go/aio/aiotest"
)

// The stream transports pass aiotest's conformance checks over every
// kind of socket they serve, made the ways users make them.

func TestStreamTransportTCP4(t *testing.T) {
	aiotest.TestStreamTransport(t, aiotest.TCPStreams("tcp4"))
}

func TestStreamTransportTCP6(t *testing.T) {
	aiotest.RequireLoopback(t, "tcp6")
	aiotest.TestStreamTransport(t, aiotest.TCPStreams("tcp6"))
}

func TestStreamTransportUnix(t *testing.T) {
	aiotest.TestStreamTransport(t, aiotest.UnixStreams(t.TempDir()))
}

// TestStreamTransportAccepted runs the checks on transports of sockets
// made outside the loop (aio.ConnectAccepted).
func TestStreamTransportAccepted(t *testing.T) {
	for _, network := range []string{"tcp4", "unix"} {
		t.Run(network, func(t *testing.T) {
			aiotest.TestStreamTransport(t, aiotest.SocketPairStreams(network))
		})
	}
}
