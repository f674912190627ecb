package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

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
	// Requests in flight are answered before the loops stop, for up to
	// shutdownGrace, or until a second signal.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if ctl != nil {
		ctl.srv = srv
		ctl.ready <- srv.Addr().String()
		<-ctl.stop
	} else {
		sigs := make(chan os.Signal, 2)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sigs)
		<-sigs
		go func() {
			select {
			case <-sigs:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	fmt.Fprintln(stdout, "Server stopping...")
	ctx, cancelGrace := context.WithTimeout(ctx, shutdownGrace)
	defer cancelGrace()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintln(stdout, "Server stopped without waiting for every request:", err)
	}
	return nil
}

// shutdownGrace is how long serve waits for requests in flight when it
// stops.
const shutdownGrace = 10 * time.Second

// CloseWhenIdle makes the connection end after the response to the
// request being handled, or at once if there is none (aio.IdleCloser:
// serve's graceful shutdown).
func (p *demoProtocol) CloseWhenIdle() {
	p.closing = true
	if p.busy == nil {
		p.tr.Close()
	}
}

// serveControl lets a test drive serve.
type serveControl struct {
	ready chan string
	stop  chan struct{}
	srv   *aio.MultiServer // set before ready receives
}
