package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/aio-go/aio"
)

// A Runner serves an App on one loop per core, each with its own
// SO_REUSEPORT listener, with the App's lifecycle (aiohttp's AppRunner
// and TCPSite in one): [Runner.Start] runs the startup hooks and starts
// serving, [Runner.Shutdown] stops gracefully and runs the shutdown and
// cleanup hooks. Its methods are called from one goroutine that is not a
// loop's.
type Runner struct {
	app *App
	cfg *config
	ms  *aio.MultiServer
}

// NewRunner returns a Runner for app with the options.
func NewRunner(app *App, opts ...Option) *Runner {
	return &Runner{app: app, cfg: newConfig(app, opts)}
}

// Start freezes the App, runs its startup hooks (each in a task on a
// loop of its own, in the order added; on an error it runs the cleanup
// hooks and returns it) and starts serving. An address in use gives an
// error matching syscall.EADDRINUSE.
func (rn *Runner) Start() error {
	if rn.ms != nil {
		return errors.New("web: Runner started twice")
	}
	if err := rn.app.freeze(); err != nil {
		return err
	}
	if err := rn.runHooks(rn.app.hooks(func(a *App) []Hook { return a.startup })); err != nil {
		return errors.Join(err, rn.cleanup())
	}
	ms, err := aio.ServeMultiLoopPerLoop(func(l *aio.Loop) func() *conn {
		return newLoopState(l, rn.cfg).newConn
	}, rn.cfg.network, rn.cfg.addr, append(rn.cfg.netOpts[:len(rn.cfg.netOpts):len(rn.cfg.netOpts)],
		aio.Loops(rn.cfg.loops), aio.LoopOptions(rn.cfg.loopOpts...))...)
	if err != nil {
		return errors.Join(err, rn.cleanup())
	}
	rn.ms = ms
	return nil
}

// Addr returns the address served (nil before Start).
func (rn *Runner) Addr() net.Addr {
	if rn.ms == nil {
		return nil
	}
	return rn.ms.Addr()
}

// Loops returns the serving loops (nil before Start).
func (rn *Runner) Loops() []*aio.Loop {
	if rn.ms == nil {
		return nil
	}
	return rn.ms.Loops()
}

// Shutdown stops serving gracefully: it runs the shutdown hooks, stops
// accepting, lets every connection finish the request in flight (for up
// to the ShutdownTimeout, or until ctx ends; then the handlers left are
// cancelled), and runs the cleanup hooks in reverse order. It returns
// the first error of these steps, or ctx's if the grace period was cut.
func (rn *Runner) Shutdown(ctx context.Context) error {
	if rn.ms == nil {
		return errors.New("web: Runner not started")
	}
	errShut := rn.runHooks(rn.app.hooks(func(a *App) []Hook { return a.shutdown }))
	ctx, cancel := context.WithTimeout(ctx, rn.cfg.shutdownTimeout)
	defer cancel()
	errServe := rn.ms.Shutdown(ctx)
	rn.ms = nil
	return errors.Join(errShut, errServe, rn.cleanup())
}

func (rn *Runner) cleanup() error {
	hs := rn.app.hooks(func(a *App) []Hook { return a.cleanup })
	slices.Reverse(hs)
	return rn.runHooks(hs)
}

// runHooks runs the hooks one after another in a task on a fresh loop,
// stopping at the first error.
func (rn *Runner) runHooks(hs []Hook) error {
	if len(hs) == 0 {
		return nil
	}
	return aio.Run(func(t *aio.Task) error {
		for _, h := range hs {
			if err := h(t, rn.app); err != nil {
				return err
			}
		}
		return nil
	}, append([]aio.Option{aio.NoSignalHandlers()}, rn.cfg.loopOpts...)...)
}

// RunApp serves app until SIGINT or SIGTERM, then shuts down gracefully
// (aiohttp's web.run_app): it starts a [Runner], prints
// "======== Running on http://ADDR ========" (https with [TLS]; see
// [PrintTo]), waits for
// the first signal, and runs [Runner.Shutdown]; a second signal cuts the
// grace period short. It returns Start's error, such as an address in
// use, or Shutdown's.
func RunApp(app *App, opts ...Option) error {
	return RunAppContext(context.Background(), app, opts...)
}

// RunAppContext is [RunApp] that also stops when ctx is done.
func RunAppContext(ctx context.Context, app *App, opts ...Option) error {
	rn := NewRunner(app, opts...)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := rn.Start(); err != nil {
		return err
	}
	out := rn.cfg.out
	if out == nil && !rn.cfg.outSet {
		out = os.Stdout
	}
	if out != nil {
		scheme := "http"
		if rn.cfg.tls {
			scheme = "https"
		}
		fmt.Fprintf(out, "======== Running on %s://%s ========\n(Press CTRL+C to quit)\n", scheme, rn.Addr())
	}
	select {
	case <-ctx.Done():
	case <-sigs:
	}
	grace, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-grace.Done():
		}
	}()
	return rn.Shutdown(grace)
}
