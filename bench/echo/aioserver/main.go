// Command aioserver is the aio echo server of bench/echo: a Protocol
// whose DataReceived writes the bytes back, with flow control (reading
// pauses while the write buffer is above its high-water mark).
//
//	aioserver [-addr 127.0.0.1:0] [-loops 1] [-tls]
//
// With -tls it serves through aio's TLS (WithTLS, bench/tls), with a
// self-signed certificate made at start (bench/tls/benchcert).
// It prints "LISTEN host:port" once it serves, and runs until killed.
// With -loops N > 1 it serves on N loops (ServeMultiLoop).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/bench/tls/benchcert"
)

type echo struct{ tr aio.Transport }

func (e *echo) ConnectionMade(t aio.Transport) { e.tr = t }
func (e *echo) DataReceived(b []byte)          { e.tr.Write(b) }
func (e *echo) ConnectionLost(error)           {}
func (e *echo) PauseWriting()                  { e.tr.PauseReading() }
func (e *echo) ResumeWriting()                 { e.tr.ResumeReading() }

func newEcho() *echo { return &echo{} }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	loops := flag.Int("loops", 1, "loops (one per core with SO_REUSEPORT when > 1)")
	withTLS := flag.Bool("tls", false, "serve TLS (aio.WithTLS)")
	flag.Parse()
	var opts []aio.NetOption
	if *withTLS {
		cfg, err := benchcert.Server()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		opts = append(opts, aio.WithTLS(cfg))
	}
	if *loops > 1 {
		ms, err := aio.ServeMultiLoop(newEcho, "tcp", *addr, append(opts, aio.Loops(*loops), aio.LockOSThread(true))...)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("LISTEN %v\n", ms.Addr())
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		<-sig
		ms.Close()
		return
	}
	err := aio.Run(func(t *aio.Task) error {
		srv, err := aio.CreateServer(t, newEcho, "tcp", *addr, opts...)
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
