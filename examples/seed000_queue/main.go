// Command seed000_queue is the producer/consumer of seed 000 (Liao
// Xuefeng's Python tutorial) once more, this time as two tasks talking
// through queues instead of one generator (see seed000_generator for
// that): the producer puts a message, the consumer takes it and puts its
// answer in a second queue. Shutdown (Python 3.13) ends the consumer.
//
// The Python version, checked with CPython 3.13.0:
//
//	async def consumer(q, replies):
//	    while True:
//	        n = await q.get()
//	        print('[CONSUMER] Consuming %s...' % n)
//	        await replies.put('200 OK')
//	        q.task_done()
//
//	async def produce(q, replies):
//	    n = 0
//	    while n < 5:
//	        n = n + 1
//	        print('[PRODUCER] Producing %s...' % n)
//	        await q.put(n)
//	        r = await replies.get()
//	        print('[PRODUCER] Consumer return: %s' % r)
//	    q.shutdown()
//
//	async def main():
//	    q, replies = asyncio.Queue(1), asyncio.Queue(1)
//	    c = asyncio.create_task(consumer(q, replies))
//	    await produce(q, replies)
//	    try:
//	        await c
//	    except asyncio.QueueShutDown:
//	        print('[CONSUMER] queue shut down')
//
//	asyncio.run(main())
//
// It prints what the generator version prints, then the shutdown line;
// so does this program.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aio-go/aio"
)

func consumer(w io.Writer, q *aio.Queue[int], replies *aio.Queue[string]) func(t *aio.Task) (struct{}, error) {
	return func(t *aio.Task) (struct{}, error) {
		for {
			n, err := q.Get(t)
			if err != nil {
				return struct{}{}, err
			}
			fmt.Fprintf(w, "[CONSUMER] Consuming %d...\n", n)
			if err := replies.Put(t, "200 OK"); err != nil {
				return struct{}{}, err
			}
			q.TaskDone()
		}
	}
}

func produce(t *aio.Task, w io.Writer, q *aio.Queue[int], replies *aio.Queue[string]) error {
	for n := 1; n <= 5; n++ {
		fmt.Fprintf(w, "[PRODUCER] Producing %d...\n", n)
		if err := q.Put(t, n); err != nil {
			return err
		}
		r, err := replies.Get(t)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "[PRODUCER] Consumer return: %s\n", r)
	}
	q.Shutdown(false)
	return nil
}

func run(w io.Writer, opts ...aio.Option) error {
	return aio.Run(func(t *aio.Task) error {
		q, replies := aio.NewQueue[int](1), aio.NewQueue[string](1)
		c := aio.Spawn(t, consumer(w, q, replies))
		if err := produce(t, w, q, replies); err != nil {
			return err
		}
		if _, err := aio.Await(t, c); errors.Is(err, aio.ErrQueueShutdown) {
			fmt.Fprintln(w, "[CONSUMER] queue shut down")
			return nil
		}
		return errors.New("the consumer did not see the shutdown")
	}, opts...)
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
