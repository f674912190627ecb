package aiotest

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"golang.org/x/sys/unix"
)

// fakeTB is a testing.TB that records failures instead of failing the
// test that runs it, so that the kit's own failures can be checked.
// FailNow, Fatal and Skip end the goroutine, as testing.T's do.
type fakeTB struct {
	testing.TB // not set: a method the kit should not call panics
	mu         sync.Mutex
	errs       []string
	skipped    bool
	cleanups   []func()
}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Name() string { return "fake" }

func (f *fakeTB) Error(args ...any) { f.log(fmt.Sprint(args...)) }

func (f *fakeTB) Errorf(format string, args ...any) { f.log(fmt.Sprintf(format, args...)) }

func (f *fakeTB) Fatal(args ...any) { f.Error(args...); runtime.Goexit() }

func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...); runtime.Goexit() }

func (f *fakeTB) FailNow() { f.log("FailNow"); runtime.Goexit() }

func (f *fakeTB) Skipf(format string, args ...any) {
	f.mu.Lock()
	f.skipped = true
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) log(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, s)
}

// report returns the failures, one a line.
func (f *fakeTB) report() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.errs, "\n")
}

// runFake runs body as a test of a fakeTB on its own goroutine, then its
// cleanups, last in first out, and returns the fakeTB.
func runFake(body func(tb testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			for _, fn := range slices.Backward(f.cleanups) {
				fn()
			}
		}()
		body(f)
	}()
	<-done
	return f
}

func wantFailure(t *testing.T, f *fakeTB, parts ...string) {
	t.Helper()
	got := f.report()
	if got == "" {
		t.Fatal("the kit did not fail the test")
	}
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("the failure does not mention %q:\n%s", p, got)
		}
	}
}

func TestRunPasses(t *testing.T) {
	f := runFake(func(tb testing.TB) {
		Run(tb, func(tk *aio.Task) error {
			start := tk.Loop().Time()
			if err := aio.Sleep(tk, time.Hour); err != nil {
				return err
			}
			if d := tk.Loop().Time() - start; d != time.Hour {
				return fmt.Errorf("slept %v of loop time", d)
			}
			return nil
		})
	})
	if got := f.report(); got != "" {
		t.Fatalf("a passing run failed: %s", got)
	}
}

func TestRunFailsOnError(t *testing.T) {
	f := runFake(func(tb testing.TB) {
		Run(tb, func(tk *aio.Task) error { return errors.New("the body failed") })
	})
	wantFailure(t, f, "main returned an error", "the body failed")
}

func TestRunFailsOnPendingTasks(t *testing.T) {
	f := runFake(func(tb testing.TB) {
		Run(tb, func(tk *aio.Task) error {
			aio.Spawn(tk, func(t *aio.Task) (int, error) { return 0, aio.Sleep(t, time.Hour) }, aio.Name("forgotten"))
			return aio.Sleep(tk, 0)
		})
	})
	wantFailure(t, f, "1 task(s) still pending", `name="forgotten"`)
}

func TestRunFailsOnExceptions(t *testing.T) {
	f := runFake(func(tb testing.TB) {
		Run(tb, func(tk *aio.Task) error {
			// The task fails and nobody retrieves its error.
			aio.Spawn(tk, func(t *aio.Task) (int, error) { return 0, errors.New("nobody looks") })
			return aio.Sleep(tk, 0)
		})
	})
	wantFailure(t, f, "loop exception", "nobody looks")
}

func TestWatchdogFires(t *testing.T) {
	var fired bool
	f := runFake(func(tb testing.TB) {
		l := NewLoop(tb)
		never := aio.NewFuture[int](l)
		stop := Watchdog(tb, l, 10*time.Millisecond)
		main := aio.CreateTask(l, func(t *aio.Task) (int, error) { return aio.Await(t, never) }, aio.Name("stuck"))
		_, err := aio.RunUntilComplete(l, main)
		fired = stop()
		if !errors.Is(err, aio.ErrLoopStopped) {
			tb.Errorf("the run ended with %v, want ErrLoopStopped", err)
		}
		main.Cancel()
		aio.RunUntilComplete(l, main)
	})
	if !fired {
		t.Error("stop reports that the watchdog did not fire")
	}
	wantFailure(t, f, "watchdog", `name="stuck"`, "awaiting", "goroutine ")
}

