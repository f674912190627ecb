package coro_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aio-go/aio/coro"
)

var errBoom = errors.New("boom")

// counter yields 0..n-1 and returns n.
func counter(n int) *coro.Generator[int, struct{}, int] {
	return coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		for i := range n {
			if _, err := y.Yield(i); err != nil {
				return i, err
			}
		}
		return n, nil
	})
}

func mustYield[Y any](t *testing.T, want Y) func(Y, error) {
	t.Helper()
	return func(got Y, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("got error %v, want value %v", err, want)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func wantErr[Y any](t *testing.T, target error) func(Y, error) {
	t.Helper()
	return func(got Y, err error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Fatalf("got (%v, %v), want error %v", got, err, target)
		}
		var zero Y
		if !reflect.DeepEqual(got, zero) {
			t.Fatalf("got value %v with error, want zero value", got)
		}
	}
}

func TestGeneratorSendProtocol(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var log []string
	g := coro.NewGenerator(func(y *coro.Yielder[string, int]) (string, error) {
		log = append(log, "start")
		total := 0
		r := "ready"
		for {
			n, err := y.Yield(r)
			if err != nil {
				return "", err
			}
			if n == 0 {
				return fmt.Sprint("total ", total), nil
			}
			total += n
			r = fmt.Sprint("got ", n)
		}
	})
	if len(log) != 0 {
		t.Fatal("body ran before the first resume")
	}
	if st := g.State(); st != coro.GenCreated {
		t.Fatalf("state %v, want GEN_CREATED", st)
	}
	mustYield(t, "ready")(g.Next())
	if st := g.State(); st != coro.GenSuspended {
		t.Fatalf("state %v, want GEN_SUSPENDED", st)
	}
	mustYield(t, "got 1")(g.Send(1))
	mustYield(t, "got 2")(g.Send(2))
	if _, err := g.Result(); !errors.Is(err, coro.ErrNotFinished) {
		t.Fatalf("Result before end: %v, want ErrNotFinished", err)
	}
	wantErr[string](t, coro.ErrStopIteration)(g.Send(0))
	if st := g.State(); st != coro.GenClosed {
		t.Fatalf("state %v, want GEN_CLOSED", st)
	}
	if r, err := g.Result(); r != "total 3" || err != nil {
		t.Fatalf("Result = %q, %v", r, err)
	}
	// Finished: every later resume says StopIteration again.
	wantErr[string](t, coro.ErrStopIteration)(g.Send(5))
	wantErr[string](t, coro.ErrStopIteration)(g.Next())
	if err := g.Close(); err != nil {
		t.Fatalf("Close of a finished generator: %v", err)
	}
	if !slices.Equal(log, []string{"start"}) {
		t.Fatalf("log %v", log)
	}
}

func TestGeneratorStateString(t *testing.T) {
	for st, want := range map[coro.GeneratorState]string{
		coro.GenCreated: "GEN_CREATED", coro.GenRunning: "GEN_RUNNING",
		coro.GenSuspended: "GEN_SUSPENDED", coro.GenClosed: "GEN_CLOSED",
		coro.GeneratorState(42): "GeneratorState(?)",
	} {
		if got := st.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(st), got, want)
		}
	}
}

func TestGeneratorFirstSendMustBeZero(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	ran := false
	g := coro.NewGenerator(func(y *coro.Yielder[int, int]) (int, error) {
		ran = true
		v, err := y.Yield(1)
		return v, err
	})
	wantErr[int](t, coro.ErrNotStarted)(g.Send(7))
	if ran || g.State() != coro.GenCreated {
		t.Fatal("a rejected first Send changed the generator")
	}
	mustYield(t, 1)(g.Send(0)) // zero value is Python's None
	wantErr[int](t, coro.ErrStopIteration)(g.Send(9))
	if r, err := g.Result(); r != 9 || err != nil {
		t.Fatalf("Result = %v, %v", r, err)
	}

	// Non-comparable S: the check uses reflection, never ==.
	h := coro.NewGenerator(func(y *coro.Yielder[int, []int]) (int, error) {
		s, err := y.Yield(0)
		return len(s), err
	})
	wantErr[int](t, coro.ErrNotStarted)(h.Send([]int{1}))
	mustYield(t, 0)(h.Send(nil))
	wantErr[int](t, coro.ErrStopIteration)(h.Send([]int{1, 2}))
	if r, _ := h.Result(); r != 2 {
		t.Fatalf("Result = %v", r)
	}

	// Interface S: nil is the zero value.
	k := coro.NewGenerator(func(y *coro.Yielder[int, any]) (int, error) {
		_, err := y.Yield(0)
		return 0, err
	})
	wantErr[int](t, coro.ErrNotStarted)(k.Send("x"))
	mustYield(t, 0)(k.Send(nil))
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestGeneratorBodyError(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		if _, err := y.Yield(1); err != nil {
			return 0, err
		}
		return 5, errBoom
	})
	mustYield(t, 1)(g.Next())
	wantErr[int](t, errBoom)(g.Next())
	// Python: after an exception, the generator is exhausted.
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
	if r, err := g.Result(); r != 5 || err != errBoom {
		t.Fatalf("Result = %v, %v", r, err)
	}
}

