// Command seed001_done_callback gets a task's return value and runs a done
// callback that takes an extra argument, from seed 001
// (an imooc asyncio course, "获取协程的返回值").
//
// The Python original:
//
//	import asyncio
//	import time
//	from functools import partial #给函数添加参数
//	async def get_html(url):
//	    print("start get url")
//	    await asyncio.sleep(2)
//	    return "bobby"
//
//	def callback(url, future):
//	    print(url)
//	    print("send email to bobby")
//
//	if __name__ == "__main__":
//	    start_time = time.time()
//	    loop = asyncio.get_event_loop()
//	    # get_future = asyncio.ensure_future(get_html("http://www.imooc.com"))
//	    task = loop.create_task(get_html("http://www.imooc.com"))
//	    task.add_done_callback(partial(callback, "http://www.imooc.com"))
//	    loop.run_until_complete(task)
//	    print(task.result())
//
// Checked with CPython 3.13.0 (new_event_loop in place of get_event_loop):
// "start get url", two seconds later "http://www.imooc.com" and "send
// email to bobby" from the callback, then "bobby", the task's result.
// This program prints the same.
//
// functools.partial becomes a Go closure: AddDoneCallback takes a
// func(*aio.Future[string]), and the closure passes the url along. The
// callback runs on the loop once the task is done, before
// RunUntilComplete returns, since it was added first.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func getHTML(t *aio.Task, w io.Writer, url string) (string, error) {
	fmt.Fprintln(w, "start get url")
	if err := aio.Sleep(t, 2*time.Second); err != nil {
		return "", err
	}
	return "bobby", nil
}

func callback(w io.Writer, url string, future *aio.Future[string]) {
	fmt.Fprintln(w, url)
	fmt.Fprintln(w, "send email to bobby")
}

func run(w io.Writer, opts ...aio.Option) error {
	const url = "http://www.imooc.com"
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	defer loop.Close()
	task := aio.CreateTask(loop, func(t *aio.Task) (string, error) { return getHTML(t, w, url) })
	// partial(callback, url): the closure supplies the extra arguments.
	task.AddDoneCallback(func(f *aio.Future[string]) { callback(w, url, f) })
	if _, err := aio.RunUntilComplete(loop, task); err != nil {
		return err
	}
	result, err := task.Result()
	if err != nil {
		return err
	}
	fmt.Fprintln(w, result)
	return loop.Close()
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
