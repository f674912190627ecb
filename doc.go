// Package aio is asyncio for Go: an event loop on its own epoll, tasks that
// run as coroutines and await futures, cancellation, timers, an executor
// for blocking work, and (in the files that build on them) combinators,
// synchronisation primitives, queues, transports and protocols.
//
// # The model
//
// A [Loop] runs on one goroutine and does one thing at a time: a callback, a
// step of a task, or the handling of an IO readiness. Nothing on a loop
// runs in parallel with anything else on it, so state shared by its tasks
// and callbacks needs no mutex; the places where other work can run are
// exactly the calls that take a *[Task], which are the suspension points.
//
// A task is a function of the form
//
//	func(t *aio.Task) (T, error)
//
// started with [Spawn] (from another task) or [CreateTask] (from anywhere on
// the loop's goroutine). It runs in a pooled coroutine ([iter.Pull]), so a
// switch is a direct goroutine handoff in the runtime: a task that
// suspends hands control straight to the next task in the loop's order
// (one switch, no trip through the loop's goroutine), a task that
// finishes without suspending costs no switch of its own, and Sleep(t, 0)
// with nothing else ready costs none at all. The *Task
// argument plays the part of Python's async: a function that may suspend
// takes it as its first parameter, the way cancellable work takes a
// [context.Context], and passes it on to [Await], [Sleep] and the like.
//
//	func say(t *aio.Task, delay time.Duration, what string) (string, error) {
//		if err := aio.Sleep(t, delay); err != nil {
//			return "", err // cancelled
//		}
//		fmt.Println(what)
//		return what, nil
//	}
//
//	err := aio.Run(func(t *aio.Task) error {
//		hello := aio.Spawn(t, func(t *aio.Task) (string, error) { return say(t, time.Second, "hello") })
//		world := aio.Spawn(t, func(t *aio.Task) (string, error) { return say(t, 2*time.Second, "world") })
//		if _, err := aio.Await(t, hello); err != nil {
//			return err
//		}
//		_, err := aio.Await(t, world) // both done after 2 s, not 3
//		return err
//	})
//
// # Cancellation
//
// [Task.Cancel] makes the await the task is suspended in (or its next one)
// return an error matching [ErrCancelled]. Returning that error ends the
// task as cancelled; carrying on refuses the cancellation, as catching
// asyncio.CancelledError does. Every function that suspends documents, in
// a "Cancellation:" paragraph, what happens when the task is cancelled
// while it waits.
//
// # Goroutines
//
// A loop's methods, its futures and its tasks are used from the loop's
// goroutine, which includes the bodies of its tasks and its callbacks.
// (Callbacks and IO handlers may run on the goroutine of a task that is
// switching, never alongside anything else of the loop: one thing at a
// time is the rule that matters, not the goroutine's identity.)
// From any other goroutine, use CallSoonThreadsafe and
// [RunCoroutineThreadsafe]; blocking work goes the other way through
// [ToThread]. Debug mode (the [Debug] option or AIODEBUG=1) reports calls from
// the wrong goroutine and callbacks slower than 100 ms.
//
// # Order of callbacks
//
// Within one pass of a loop:
//
//  1. functions submitted with CallSoonThreadsafe since the last pass join the ready queue;
//  2. IO readiness is polled and dispatched to transports;
//  3. timers that are due join the ready queue, earliest first, FIFO among equals;
//  4. everything that was in the ready queue when this step began runs, FIFO.
//
// Done callbacks of a future, and the tasks awaiting it, are scheduled
// when it completes, never called inline. Anything scheduled while the
// ready queue runs waits for the next pass.
//
// # IO
//
// Three levels, as in asyncio. Protocols ([Protocol], [CreateServer],
// [CreateConnection], [ServeMultiLoop]) handle a connection in callbacks
// on the loop, with no goroutine or coroutine per connection. Streams
// ([OpenConnection], [StartServer]) give a task a [StreamReader] and a
// [StreamWriter] to read lines and exact sizes and to wait for the
// write buffer to drain. Files ([Open], [File]) run blocking file calls
// on the executor. Subprocesses ([CreateSubprocessExec]) talk through
// streams on pipe transports, which [ConnectReadPipe] and
// [ConnectWritePipe] make for any pipe. Package aiotest tests any of
// them on the virtual clock.
//
// # Time
//
// [Loop.Time] is a monotonic clock; CallLater, CallAt and Sleep use it. With
// the [VirtualClock] option the clock jumps to the next timer whenever the
// loop would otherwise wait: tests of timing logic run instantly and the
// same way every time.
package aio