func TestGeneratorBodyReturnsWithoutYield(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (string, error) {
		return "early", nil
	})
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
	if r, err := g.Result(); r != "early" || err != nil {
		t.Fatalf("Result = %q, %v", r, err)
	}
}

func TestGeneratorThrow(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var seen []error
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		for i := 0; ; i++ {
			_, err := y.Yield(i)
			switch {
			case errors.Is(err, coro.ErrGeneratorExit):
				return -1, err
			case errors.Is(err, errBoom):
				return i, fmt.Errorf("wrapped: %w", err)
			case err != nil:
				seen = append(seen, err) // handled: go on
			}
		}
	})
	mustYield(t, 0)(g.Next())
	other := errors.New("other")
	mustYield(t, 1)(g.Throw(other)) // caught, body yields again
	mustYield(t, 2)(g.Next())
	wantErr[int](t, errBoom)(g.Throw(errBoom)) // body returns it (wrapped)
	if !slices.Equal(seen, []error{other}) {
		t.Fatalf("body saw %v", seen)
	}
	if r, err := g.Result(); r != 2 || !errors.Is(err, errBoom) {
		t.Fatalf("Result = %v, %v", r, err)
	}
	// Throw into a finished generator raises the error itself (Python).
	wantErr[int](t, other)(g.Throw(other))
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
}

func TestGeneratorThrowNil(t *testing.T) {
	g := counter(3)
	wantErr[int](t, coro.ErrNilThrow)(g.Throw(nil))
	if g.State() != coro.GenCreated {
		t.Fatal("Throw(nil) changed the generator")
	}
	mustYield(t, 0)(g.Next())
	wantErr[int](t, coro.ErrNilThrow)(g.Throw(nil))
	mustYield(t, 1)(g.Next())
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestGeneratorThrowBeforeStart(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	ran := false
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		ran = true
		return 0, nil
	})
	wantErr[int](t, errBoom)(g.Throw(errBoom))
	if ran {
		t.Fatal("body ran after Throw before start")
	}
	if g.State() != coro.GenClosed {
		t.Fatalf("state %v", g.State())
	}
	if _, err := g.Result(); err != errBoom {
		t.Fatalf("Result err %v", err)
	}
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
}

func TestGeneratorClose(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var log []string
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		defer func() { log = append(log, "cleanup") }()
		for i := 0; ; i++ {
			if _, err := y.Yield(i); err != nil {
				log = append(log, "got "+err.Error())
				return i, err
			}
		}
	})
	mustYield(t, 0)(g.Next())
	mustYield(t, 1)(g.Next())
	if n := countCoroGoroutines(); n != 1 {
		t.Fatalf("%d coroutine goroutines while suspended, want 1", n)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := countCoroGoroutines(); n != 0 {
		t.Fatalf("%d coroutine goroutines after Close, want 0", n)
	}
	want := []string{"got " + coro.ErrGeneratorExit.Error(), "cleanup"}
	if !slices.Equal(log, want) {
		t.Fatalf("log %q, want %q", log, want)
	}
	if g.State() != coro.GenClosed {
		t.Fatalf("state %v", g.State())
	}
	if r, err := g.Result(); r != 1 || !errors.Is(err, coro.ErrGeneratorExit) {
		t.Fatalf("Result = %v, %v", r, err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
}

func TestGeneratorCloseReturnsNilForCleanEnds(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	for name, ret := range map[string]error{
		"nil":           nil,
		"exit":          coro.ErrGeneratorExit,
		"wrapped exit":  fmt.Errorf("cleanup done: %w", coro.ErrGeneratorExit),
		"stopiteration": coro.ErrStopIteration,
	} {
		g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
			y.Yield(1)
			return 0, ret
		})
		g.Next()
		if err := g.Close(); err != nil {
			t.Errorf("%s: Close = %v, want nil", name, err)
		}
	}
}

