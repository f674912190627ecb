package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/aio-go/aio"
)

// serve runs the demo app on loops loops until a signal arrives, or until
// stop is closed (for tests); ready, if not nil, receives the address once
// it serves.
func serve(addr string, loops int, stdout io.Writer, ctl *serveControl) error {
	srv, err := aio.ServeMultiLoop(newDemoProtocol, "tcp", addr, aio.Loops(loops))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Server started at http://%s...\n", srv.Addr())
	if ctl != nil {
		ctl.ready <- srv.Addr().String()
		<-ctl.stop
	} else {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		<-sigs
		signal.Stop(sigs)
	}
	fmt.Fprintln(stdout, "Server stopping...")
	return srv.Close()
}

// serveControl lets a test drive serve.
type serveControl struct {
	ready chan string
	stop  chan struct{}
}
