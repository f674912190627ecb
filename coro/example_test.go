package coro_test

import (
	"errors"
	"fmt"

	"github.com/aio-go/aio/coro"
)

// A consumer that receives numbers with Send and answers each one, and a
// producer that drives it: the coroutine example of Python's generators.
func ExampleGenerator() {
	consumer := coro.NewGenerator(func(y *coro.Yielder[string, int]) (struct{}, error) {
		r := ""
		for {
			n, err := y.Yield(r)
			if err != nil || n == 0 {
				return struct{}{}, err // ErrGeneratorExit when closed
			}
			fmt.Println("consuming", n)
			r = "200 OK"
		}
	})
	consumer.Next() // start it: run to the first Yield
	for n := 1; n <= 2; n++ {
		r, _ := consumer.Send(n)
		fmt.Println("consumer returned", r)
	}
	fmt.Println("close:", consumer.Close())
	// Output:
	// consuming 1
	// consumer returned 200 OK
	// consuming 2
	// consumer returned 200 OK
	// close: <nil>
}

// A generator used as an iterator, and its return value.
func ExampleGenerator_All() {
	fib := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (string, error) {
		a, b := 0, 1
		for range 8 {
			if _, err := y.Yield(a); err != nil {
				return "", err
			}
			a, b = b, a+b
		}
		return "done", nil
	})
	for v := range fib.All() {
		fmt.Print(v, ",")
	}
	fmt.Println()
	fmt.Println(fib.Result())
	// Output:
	// 0,1,1,2,3,5,8,13,
	// done <nil>
}

// The body sees ErrGeneratorExit at its Yield when the generator is closed,
// and cleans up.
func ExampleGenerator_Close() {
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		defer fmt.Println("cleanup")
		for i := 0; ; i++ {
			if _, err := y.Yield(i); err != nil {
				fmt.Println("yield returned:", err)
				return i, err
			}
		}
	})
	g.Next()
	g.Next()
	fmt.Println("close:", g.Close())
	fmt.Println(g.State())
	// Output:
	// yield returned: coro: generator exit
	// cleanup
	// close: <nil>
	// GEN_CLOSED
}

// Throw raises an error at the pending Yield; the body may handle it and go on.
func ExampleGenerator_Throw() {
	errSkip := errors.New("skip")
	g := coro.NewGenerator(func(y *coro.Yielder[int, struct{}]) (int, error) {
		for i := 0; ; i++ {
			_, err := y.Yield(i)
			if errors.Is(err, errSkip) {
				i += 10
			} else if err != nil {
				return i, err
			}
		}
	})
	defer g.Close()
	fmt.Println(g.Next())
	fmt.Println(g.Throw(errSkip))
	fmt.Println(g.Next())
	// Output:
	// 0 <nil>
	// 11 <nil>
	// 12 <nil>
}

// YieldFrom delegates to an inner generator, like Python's yield from.
func ExampleYieldFrom() {
	word := func(w string) *coro.Generator[string, struct{}, int] {
		return coro.NewGenerator(func(y *coro.Yielder[string, struct{}]) (int, error) {
			for _, r := range w {
				if _, err := y.Yield(string(r)); err != nil {
					return 0, err
				}
			}
			return len(w), nil
		})
	}
	g := coro.NewGenerator(func(y *coro.Yielder[string, struct{}]) (int, error) {
		n1, err := coro.YieldFrom(y, word("ab"))
		if err != nil {
			return 0, err
		}
		n2, err := coro.YieldFrom(y, word("cde"))
		return n1 + n2, err
	})
	for s := range g.All() {
		fmt.Print(s)
	}
	fmt.Println()
	fmt.Println(g.Result())
	// Output:
	// abcde
	// 5 <nil>
}

// The greenlet example of the seed: eat and play switch to each other.
func ExampleWorld() {
	w := coro.NewWorld()
	defer w.Close()
	var g1, g2 *coro.Greenlet
	g1 = w.NewGreenlet(func(args ...any) (any, error) {
		name := args[0]
		fmt.Println(name, "eat 1")
		g2.Switch("egon")
		fmt.Println(name, "eat 2")
		g2.Switch()
		return nil, nil
	})
	g2 = w.NewGreenlet(func(args ...any) (any, error) {
		name := args[0]
		fmt.Println(name, "play 1")
		g1.Switch()
		fmt.Println(name, "play 2")
		return nil, nil
	})
	g1.Switch("egon") // returns when play returns to its parent, main
	fmt.Println("g1 dead:", g1.Dead(), "g2 dead:", g2.Dead())
	// Output:
	// egon eat 1
	// egon play 1
	// egon eat 2
	// egon play 2
	// g1 dead: false g2 dead: true
}

// Two greenlets pass values to each other; the result of the one that
// finishes goes to its parent, the main greenlet.
func ExampleGreenlet_Switch() {
	w := coro.NewWorld()
	defer w.Close()
	var ping, pong *coro.Greenlet
	ping = w.NewGreenlet(func(args ...any) (any, error) {
		for i := range 3 {
			got, err := pong.Switch(i)
			if err != nil {
				return nil, err
			}
			fmt.Println("ping got", got[0])
		}
		return "done", nil
	})
	pong = w.NewGreenlet(func(args ...any) (any, error) {
		for {
			n := args[0].(int)
			var err error
			if args, err = ping.Switch(n * n); err != nil {
				return nil, err // ErrGreenletExit from w.Close
			}
		}
	})
	fmt.Println(ping.Switch())
	// Output:
	// ping got 0
	// ping got 1
	// ping got 4
	// [done] <nil>
}

// Throw(nil) kills a greenlet: its pending Switch returns ErrGreenletExit.
func ExampleGreenlet_Throw() {
	w := coro.NewWorld()
	defer w.Close()
	g := w.NewGreenlet(func(args ...any) (any, error) {
		defer fmt.Println("cleanup")
		_, err := w.Main().Switch("waiting")
		return "killed", err
	})
	fmt.Println(g.Switch())
	fmt.Println(g.Throw(nil))
	fmt.Println("dead:", g.Dead())
	// Output:
	// [waiting] <nil>
	// cleanup
	// [killed] <nil>
	// dead: true
}
