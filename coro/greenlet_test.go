package coro_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aio-go/aio/coro"
)

func wantSwitch(t *testing.T, want ...any) func([]any, error) {
	t.Helper()
	return func(got []any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("Switch error %v, want %v", err, want)
		}
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Switch returned %#v, want %#v", got, want)
		}
	}
}

func wantSwitchErr(t *testing.T, target error) func([]any, error) {
	t.Helper()
	return func(got []any, err error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Fatalf("Switch returned (%v, %v), want error %v", got, err, target)
		}
		if got != nil {
			t.Fatalf("Switch returned values %v with its error", got)
		}
	}
}

// TestGreenletSeed003 is the eat/play program of the seed, checked against
// what Python's greenlet 2.0.2 prints and leaves behind.
func TestGreenletSeed003(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	var out []string
	w := coro.NewWorld()
	var g1, g2 *coro.Greenlet
	eat := func(args ...any) (any, error) {
		name := args[0].(string)
		out = append(out, name+" eat 1")
		g2.Switch("egon")
		out = append(out, name+" eat 2")
		g2.Switch()
		out = append(out, "eat ends: w.Close made g2.Switch return")
		return nil, nil
	}
	play := func(args ...any) (any, error) {
		name := args[0].(string)
		out = append(out, name+" play 1")
		g1.Switch()
		out = append(out, name+" play 2")
		return nil, nil
	}
	g1 = w.NewGreenlet(eat)
	g2 = w.NewGreenlet(play)
	wantSwitch(t, nil)(g1.Switch("egon")) // play returned None to main
	want := []string{"egon eat 1", "egon play 1", "egon eat 2", "egon play 2"}
	if !slices.Equal(out, want) {
		t.Fatalf("out %q, want %q", out, want)
	}
	if g1.Dead() || !g1.Active() || !g2.Dead() || g2.Active() {
		t.Fatalf("g1 dead=%v g2 dead=%v, want false, true", g1.Dead(), g2.Dead())
	}
	if n := countCoroGoroutines(); n != 1 {
		t.Fatalf("%d coroutines, want 1 (g1 suspended)", n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !g1.Dead() {
		t.Fatal("g1 not dead after Close")
	}
	if len(out) != 5 { // Close made g1's pending Switch return; eat went on and returned
		t.Fatalf("out %q", out)
	}
}

func TestGreenletValuesBothWays(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	var got [][]any
	g := w.NewGreenlet(func(args ...any) (any, error) {
		got = append(got, args)
		a, err := w.Main().Switch("to main", 1)
		if err != nil {
			return nil, err
		}
		got = append(got, a)
		a, err = w.Main().Switch()
		if err != nil {
			return nil, err
		}
		got = append(got, a)
		return "result", nil
	})
	if g.Parent() != w.Main() || w.Main().Parent() != nil {
		t.Fatal("parents")
	}
	if g.Active() || g.Dead() {
		t.Fatal("unstarted greenlet is active or dead")
	}
	wantSwitch(t, "to main", 1)(g.Switch("a", "b"))
	if !g.Active() {
		t.Fatal("suspended greenlet is not active")
	}
	wantSwitch(t)(g.Switch(3))
	wantSwitch(t, "result")(g.Switch())
	want := [][]any{{"a", "b"}, {3}, nil}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("greenlet got %#v, want %#v", got, want)
	}
	if !g.Dead() || g.Active() {
		t.Fatal("finished greenlet not dead")
	}
}

func TestGreenletCurrentAndNesting(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	if w.Current() != w.Main() || !w.Main().Active() || w.Main().Dead() {
		t.Fatal("main greenlet")
	}
	var outer, inner *coro.Greenlet
	var log []string
	outer = w.NewGreenlet(func(args ...any) (any, error) {
		if w.Current() != outer {
			t.Error("Current() in outer")
		}
		inner = w.NewGreenlet(func(args ...any) (any, error) {
			if w.Current() != inner {
				t.Error("Current() in inner")
			}
			return fmt.Sprint("inner got ", args[0]), nil
		})
		if inner.Parent() != outer {
			t.Error("inner's parent is not outer")
		}
		res, err := inner.Switch(1) // inner returns to its parent: here
		log = append(log, fmt.Sprint(res, err))
		if w.Current() != outer {
			t.Error("Current() after inner returned")
		}
		return "outer done", nil
	})
	if outer.World() != w {
		t.Fatal("World()")
	}
	wantSwitch(t, "outer done")(outer.Switch())
	if w.Current() != w.Main() {
		t.Fatal("Current() back in main")
	}
	if !slices.Equal(log, []string{"[inner got 1] <nil>"}) {
		t.Fatalf("log %q", log)
	}
}

func TestGreenletSwitchToDeadGoesToParent(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	g := w.NewGreenlet(func(args ...any) (any, error) { return 42, nil })
	wantSwitch(t, 42)(g.Switch())
	// Python: g.switch(1, 2) on a dead g with parent main returns (1, 2).
	wantSwitch(t, 1, 2)(g.Switch(1, 2))
	wantSwitch(t)(g.Switch())

	// From another greenlet: the dead greenlet's parent (main) gets the values.
	var h *coro.Greenlet
	h = w.NewGreenlet(func(args ...any) (any, error) {
		res, err := g.Switch("via dead g")
		return fmt.Sprint("h resumed with ", res), err
	})
	wantSwitch(t, "via dead g")(h.Switch())
	wantSwitch(t, "h resumed with [back]")(h.Switch("back"))
}

func TestGreenletDeadParentChain(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	var child *coro.Greenlet
	parent := w.NewGreenlet(func(args ...any) (any, error) {
		child = w.NewGreenlet(func(args ...any) (any, error) {
			w.Main().Switch("child suspended")
			return "child result", nil
		})
		return child.Switch()
	})
	wantSwitch(t, "child suspended")(parent.Switch())
	// parent is suspended in child.Switch(); kill it so child's parent is dead.
	wantSwitchErr(t, errBoom)(parent.Throw(errBoom))
	if !parent.Dead() || child.Dead() {
		t.Fatal("states")
	}
	// child's result skips its dead parent and goes to main.
	wantSwitch(t, "child result")(child.Switch())
}

func TestGreenletUnstartedParentStartsWithResult(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	p := w.NewGreenlet(func(args ...any) (any, error) {
		return fmt.Sprint("parent started with ", args), nil
	})
	c := w.NewGreenlet(func(args ...any) (any, error) { return "c", nil })
	if err := c.SetParent(p); err != nil {
		t.Fatal(err)
	}
	wantSwitch(t, "parent started with [c]")(c.Switch())
}

func TestGreenletSwitchToSelf(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	wantSwitch(t, 5)(w.Main().Switch(5))
	wantSwitchErr(t, errBoom)(w.Main().Throw(errBoom))
	var g *coro.Greenlet
	g = w.NewGreenlet(func(args ...any) (any, error) {
		a, err := g.Switch("self")
		if err != nil || !reflect.DeepEqual(a, []any{"self"}) {
			return nil, fmt.Errorf("self switch: %v %v", a, err)
		}
		if _, err := g.Throw(errBoom); err != errBoom {
			return nil, fmt.Errorf("self throw: %v", err)
		}
		return "ok", nil
	})
	wantSwitch(t, "ok")(g.Switch())
}

func TestGreenletErrorsGoToParent(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	g := w.NewGreenlet(func(args ...any) (any, error) { return "ignored", errBoom })
	wantSwitchErr(t, errBoom)(g.Switch())
	if !g.Dead() {
		t.Fatal("not dead")
	}

	// A child's error is returned by the parent's Switch, inside a greenlet too.
	var log []string
	p := w.NewGreenlet(func(args ...any) (any, error) {
		c := w.NewGreenlet(func(args ...any) (any, error) { return nil, errBoom })
		_, err := c.Switch()
		log = append(log, fmt.Sprint(err))
		return nil, fmt.Errorf("parent: %w", err)
	})
	wantSwitchErr(t, errBoom)(p.Switch())
	if !slices.Equal(log, []string{"boom"}) {
		t.Fatalf("log %q", log)
	}
}

func TestGreenletPanic(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	g := w.NewGreenlet(func(args ...any) (any, error) {
		w.Main().Switch()
		panicInGreenlet()
		return nil, nil
	})
	g.Switch()
	res, err := g.Switch()
	var pe *coro.PanicError
	if !errors.As(err, &pe) || res != nil {
		t.Fatalf("Switch = %v, %v", res, err)
	}
	if pe.Value != "greenlet kaboom" || !strings.Contains(string(pe.Stack), "panicInGreenlet") {
		t.Fatalf("PanicError %v\n%s", pe.Value, pe.Stack)
	}
	if !g.Dead() || w.Current() != w.Main() {
		t.Fatal("state after panic")
	}
}

func panicInGreenlet() { panic("greenlet kaboom") }

func TestGreenletThrowSuspended(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()

	// Caught and handled: the greenlet goes on and switches back.
	g := w.NewGreenlet(func(args ...any) (any, error) {
		for {
			_, err := w.Main().Switch("waiting")
			if errors.Is(err, coro.ErrGreenletExit) {
				return "cleaned", err // GreenletExit is a normal end
			}
			if err != nil {
				if _, err := w.Main().Switch("handled " + err.Error()); err != nil {
					return nil, err
				}
			}
		}
	})
	wantSwitch(t, "waiting")(g.Switch())
	wantSwitch(t, "handled boom")(g.Throw(errBoom))
	wantSwitch(t, "waiting")(g.Switch())
	// Throw(nil) is GreenletExit: the parent gets the run's value, no error.
	wantSwitch(t, "cleaned")(g.Throw(nil))
	if !g.Dead() {
		t.Fatal("not dead")
	}

	// Uncaught: a run that just returns the error it got.
	h := w.NewGreenlet(func(args ...any) (any, error) {
		_, err := w.Main().Switch()
		return nil, err
	})
	h.Switch()
	wantSwitchErr(t, errBoom)(h.Throw(errBoom))
	k := w.NewGreenlet(func(args ...any) (any, error) {
		_, err := w.Main().Switch()
		return nil, err
	})
	k.Switch()
	wantSwitch(t, nil)(k.Throw(coro.ErrGreenletExit))
	if !h.Dead() || !k.Dead() {
		t.Fatal("not dead")
	}
}

func TestGreenletThrowUnstartedAndDead(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	ran := false
	run := func(args ...any) (any, error) { ran = true; return "ran", nil }

	// Python: throw() into an unstarted greenlet kills it without running;
	// GreenletExit comes back as a value, another error is raised in the parent.
	u := w.NewGreenlet(run)
	wantSwitch(t)(u.Throw(nil))
	if ran || !u.Dead() {
		t.Fatalf("ran=%v dead=%v", ran, u.Dead())
	}
	u = w.NewGreenlet(run)
	wantSwitchErr(t, errBoom)(u.Throw(errBoom))
	if ran || !u.Dead() {
		t.Fatalf("ran=%v dead=%v", ran, u.Dead())
	}
	// Switch to it afterwards goes to its parent, it never runs.
	wantSwitch(t, 1)(u.Switch(1))
	if ran {
		t.Fatal("ran")
	}

	d := w.NewGreenlet(run)
	wantSwitch(t, "ran")(d.Switch())
	wantSwitch(t)(d.Throw(nil))
	wantSwitchErr(t, errBoom)(d.Throw(errBoom))
}

func TestGreenletSetParent(t *testing.T) {
	w := coro.NewWorld()
	defer w.Close()
	a := w.NewGreenlet(func(args ...any) (any, error) { return "a", nil })
	b := w.NewGreenlet(func(args ...any) (any, error) { return "b", nil })
	if err := b.SetParent(a); err != nil {
		t.Fatal(err)
	}
	if b.Parent() != a {
		t.Fatal("Parent")
	}
	if err := a.SetParent(b); err != coro.ErrCyclicParent {
		t.Fatalf("cycle: %v", err)
	}
	if err := a.SetParent(a); err != coro.ErrCyclicParent {
		t.Fatalf("self: %v", err)
	}
	if err := w.Main().SetParent(a); err != coro.ErrMainParent {
		t.Fatalf("main: %v", err)
	}
	if err := a.SetParent(nil); err != coro.ErrMainParent {
		t.Fatalf("nil: %v", err)
	}
	other := coro.NewWorld()
	defer other.Close()
	if err := a.SetParent(other.Main()); err != coro.ErrWrongWorld {
		t.Fatalf("other world: %v", err)
	}
	// b's result goes to a, which starts with it and returns to main.
	a2 := w.NewGreenlet(func(args ...any) (any, error) { return fmt.Sprint("a got ", args), nil })
	b.SetParent(a2)
	wantSwitch(t, "a got [b]")(b.Switch())
}

func TestGreenletNestedWorld(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	// A greenlet of w1 that switches into w2 is w2's main greenlet for that
	// time: w2's greenlets run inside its turn and return to it.
	w1, w2 := coro.NewWorld(), coro.NewWorld()
	defer w1.Close()
	defer w2.Close()
	var g1 *coro.Greenlet
	g2 := w2.NewGreenlet(func(args ...any) (any, error) {
		if w1.Current() != g1 || w2.Current() == w2.Main() {
			t.Error("Current() inside the nested world")
		}
		a, err := w2.Main().Switch("g2 suspended")
		return fmt.Sprint("g2 got ", a), err
	})
	g1 = w1.NewGreenlet(func(args ...any) (any, error) {
		a, err := g2.Switch()
		if err != nil {
			return nil, err
		}
		w1.Main().Switch(a...)
		return g2.Switch("x")
	})
	wantSwitch(t, "g2 suspended")(g1.Switch())
	wantSwitch(t, []any{"g2 got [x]"})(g1.Switch())
	if !g2.Dead() || !g1.Dead() {
		t.Fatal("states")
	}
}

func TestWorldClose(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	var log []string
	mk := func(name string) *coro.Greenlet {
		return w.NewGreenlet(func(args ...any) (any, error) {
			defer func() { log = append(log, name+" cleanup") }()
			_, err := w.Main().Switch()
			log = append(log, fmt.Sprintf("%s got %v", name, err))
			return nil, err
		})
	}
	a, b, never := mk("a"), mk("b"), mk("never")
	a.Switch()
	b.Switch()
	if n := countCoroGoroutines(); n != 2 {
		t.Fatalf("%d coroutines, want 2", n)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := countCoroGoroutines(); n != 0 {
		t.Fatalf("%d coroutines after Close", n)
	}
	exit := coro.ErrGreenletExit.Error()
	want := []string{"b got " + exit, "b cleanup", "a got " + exit, "a cleanup"}
	if !slices.Equal(log, want) {
		t.Fatalf("log %q, want %q", log, want)
	}
	if !a.Dead() || !b.Dead() || never.Dead() {
		t.Fatal("states after Close")
	}
	wantSwitchErr(t, coro.ErrWorldClosed)(never.Switch())
	wantSwitchErr(t, coro.ErrWorldClosed)(a.Throw(nil))
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestWorldCloseReportsErrors(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	g := w.NewGreenlet(func(args ...any) (any, error) {
		w.Main().Switch()
		return nil, errBoom // fails while being killed
	})
	g.Switch()
	if err := w.Close(); !errors.Is(err, errBoom) {
		t.Fatalf("Close = %v", err)
	}
}

func TestWorldCloseIgnoredExit(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	var errs []error
	stubborn := w.NewGreenlet(func(args ...any) (any, error) {
		for {
			_, err := w.Main().Switch("still here")
			errs = append(errs, err)
			if len(errs) > 3 {
				return nil, errBoom
			}
		}
	})
	wantSwitch(t, "still here")(stubborn.Switch())
	err := w.Close()
	if !errors.Is(err, coro.ErrGreenletIgnoredExit) || !errors.Is(err, errBoom) {
		t.Fatalf("Close = %v", err)
	}
	// One GreenletExit thrown, then forced: every switch returns it at once.
	for i, e := range errs {
		if e != coro.ErrGreenletExit {
			t.Fatalf("switch %d got %v", i, e)
		}
	}
	if !stubborn.Dead() {
		t.Fatal("not dead")
	}
}

func TestWorldCloseWhileSwitchingAround(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	// Being killed, a greenlet switches to another live one, which returns
	// to main: Close goes on until all are dead.
	w := coro.NewWorld()
	var a, b *coro.Greenlet
	var log []string
	a = w.NewGreenlet(func(args ...any) (any, error) {
		_, err := w.Main().Switch()
		log = append(log, fmt.Sprint("a: ", err))
		_, err = b.Switch("from a")
		log = append(log, fmt.Sprint("a again: ", err))
		return nil, err
	})
	b = w.NewGreenlet(func(args ...any) (any, error) {
		args, err := w.Main().Switch()
		for err == nil {
			log = append(log, fmt.Sprint("b: ", args))
			args, err = w.Main().Switch()
		}
		log = append(log, fmt.Sprint("b: ", err))
		return nil, err
	})
	b.Switch()
	a.Switch()
	if err := w.Close(); !errors.Is(err, coro.ErrGreenletIgnoredExit) {
		t.Fatalf("Close = %v", err)
	}
	if !a.Dead() || !b.Dead() {
		t.Fatal("not dead")
	}
	t.Log(log)
}

func TestWorldCloseFromGreenlet(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	w := coro.NewWorld()
	defer w.Close()
	g := w.NewGreenlet(func(args ...any) (any, error) { return nil, w.Close() })
	wantSwitchErr(t, coro.ErrNotMain)(g.Switch())
}

func TestNewGreenletNilRun(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	coro.NewWorld().NewGreenlet(nil)
}

func TestGreenletAndGeneratorTogether(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	// A World inside a generator body, and a generator driven by a greenlet.
	gen := coro.NewGenerator(func(y *coro.Yielder[string, struct{}]) (int, error) {
		w := coro.NewWorld()
		defer w.Close()
		var g *coro.Greenlet
		g = w.NewGreenlet(func(args ...any) (any, error) {
			counted := 0
			for v := range counter(3).All() {
				counted += v
				if _, err := w.Main().Switch(v); err != nil {
					return nil, err
				}
			}
			return counted, nil
		})
		for {
			res, err := g.Switch()
			if err != nil {
				return 0, err
			}
			if g.Dead() {
				return res[0].(int), nil
			}
			if _, err := y.Yield(fmt.Sprint(res[0])); err != nil {
				return 0, err
			}
		}
	})
	if got := slices.Collect(gen.All()); !slices.Equal(got, []string{"0", "1", "2"}) {
		t.Fatalf("got %q", got)
	}
	if r, err := gen.Result(); r != 3 || err != nil {
		t.Fatalf("Result = %v, %v", r, err)
	}
	// Closed mid-way: the World's Close runs in the body's defer.
	gen2 := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		w := coro.NewWorld()
		defer w.Close()
		g := w.NewGreenlet(func(args ...any) (any, error) {
			_, err := w.Main().Switch(1)
			return nil, err
		})
		res, _ := g.Switch()
		_, err := y.Yield(res[0].(int))
		return 0, err
	})
	gen2.Next()
	if n := countCoroGoroutines(); n != 2 {
		t.Fatalf("%d coroutines, want 2", n)
	}
	if err := gen2.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestGreenletNoLeaks(t *testing.T) {
	done := checkNoLeak(t)
	defer done()
	for i := range 100 {
		w := coro.NewWorld()
		var gs []*coro.Greenlet
		for j := range 5 {
			gs = append(gs, w.NewGreenlet(func(args ...any) (any, error) {
				for {
					if _, err := w.Main().Switch(j); err != nil {
						return nil, err
					}
				}
			}))
		}
		for j, g := range gs {
			if j <= i%5 {
				g.Switch()
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := countCoroGoroutines(); n != 0 {
		t.Fatalf("%d coroutines left", n)
	}
}

func BenchmarkGreenletSwitch(b *testing.B) {
	w := coro.NewWorld()
	defer w.Close()
	g := w.NewGreenlet(func(args ...any) (any, error) {
		for {
			if _, err := w.Main().Switch(); err != nil {
				return nil, err
			}
		}
	})
	g.Switch()
	b.ReportAllocs()
	for b.Loop() {
		g.Switch() // main -> g -> main
	}
}

func BenchmarkGreenletPingPong(b *testing.B) {
	// Two greenlets switching to each other directly, through the trampoline.
	w := coro.NewWorld()
	defer w.Close()
	var ping, pong *coro.Greenlet
	n := 0
	ping = w.NewGreenlet(func(args ...any) (any, error) {
		for n < b.N {
			n++
			if _, err := pong.Switch(); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	pong = w.NewGreenlet(func(args ...any) (any, error) {
		for {
			if _, err := ping.Switch(); err != nil {
				return nil, err
			}
		}
	})
	b.ReportAllocs()
	b.ResetTimer()
	ping.Switch()
}