func TestGeneratorCloseReportsBodyError(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		y.Yield(1)
		return 0, errBoom
	})
	g.Next()
	if err := g.Close(); err != errBoom {
		t.Fatalf("Close = %v, want errBoom", err)
	}
}

func TestGeneratorCloseNeverStarted(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	ran := false
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		ran = true
		return 0, nil
	})
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if ran || g.State() != coro.GenClosed {
		t.Fatalf("ran=%v state=%v", ran, g.State())
	}
	if _, err := g.Result(); !errors.Is(err, coro.ErrGeneratorExit) {
		t.Fatalf("Result err %v", err)
	}
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
}

func TestGeneratorIgnoredExit(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var errs []error
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		// Python: try: yield 1 finally: yield 2
		_, err := y.Yield(1)
		errs = append(errs, err)
		_, err = y.Yield(2) // ignores GeneratorExit: returns at once
		errs = append(errs, err)
		_, err = y.Yield(3)
		errs = append(errs, err)
		return 0, nil
	})
	mustYield(t, 1)(g.Next())
	if err := g.Close(); !errors.Is(err, coro.ErrGeneratorIgnoredExit) {
		t.Fatalf("Close = %v, want ErrGeneratorIgnoredExit", err)
	}
	want := []error{coro.ErrGeneratorExit, coro.ErrGeneratorExit, coro.ErrGeneratorExit}
	if !slices.Equal(errs, want) {
		t.Fatalf("Yield errors %v", errs)
	}
	if g.State() != coro.GenClosed {
		t.Fatalf("state %v", g.State())
	}
}

func TestGeneratorReentrancy(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var g *coro.Generator[int, int, int]
	var errs []error
	var states []coro.GeneratorState
	g = coro.NewGenerator(func(y *coro.Yielder[int, int]) (int, error) {
		states = append(states, g.State())
		_, err := g.Next()
		errs = append(errs, err)
		_, err = g.Send(1)
		errs = append(errs, err)
		_, err = g.Throw(errBoom)
		errs = append(errs, err)
		errs = append(errs, g.Close())
		if _, err := g.Result(); err != coro.ErrNotFinished {
			errs = append(errs, fmt.Errorf("Result: %v", err))
		}
		if _, err := y.Yield(1); err != nil {
			return 0, err
		}
		return 2, nil
	})
	mustYield(t, 1)(g.Next())
	for i, err := range errs {
		if err != coro.ErrGeneratorRunning {
			t.Errorf("resume %d from inside the body: %v, want ErrGeneratorRunning", i, err)
		}
	}
	if len(errs) != 4 {
		t.Errorf("errs %v", errs)
	}
	if !slices.Equal(states, []coro.GeneratorState{coro.GenRunning}) {
		t.Errorf("state inside body %v", states)
	}
	wantErr[int](t, coro.ErrStopIteration)(g.Next())

	// Reentrancy from inside Close's unwinding too.
	var h *coro.Generator[int, int, int]
	var closeErrs []error
	h = coro.NewGenerator(func(y *coro.Yielder[int, int]) (int, error) {
		_, err := y.Yield(0)
		_, e2 := h.Next()
		closeErrs = append(closeErrs, err, e2, h.Close())
		return 0, err
	})
	h.Next()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	want := []error{coro.ErrGeneratorExit, coro.ErrGeneratorRunning, coro.ErrGeneratorRunning}
	if !slices.Equal(closeErrs, want) {
		t.Fatalf("inside Close: %v, want %v", closeErrs, want)
	}
}

func TestGeneratorConcurrentResumeIsRejected(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	inBody := make(chan struct{})
	release := make(chan struct{})
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		y.Yield(0)
		close(inBody)
		<-release
		return 1, nil
	})
	mustYield(t, 0)(g.Next())
	var wg sync.WaitGroup
	wg.Go(func() {
		wantErr[int](t, coro.ErrStopIteration)(g.Next())
	})
	<-inBody
	// The body is running on behalf of the other goroutine.
	if _, err := g.Next(); err != coro.ErrGeneratorRunning {
		t.Errorf("concurrent Next: %v", err)
	}
	if err := g.Close(); err != coro.ErrGeneratorRunning {
		t.Errorf("concurrent Close: %v", err)
	}
	if st := g.State(); st != coro.GenRunning {
		t.Errorf("state %v", st)
	}
	close(release)
	wg.Wait()
	if r, err := g.Result(); r != 1 || err != nil {
		t.Fatalf("Result = %v, %v", r, err)
	}
}

