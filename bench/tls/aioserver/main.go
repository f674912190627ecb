// Command aioserver is the aio server of bench/tls: the echo Protocol of
// bench/echo (DataReceived writes the bytes back, reading pauses while
// the write buffer is full) behind aio's TLS (WithTLS), so that the TLS
// records layer is what is measured.
//
//	aioserver [-addr 127.0.0.1:0]
//
// It prints "LISTEN host:port" once it serves, and runs until killed.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/bench/tls/benchcert"
)

type echo struct{ tr aio.Transport }

func (e *echo) ConnectionMade(t aio.Transport) { e.tr = t }
func (e *echo) DataReceived(b []byte)          { e.tr.Write(b) }
func (e *echo) ConnectionLost(error)           {}
func (e *echo) PauseWriting()                  { e.tr.PauseReading() }
func (e *echo) ResumeWriting()                 { e.tr.ResumeReading() }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	flag.Parse()
	cfg, err := benchcert.Server()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = aio.Run(func(t *aio.Task) error {
		srv, err := aio.CreateServer(t, func() *echo { return &echo{} }, "tcp", *addr, aio.WithTLS(cfg))
		if err != nil {
			return err
		}
		fmt.Printf("LISTEN %v\n", srv.Addr())
		return srv.ServeForever(t)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
