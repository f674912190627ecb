package aio

import (
	"log/slog"
	"os"
	"time"
)

// Option configures a [Loop] made by [NewLoop] or [Run].
type Option func(*config)

type config struct {
	debug        bool
	slowCallback time.Duration
	virtual      bool
	autojump     time.Duration
	executorSize int
	handler      ExceptionHandler
	logger       *slog.Logger
	noSignals    bool
	track        bool // TrackTasks (taskinfo.go); debug mode implies it
}

func newConfig(opts []Option) config {
	c := config{
		debug:        os.Getenv("AIODEBUG") != "",
		slowCallback: 100 * time.Millisecond,
		logger:       slog.Default(),
	}
	for _, o := range opts {
		o(&c)
	}
	c.track = c.track || c.debug
	return c
}

// Debug turns debug mode on or off (asyncio's debug mode; the AIODEBUG
// environment variable turns it on by default). In debug mode the loop
// reports callbacks and task steps slower than [SlowCallbackDuration], with
// the task's name and where it suspended, and reports loop methods called
// from a goroutine that is not the loop's.
func Debug(on bool) Option { return func(c *config) { c.debug = on } }

// SlowCallbackDuration sets the threshold above which debug mode reports a
// callback or task step as slow (asyncio's loop.slow_callback_duration).
// The default is 100 ms.
func SlowCallbackDuration(d time.Duration) Option {
	return func(c *config) { c.slowCallback = d }
}

// VirtualClock makes the loop run on virtual time: whenever no callback is
// ready and no IO is ready, the loop's clock jumps straight to the next
// timer instead of waiting for it. An hour of timeouts runs in
// microseconds, the same way every time. The loop still polls its file
// descriptors without blocking before each jump, and waits for real while
// executor jobs ([ToThread]) are in flight, since their results are bound to
// come back.
//
// This is the loop for tests of timing logic (Trio's MockClock with
// autojump_threshold=0).
func VirtualClock() Option { return func(c *config) { c.virtual = true } }

// VirtualClockAutojump is [VirtualClock], but the loop first waits up to d of
// real time for IO before it jumps, for tests where another goroutine or
// process is expected to send data.
func VirtualClockAutojump(d time.Duration) Option {
	return func(c *config) { c.virtual = true; c.autojump = d }
}

// ExecutorSize bounds the number of goroutines of the loop's default
// executor (used by [ToThread]). The default is 4 × GOMAXPROCS, at least 32,
// like CPython's min(32, cpu+4) but sized for goroutines.
func ExecutorSize(n int) Option { return func(c *config) { c.executorSize = n } }

// WithExceptionHandler sets the loop's exception handler (see
// [Loop.SetExceptionHandler]).
func WithExceptionHandler(h ExceptionHandler) Option { return func(c *config) { c.handler = h } }

// WithLogger sets the logger of the default exception handler and of debug
// reports. The default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// NoSignalHandlers stops [Run] from installing its SIGINT/SIGTERM handlers.
func NoSignalHandlers() Option { return func(c *config) { c.noSignals = true } }
