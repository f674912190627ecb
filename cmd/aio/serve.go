package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/aio-go/aio/web"
)

// serveOptions is serve's command line.
type serveOptions struct {
	addr      string
	loops     int
	delay     time.Duration
	accessLog bool
	static    string
	tlsCert   string // PEM files: with both set, serve HTTPS
	tlsKey    string
}

// serve runs the demo app until a signal arrives, or until ctl.stop is
// closed (for tests); ctl.ready then receives the address once it serves.
func serve(o serveOptions, stdout io.Writer, ctl *serveControl) error {
	out := &lockedWriter{w: stdout} // the loops log concurrently
	app := demoApp(o.delay)
	if o.static != "" {
		if err := app.Static("/static", o.static); err != nil {
			return err
		}
	}
	opts := []web.Option{web.Addr(o.addr), web.Loops(o.loops), web.ShutdownTimeout(shutdownGrace)}
	if o.accessLog {
		logger, err := web.NewAccessLogger(out, web.DefaultAccessLogFormat)
		if err != nil {
			return err
		}
		opts = append(opts, web.AccessLog(logger.Log))
	}
	scheme := "http"
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		opts = append(opts, web.TLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
		scheme = "https"
	}
	rn := web.NewRunner(app, opts...)
	if err := rn.Start(); err != nil {
		return err
	}
	fmt.Fprintf(out, "Server started at %s://%s...\n", scheme, rn.Addr())
	// Requests in flight are answered before the loops stop, for up to
	// shutdownGrace, or until a second signal.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if ctl != nil {
		ctl.runner = rn
		ctl.ready <- rn.Addr().String()
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
	fmt.Fprintln(out, "Server stopping...")
	if err := rn.Shutdown(ctx); err != nil {
		fmt.Fprintln(out, "Server stopped without waiting for every request:", err)
	}
	return nil
}

// shutdownGrace is how long serve waits for requests in flight when it
// stops.
const shutdownGrace = 10 * time.Second

// lockedWriter serialises writes from several loops.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// serveControl lets a test drive serve.
type serveControl struct {
	ready  chan string
	stop   chan struct{}
	runner *web.Runner // set before ready receives
}