func TestGeneratorYieldOutsideBody(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var leaked *coro.Yielder[int, int]
	g := coro.NewGenerator(func(y *coro.Yielder[int, int]) (int, error) {
		leaked = y
		_, err := y.Yield(1)
		return 0, err
	})
	mustYield(t, 1)(g.Next())
	// Suspended: the caller is not the body.
	if _, err := leaked.Yield(5); err != coro.ErrYieldOutsideBody {
		t.Fatalf("Yield while suspended: %v", err)
	}
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
	if _, err := leaked.Yield(5); err != coro.ErrYieldOutsideBody {
		t.Fatalf("Yield after the end: %v", err)
	}
}

func TestGeneratorPanic(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		y.Yield(1)
		panicInBody()
		return 0, nil
	})
	mustYield(t, 1)(g.Next())
	_, err := g.Next()
	var pe *coro.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Next after panic: %T %v", err, err)
	}
	if pe.Value != "kaboom" {
		t.Fatalf("panic value %v", pe.Value)
	}
	if !strings.Contains(string(pe.Stack), "panicInBody") {
		t.Fatalf("stack lacks the panicking function:\n%s", pe.Stack)
	}
	if !strings.Contains(err.Error(), "kaboom") || !strings.Contains(err.Error(), "panicInBody") {
		t.Fatalf("Error() lacks value or stack: %s", err)
	}
	if g.State() != coro.GenClosed {
		t.Fatalf("state %v", g.State())
	}
	wantErr[int](t, coro.ErrStopIteration)(g.Next())
	if _, rerr := g.Result(); rerr != err {
		t.Fatalf("Result err %v", rerr)
	}
}

func panicInBody() { panic("kaboom") }

func TestGeneratorPanicWithErrorUnwraps(t *testing.T) {
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		panic(errBoom)
	})
	_, err := g.Next()
	if !errors.Is(err, errBoom) {
		t.Fatalf("%v does not wrap errBoom", err)
	}
	var pe *coro.PanicError
	if !errors.As(err, &pe) {
		t.Fatal("not a PanicError")
	}
	if (&coro.PanicError{Value: 3}).Unwrap() != nil {
		t.Fatal("Unwrap of a non-error value")
	}
}

func TestGeneratorPanicDuringClose(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		y.Yield(1)
		panic("in cleanup")
	})
	g.Next()
	err := g.Close()
	var pe *coro.PanicError
	if !errors.As(err, &pe) || pe.Value != "in cleanup" {
		t.Fatalf("Close = %v", err)
	}
}

func TestGeneratorAll(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var got []int
	g := counter(5)
	for v := range g.All() {
		got = append(got, v)
	}
	if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("got %v", got)
	}
	if r, err := g.Result(); r != 5 || err != nil {
		t.Fatalf("Result = %v, %v", r, err)
	}

	// break leaves it suspended; ranging again continues where it was.
	g = counter(5)
	got = nil
	for v := range g.All() {
		got = append(got, v)
		if v == 1 {
			break
		}
	}
	if g.State() != coro.GenSuspended {
		t.Fatalf("state after break %v", g.State())
	}
	got = slices.AppendSeq(got, g.All())
	if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("got %v", got)
	}

	// break then Close: no leak.
	g = counter(100)
	for range g.All() {
		break
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}

	// An error ends the loop and is kept in Result.
	e := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		y.Yield(1)
		return 0, errBoom
	})
	got = slices.Collect(e.All())
	if !slices.Equal(got, []int{1}) {
		t.Fatalf("got %v", got)
	}
	if _, err := e.Result(); err != errBoom {
		t.Fatalf("Result err %v", err)
	}
}

