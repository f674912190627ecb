// Command seed004_done_stop stops a loop that runs forever from a task's
// done callback, from seed 004
// ("task.add_done_callback").
//
// The Python original:
//
//	async def cor():
//	    print("cor start")
//	    await asyncio.sleep(1)
//
//	    print("cor wake")
//	    return True
//
//	def callback(future):
//	    print("result:", future.result()) # result: True
//	    print("stoping loop")
//	    loop.stop()
//
//	if __name__ == '__main__':
//	    loop = asyncio.get_event_loop()
//	    task = loop.create_task(cor())
//	    task.add_done_callback(callback)
//
//	    loop.run_forever()
//	    print("leave forever")
//	    loop.close()
//
// Checked with CPython 3.13.0 (new_event_loop in place of
// get_event_loop): "cor start", one second later "cor wake", "result:
// True", "stoping loop" (sic), "leave forever". This program prints the
// same, with Go's "true".
//
// The callback gets the task's *aio.Future[bool] and reads the result
// with Result; it is scheduled on the loop once the task is done, and its
// Stop makes RunForever return after that pass.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
)

func cor(t *aio.Task, w io.Writer) (bool, error) {
	fmt.Fprintln(w, "cor start")
	if err := aio.Sleep(t, time.Second); err != nil {
		return false, err
	}
	fmt.Fprintln(w, "cor wake")
	return true, nil
}

func run(w io.Writer, opts ...aio.Option) error {
	loop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	var cbErr error
	callback := func(future *aio.Future[bool]) {
		result, err := future.Result()
		if err != nil {
			cbErr = err
		}
		fmt.Fprintln(w, "result:", result) // result: true
		fmt.Fprintln(w, "stoping loop")
		loop.Stop()
	}

	task := aio.CreateTask(loop, func(t *aio.Task) (bool, error) { return cor(t, w) })
	task.AddDoneCallback(callback)

	err = loop.RunForever()
	fmt.Fprintln(w, "leave forever")
	return errors.Join(err, cbErr, loop.Close())
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
