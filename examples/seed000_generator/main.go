// Command seed000_generator is the producer/consumer coroutine of seed 000
// (Liao Xuefeng's Python tutorial), written with coro.Generator.
//
// The Python original:
//
//	def consumer():
//	    r = ''
//	    while True:
//	        n = yield r
//	        if not n:
//	            return
//	        print('[CONSUMER] Consuming %s...' % n)
//	        r = '200 OK'
//
//	def produce(c):
//	    c.send(None)
//	    n = 0
//	    while n < 5:
//	        n = n + 1
//	        print('[PRODUCER] Producing %s...' % n)
//	        r = c.send(n)
//	        print('[PRODUCER] Consumer return: %s' % r)
//	    c.close()
//
//	c = consumer()
//	produce(c)
//
// The producer sends each message straight to the consumer, which runs until
// its next yield and hands back its answer: one goroutine's worth of control
// flow, no locks, no queue.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aio-go/aio/coro"
)

// consumer returns the consumer generator: it yields its answer (a string),
// receives message numbers (an int; 0 is Python's falsy n) and returns
// nothing.
func consumer(w io.Writer) *coro.Generator[string, int, struct{}] {
	return coro.NewGenerator(func(y *coro.Yielder[string, int]) (struct{}, error) {
		r := ""
		for {
			n, err := y.Yield(r)
			if err != nil { // ErrGeneratorExit when produce closes it
				return struct{}{}, err
			}
			if n == 0 {
				return struct{}{}, nil
			}
			fmt.Fprintf(w, "[CONSUMER] Consuming %d...\n", n)
			r = "200 OK"
		}
	})
}

func produce(w io.Writer, c *coro.Generator[string, int, struct{}]) error {
	if _, err := c.Send(0); err != nil { // c.send(None): start it
		return err
	}
	n := 0
	for n < 5 {
		n = n + 1
		fmt.Fprintf(w, "[PRODUCER] Producing %d...\n", n)
		r, err := c.Send(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "[PRODUCER] Consumer return: %s\n", r)
	}
	return c.Close()
}

func run(w io.Writer) error {
	c := consumer(w)
	return errors.Join(produce(w, c), c.Close())
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