func TestWatchdogQuiet(t *testing.T) {
	f := runFake(func(tb testing.TB) {
		l := NewLoop(tb)
		stop := Watchdog(tb, l, time.Minute)
		aio.RunUntilComplete(l, aio.CreateTask(l, func(t *aio.Task) (int, error) { return 0, aio.Sleep(t, time.Hour) }))
		if stop() {
			tb.Error("the watchdog fired")
		}
	})
	if got := f.report(); got != "" {
		t.Fatal(got)
	}
}

func TestCheckGoroutinesFindsLeak(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := runFake(func(tb testing.TB) {
		checkGoroutines(tb, 50*time.Millisecond)
		go leakedGoroutine(release)
	})
	wantFailure(t, f, "1 goroutine(s) leaked", "leakedGoroutine")
}

func leakedGoroutine(release chan struct{}) { <-release }

func TestCheckFDsFindsLeak(t *testing.T) {
	var leaked []*os.File
	defer func() {
		for _, f := range leaked {
			f.Close()
		}
	}()
	f := runFake(func(tb testing.TB) {
		checkFDs(tb, 50*time.Millisecond)
		r, w, err := os.Pipe()
		if err != nil {
			tb.Fatal(err)
		}
		leaked = append(leaked, r, w)
	})
	if f.skipped {
		t.Skip("no /proc/self/fd")
	}
	wantFailure(t, f, "2 fd(s) leaked", "pipe:")
}

// TestChecksPass: a test that releases what it used passes both checks,
// loops, transports and coroutines included.
func TestChecksPass(t *testing.T) {
	f := runFake(func(tb testing.TB) {
		checkGoroutines(tb, settle)
		checkFDs(tb, settle)
		l := NewLoop(tb)
		c, s := &Recorder{}, &Recorder{}
		ct, _, _, _ := StreamPair(tb, l, "unix", func() *Recorder { return c }, func() *Recorder { return s })
		SocketPair(tb, "udp4")
		if err := RunMain(tb, l, func(tk *aio.Task) error {
			ct.Close()
			return s.WaitLost(tk)
		}); err != nil {
			tb.Error(err)
		}
	})
	if got := f.report(); got != "" {
		t.Fatal(got)
	}
}

func TestRecorderOrder(t *testing.T) {
	for _, c := range []struct {
		name  string
		calls func(r *Recorder)
		want  string
	}{
		{"DataFirst", func(r *Recorder) { r.DataReceived([]byte("x")) }, "ConnectionMade must come first"},
		{"MadeTwice", func(r *Recorder) { r.ConnectionMade(nil); r.ConnectionMade(nil) }, "once"},
		{"DataAfterEOF", func(r *Recorder) { r.ConnectionMade(nil); r.EOFReceived(); r.DataReceived([]byte("x")) }, "no data"},
		{"ResumeFirst", func(r *Recorder) { r.ConnectionMade(nil); r.ResumeWriting() }, "ResumeWriting without PauseWriting"},
		{"PauseTwice", func(r *Recorder) { r.ConnectionMade(nil); r.PauseWriting(); r.PauseWriting() }, "PauseWriting twice"},
		{"AfterLost", func(r *Recorder) { r.ConnectionMade(nil); r.ConnectionLost(nil); r.PauseWriting() }, "nothing may follow"},
		{"Fine", func(r *Recorder) {
			r.ConnectionMade(nil)
			r.DataReceived([]byte("x"))
			r.PauseWriting()
			r.ResumeWriting()
			r.EOFReceived()
			r.ConnectionLost(nil)
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &Recorder{}
			c.calls(r)
			err := r.CheckOrder()
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("CheckOrder: %v, want %q", err, c.want)
			}
		})
	}
}

func TestRecorderCopiesData(t *testing.T) {
	r := &Recorder{}
	r.ConnectionMade(nil)
	buf := []byte("first")
	r.DataReceived(buf)
	copy(buf, "XXXXX")
	r.DataReceived([]byte("second"))
	ev := r.Events()
	if string(ev[1].Data) != "first" || string(ev[2].Data) != "second" || string(r.Bytes()) != "firstsecond" {
		t.Fatalf("events %q %q, bytes %q", ev[1].Data, ev[2].Data, r.Bytes())
	}
}