func TestYieldFrom(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var log []string
	inner := func(name string) *coro.Generator[string, int, int] {
		return coro.NewGenerator(func(y *coro.Yielder[string, int]) (int, error) {
			defer func() { log = append(log, name+" done") }()
			sum := 0
			for i := 0; i < 2; i++ {
				n, err := y.Yield(fmt.Sprintf("%s%d", name, i))
				if errors.Is(err, errBoom) {
					log = append(log, name+" caught boom")
					continue
				}
				if err != nil {
					return sum, err
				}
				sum += n
			}
			return sum, nil
		})
	}
	outer := coro.NewGenerator(func(y *coro.Yielder[string, int]) (int, error) {
		a, err := coro.YieldFrom(y, inner("a"))
		if err != nil {
			return 0, err
		}
		log = append(log, fmt.Sprint("a returned ", a))
		b, err := coro.YieldFrom(y, inner("b"))
		if err != nil {
			return 0, err
		}
		return a + b, nil
	})
	mustYield(t, "a0")(outer.Next())
	mustYield(t, "a1")(outer.Send(10))
	mustYield(t, "b0")(outer.Send(20))
	mustYield(t, "b1")(outer.Throw(errBoom)) // thrown into b, which handles it
	wantErr[string](t, coro.ErrStopIteration)(outer.Send(5))
	if r, err := outer.Result(); r != 35 || err != nil {
		t.Fatalf("Result = %v, %v", r, err)
	}
	want := []string{"a done", "a returned 30", "b caught boom", "b done"}
	if !slices.Equal(log, want) {
		t.Fatalf("log %q, want %q", log, want)
	}

	// Close of the outer closes the inner.
	log = nil
	outer2 := coro.NewGenerator(func(y *coro.Yielder[string, int]) (int, error) {
		return coro.YieldFrom(y, inner("c"))
	})
	mustYield(t, "c0")(outer2.Next())
	if err := outer2.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !slices.Equal(log, []string{"c done"}) {
		t.Fatalf("log %q", log)
	}

	// An inner error comes out of YieldFrom.
	outer3 := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		return coro.YieldFrom(y, coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
			return 0, errBoom
		}))
	})
	wantErr[int](t, errBoom)(outer3.Next())
}

func TestGeneratorNested(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	// A generator body that drives another generator.
	outer := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		in := counter(3)
		defer in.Close()
		sum := 0
		for v := range in.All() {
			sum += v
			if _, err := y.Yield(v * 10); err != nil {
				return sum, err
			}
		}
		return sum, nil
	})
	if got := slices.Collect(outer.All()); !slices.Equal(got, []int{0, 10, 20}) {
		t.Fatalf("got %v", got)
	}
	// Close mid-way releases both.
	outer = coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		in := counter(3)
		defer in.Close()
		for v := range in.All() {
			if _, err := y.Yield(v); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	outer.Next()
	if n := countCoroGoroutines(); n != 2 {
		t.Fatalf("%d coroutines, want 2", n)
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if n := countCoroGoroutines(); n != 0 {
		t.Fatalf("%d coroutines after Close, want 0", n)
	}
}

func TestGeneratorNoLeaks(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	for i := range 200 {
		g := counter(3)
		switch i % 5 {
		case 0: // never started
		case 1: // never started, closed
			g.Close()
		case 2: // run to the end
			for range g.All() {
			}
		case 3: // closed mid-way
			g.Next()
			g.Close()
		case 4: // thrown into and finished
			g.Next()
			g.Throw(errBoom)
		}
	}
	for range 50 {
		p := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
			y.Yield(0)
			panic("x")
		})
		p.Next()
		p.Next()
	}
	if n := countCoroGoroutines(); n != 0 {
		t.Fatalf("%d coroutine goroutines left", n)
	}
}

func TestNewGeneratorNilBody(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	coro.NewGenerator[int, int, int](nil)
}

func TestGeneratorSendAllocs(t *testing.T) {
	g := coro.NewGenerator(func(y *coro.Yielder[int, int]) (int, error) {
		v := 0
		for {
			s, err := y.Yield(v)
			if err != nil {
				return v, err
			}
			v += s
		}
	})
	defer g.Close()
	g.Next()
	if n := testing.AllocsPerRun(1000, func() { g.Send(1) }); n != 0 {
		t.Fatalf("Send allocates %v times, want 0", n)
	}
}

func BenchmarkGeneratorSend(b *testing.B) {
	g := coro.NewGenerator(func(y *coro.Yielder[int, int]) (int, error) {
		v := 0
		for {
			s, err := y.Yield(v)
			if err != nil {
				return v, err
			}
			v += s
		}
	})
	defer g.Close()
	g.Next()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Send(1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGeneratorLifecycle(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := counter(1)
		g.Next()
		g.Next()
	}
}
