package aio_test

import (
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// TLSTransport passes the stream transport conformance checks: a
// CreateServer with WithTLS accepts the connection a CreateConnection
// with WithTLS makes.
func TestTLSTransportConformance(t *testing.T) {
	pki := mustPKI(t, "conformance")
	aiotest.TestStreamTransport(t, func(tk *aio.Task, client, server *aiotest.Recorder) error {
		srv, err := aio.CreateServer(tk, func() *aiotest.Recorder { return server }, "tcp", "127.0.0.1:0", aio.WithTLS(pki.ServerConfig()))
		if err != nil {
			return err
		}
		defer srv.Close()
		if _, _, err := aio.CreateConnection(tk, func() *aiotest.Recorder { return client }, "tcp", srv.Addr().String(), aio.WithTLS(pki.ClientConfig())); err != nil {
			return err
		}
		return server.WaitEvent(tk, aiotest.Made, 1)
	})
}
