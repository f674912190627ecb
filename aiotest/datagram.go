package aiotest

import (
	"fmt"

	"github.com/aio-go/aio"
)

// DatagramPair makes two UDP endpoints on the loopback of network
// ("udp4" or "udp6"; see [RequireLoopback]) with
// [aio.CreateDatagramEndpoint]: ta, bound to a free port, with the
// protocol pa from fa; and tb, bound to another and connected to ta,
// with pb from fb. tb sends to ta with the zero address and receives only
// from it; ta sends to tb at tb.LocalAddr(). Both ConnectionMade calls
// have run when it returns. On an error nothing is left open.
//
// Call it from a task on the loop that is to serve the endpoints; the
// loop closes them, if the test has not, when it closes.
//
// Cancellation: DatagramPair does not suspend (its addresses are
// literal).
func DatagramPair[A, B aio.DatagramProtocol](t *aio.Task, network string, fa func() A, fb func() B) (ta *aio.UDPTransport, pa A, tb *aio.UDPTransport, pb B, err error) {
	lo := "127.0.0.1:0"
	if network == "udp6" {
		lo = "[::1]:0"
	}
	ta, pa, err = aio.CreateDatagramEndpoint(t, fa, network, lo, "")
	if err != nil {
		return nil, pa, nil, pb, fmt.Errorf("aiotest: DatagramPair: %w", err)
	}
	tb, pb, err = aio.CreateDatagramEndpoint(t, fb, network, lo, ta.LocalAddr().String())
	if err != nil {
		ta.Abort()
		return nil, pa, nil, pb, fmt.Errorf("aiotest: DatagramPair: %w", err)
	}
	return ta, pa, tb, pb, nil
}
