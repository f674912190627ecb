// Command seed000_hello is the asyncio "Hello world" of seed 000 (Liao
// Xuefeng's Python tutorial): a coroutine
// that prints, sleeps one second without blocking the loop, and prints
// again.
//
// The Python original:
//
//	import asyncio
//
//	@asyncio.coroutine
//	def hello():
//	    print("Hello world!")
//	    # 异步调用asyncio.sleep(1)
//	    r = yield from asyncio.sleep(1)
//	    print("Hello again!")
//
//	# 获取EventLoop:
//	loop = asyncio.get_event_loop()
//	# 执行coroutine:
//	loop.run_until_complete(hello())
//	loop.close()
//
// Checked with CPython 3.13.0, where @asyncio.coroutine is gone (it became
// async def / await) and get_event_loop without a running loop is
// replaced by new_event_loop: it prints "Hello world!", then one second
// later "Hello again!", which is what this program prints.
//
// "async def hello()" is a Go function taking a *aio.Task; "yield from
// asyncio.sleep(1)" is aio.Sleep(t, time.Second), which suspends the task
// and lets the loop run anything else that is ready.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func hello(t *aio.Task, w io.Writer) (struct{}, error) {
	fmt.Fprintln(w, "Hello world!")
	// 异步调用 asyncio.sleep(1): the loop is free for other work meanwhile.
	if err := aio.Sleep(t, time.Second); err != nil {
		return struct{}{}, err
	}
	fmt.Fprintln(w, "Hello again!")
	return struct{}{}, nil
}

func run(w io.Writer, opts ...aio.Option) error {
	// 获取 EventLoop:
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	// 执行 coroutine:
	_, err = aio.RunUntilComplete(loop, aio.CreateTask(loop, func(t *aio.Task) (struct{}, error) {
		return hello(t, w)
	}))
	return errors.Join(err, loop.Close())
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