// TestRecorderWaits: the waits return when their event comes, and with
// ErrConnectionLost when the connection ends first.
func TestRecorderWaits(t *testing.T) {
	l := NewLoop(t)
	c, s := &Recorder{}, &Recorder{}
	ct, _, st, _ := StreamPair(t, l, "tcp4", func() *Recorder { return c }, func() *Recorder { return s })
	err := RunMain(t, l, func(tk *aio.Task) error {
		ct.Write([]byte("abc"))
		if err := s.WaitBytes(tk, 3); err != nil {
			return err
		}
		s.KeepOpen = true
		ct.WriteEOF()
		if err := s.WaitEOF(tk); err != nil {
			return err
		}
		err := aio.Timeout(tk, time.Hour, func(tk *aio.Task) error { return s.WaitBytes(tk, 4) })
		if !errors.Is(err, ErrConnectionLost) {
			return fmt.Errorf("WaitBytes past the EOF: %v", err)
		}
		st.Close()
		if err := c.WaitEvent(tk, Data, 1); !errors.Is(err, ErrConnectionLost) {
			return fmt.Errorf("WaitEvent on a closed connection: %v", err)
		}
		if err := c.WaitLost(tk); err != nil || c.Err() != nil || !c.EOF() {
			return fmt.Errorf("WaitLost %v, Err %v, EOF %v", err, c.Err(), c.EOF())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSocketPairs(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6", "unix", "unixgram", "udp4", "udp6"} {
		t.Run(network, func(t *testing.T) {
			RequireLoopback(t, network)
			a, b := SocketPair(t, network)
			for _, dir := range [][2]int{{a, b}, {b, a}} {
				if _, err := unix.Write(dir[0], []byte("ping")); err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 8)
				var n int
				var err error
				for range 1000 { // non-blocking: the loopback delivers at once, but let it
					if n, err = unix.Read(dir[1], buf); err != unix.EAGAIN {
						break
					}
					time.Sleep(time.Millisecond)
				}
				if err != nil || string(buf[:n]) != "ping" {
					t.Fatalf("read %q, %v", buf[:n], err)
				}
			}
			for _, fd := range []int{a, b} {
				if fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); fl&unix.O_NONBLOCK == 0 {
					t.Errorf("fd %d is blocking", fd)
				}
			}
		})
	}
	if _, _, err := socketPair("sctp"); err == nil {
		t.Error("an unknown network made a pair")
	}
}

func TestStreamPeer(t *testing.T) {
	l := NewLoop(t)
	tr, rec, peer := StreamPeer(t, l, "unix", func() *Recorder { return &Recorder{} })
	err := RunMain(t, l, func(tk *aio.Task) error {
		if _, err := unix.Write(peer, []byte("ping")); err != nil {
			return err
		}
		if err := rec.WaitBytes(tk, 4); err != nil {
			return err
		}
		if err := tr.Write([]byte("pong")); err != nil {
			return err
		}
		buf := make([]byte, 8)
		n, err := unix.Read(peer, buf) // a Unix socket's write lands in the peer at once
		if err != nil || string(buf[:n]) != "pong" {
			return fmt.Errorf("the peer read %q, %v", buf[:n], err)
		}
		tr.Close()
		return rec.WaitLost(tk)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// datagrams is a DatagramProtocol that keeps what it receives.
type datagrams struct {
	got     []string
	arrived aio.Event
}

func (d *datagrams) ConnectionMade(aio.DatagramTransport) {}

func (d *datagrams) DatagramReceived(data []byte, _ netip.AddrPort) {
	d.got = append(d.got, string(data))
	d.arrived.Set()
}

func (d *datagrams) ConnectionLost(error) {}

func TestDatagramPair(t *testing.T) {
	for _, network := range []string{"udp4", "udp6"} {
		t.Run(network, func(t *testing.T) {
			RequireLoopback(t, network)
			Run(t, func(tk *aio.Task) error {
				ta, pa, tb, pb, err := DatagramPair(tk, network, func() *datagrams { return &datagrams{} }, func() *datagrams { return &datagrams{} })
				if err != nil {
					return err
				}
				defer ta.Close()
				defer tb.Close()
				if err := tb.SendTo([]byte("to a"), netip.AddrPort{}); err != nil {
					return err
				}
				to, err := netip.ParseAddrPort(tb.LocalAddr().String())
				if err != nil {
					return err
				}
				if err := ta.SendTo([]byte("to b"), to); err != nil {
					return err
				}
				for _, p := range []*datagrams{pa, pb} {
					if err := p.arrived.Wait(tk); err != nil {
						return err
					}
				}
				if !slices.Equal(pa.got, []string{"to a"}) || !slices.Equal(pb.got, []string{"to b"}) {
					return fmt.Errorf("a got %q, b got %q", pa.got, pb.got)
				}
				return nil
			})
		})
	}
}
