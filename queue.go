package aio

import (
	"errors"
)

// Errors of the queues.
var (
	// ErrQueueFull is returned by PutNowait on a full queue
	// (asyncio.QueueFull).
	ErrQueueFull = errors.New("aio: queue is full")
	// ErrQueueEmpty is returned by GetNowait on an empty queue
	// (asyncio.QueueEmpty).
	ErrQueueEmpty = errors.New("aio: queue is empty")
	// ErrQueueShutdown is returned by the puts of a queue that was shut
	// down, and by its gets once it is empty (asyncio.QueueShutDown,
	// Python 3.13).
	ErrQueueShutdown = errors.New("aio: queue is shut down")
	// ErrTaskDoneTooOften is returned by [TaskDone] when it is called more
	// often than items were put (asyncio raises ValueError).
	ErrTaskDoneTooOften = errors.New("aio: Queue.TaskDone called too many times")
)

type queueKind uint8

const (
	fifoQueue queueKind = iota
	lifoQueue
	priorityQueue
)

// Queue is a queue of items of type T for the tasks of one loop
// (asyncio.Queue): producers Put, consumers Get, each suspending while
// the queue is full or empty. [NewQueue] makes a FIFO queue, [NewLifoQueue] a
// LIFO one (asyncio.LifoQueue), [NewPriorityQueue] one that hands out the
// least item first (asyncio.PriorityQueue). The zero value is an
// unbounded FIFO queue.
//
// Waiting getters and putters are served in FIFO order. TaskDone and
// Join track the processing of the items; Shutdown (Python 3.13) stops
// the queue. A Queue is used from its loop's goroutine; to feed it from
// other goroutines, call PutNowait through [Loop.CallSoonThreadsafe].
type Queue[T any] struct {
	maxsize int
	kind    queueKind
	size    int

	// The items, in the one of these that kind says.
	fifo  ring[T]
	stack []T
	prio  heap[T]

	getters, putters, joiners waitQueue
	unfinished                int
	shutdown                  bool
}

// NewQueue makes a FIFO queue holding at most maxsize items; maxsize <= 0
// means unbounded.
func NewQueue[T any](maxsize int) *Queue[T] { return &Queue[T]{maxsize: maxsize} }

// NewLifoQueue makes a queue that returns the item put last first
// (asyncio.LifoQueue); maxsize as for [NewQueue].
func NewLifoQueue[T any](maxsize int) *Queue[T] {
	return &Queue[T]{maxsize: maxsize, kind: lifoQueue}
}

// NewPriorityQueue makes a queue that returns the least item first, by
// less (asyncio.PriorityQueue; items that compare equal come out in no
// particular order); maxsize as for [NewQueue].
func NewPriorityQueue[T any](maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("aio: NewPriorityQueue with a nil less function")
	}
	return &Queue[T]{maxsize: maxsize, kind: priorityQueue, prio: heap[T]{less: less}}
}

// Len returns the number of items in the queue (asyncio's qsize).
func (q *Queue[T]) Len() int { return q.size }

// Maxsize returns the queue's bound, 0 for an unbounded queue.
func (q *Queue[T]) Maxsize() int { return max(q.maxsize, 0) }

// Empty reports whether the queue has no items.
func (q *Queue[T]) Empty() bool { return q.size == 0 }

// Full reports whether the queue holds maxsize items; an unbounded queue
// is never full.
func (q *Queue[T]) Full() bool { return q.maxsize > 0 && q.size >= q.maxsize }

// IsShutdown reports whether Shutdown was called.
func (q *Queue[T]) IsShutdown() bool { return q.shutdown }

// Put puts v in the queue, suspending t while the queue is full (asyncio's
// Queue.put). It returns [ErrQueueShutdown] if the queue is shut down, when
// Put is called or while it waits.
//
// Cancellation: if t is cancelled while it waits, Put returns an error
// matching [ErrCancelled] and v is not in the queue. If a free slot had
// just been signalled to t, the signal passes on to the next putter.
func (q *Queue[T]) Put(t *Task, v T) error {
	for q.Full() {
		if q.shutdown {
			return ErrQueueShutdown
		}
		w := q.putters.newWaiter(t.fut.loop)
		q.putters.push(w)
		if err := awaitWaiter(t, w); err != nil {
			q.putters.remove(w)
			if !q.Full() && w.state == stateDone {
				q.wakeNext(&q.putters) // woken for a slot we do not take
			}
			return err
		}
		q.putters.recycle(w)
	}
	return q.PutNowait(v)
}

// PutNowait puts v in the queue if there is room, without suspending
// (asyncio's put_nowait). It returns [ErrQueueFull] if the queue is full
// and [ErrQueueShutdown] if it is shut down.
func (q *Queue[T]) PutNowait(v T) error {
	if q.shutdown {
		return ErrQueueShutdown
	}
	if q.Full() {
		return ErrQueueFull
	}
	q.push(v)
	q.unfinished++
	q.wakeNext(&q.getters)
	return nil
}

// Get removes and returns an item, suspending t while the queue is empty
// (asyncio's Queue.get). Once the queue is shut down, Get returns the
// items left, then [ErrQueueShutdown] (at once after an immediate
// shutdown).
//
// Cancellation: if t is cancelled while it waits, Get returns an error
// matching [ErrCancelled] and takes no item. If an item had just been
// signalled to t, the signal passes on to the next getter: the item is
// not lost.
func (q *Queue[T]) Get(t *Task) (T, error) {
	for q.size == 0 {
		if q.shutdown {
			var zero T
			return zero, ErrQueueShutdown
		}
		w := q.getters.newWaiter(t.fut.loop)
		q.getters.push(w)
		if err := awaitWaiter(t, w); err != nil {
			q.getters.remove(w)
			if q.size > 0 && w.state == stateDone {
				q.wakeNext(&q.getters) // woken for an item we do not take
			}
			var zero T
			return zero, err
		}
		q.getters.recycle(w)
	}
	return q.GetNowait()
}

// GetNowait removes and returns an item if there is one, without
// suspending (asyncio's get_nowait). It returns [ErrQueueEmpty] if the
// queue is empty, or [ErrQueueShutdown] if it is empty and shut down.
func (q *Queue[T]) GetNowait() (T, error) {
	if q.size == 0 {
		var zero T
		if q.shutdown {
			return zero, ErrQueueShutdown
		}
		return zero, ErrQueueEmpty
	}
	v := q.pop()
	q.wakeNext(&q.putters)
	return v, nil
}

// TaskDone tells the queue that the processing of an item taken with Get
// is complete (asyncio's task_done). When every item put has been marked
// done, Join returns. It returns [ErrTaskDoneTooOften] if it is called more
// times than items were put.
func (q *Queue[T]) TaskDone() error {
	if q.unfinished <= 0 {
		return ErrTaskDoneTooOften
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.wakeAll(&q.joiners)
	}
	return nil
}

// Unfinished returns the number of items put and not yet marked done
// with TaskDone.
func (q *Queue[T]) Unfinished() int { return q.unfinished }

// Join suspends t until every item put in the queue has been taken and
// marked done with TaskDone (asyncio's Queue.join). It returns at once if
// there is nothing unfinished.
//
// Cancellation: if t is cancelled while it waits, Join returns an error
// matching [ErrCancelled].
func (q *Queue[T]) Join(t *Task) error {
	if q.unfinished == 0 {
		return nil
	}
	_, err := q.joiners.wait(t)
	return err
}

// Shutdown shuts the queue down (asyncio's Queue.shutdown, Python 3.13):
// from now on Put and PutNowait return [ErrQueueShutdown], and Get and
// GetNowait return the items left, then ErrQueueShutdown. Every task
// waiting in Put or Get wakes up to find this out. With immediate, the
// items left are dropped (each counting as done for Join, which may
// return) and gets fail at once.
func (q *Queue[T]) Shutdown(immediate bool) {
	q.shutdown = true
	if immediate {
		for q.size > 0 {
			q.pop()
			if q.unfinished > 0 {
				q.unfinished--
			}
		}
		if q.unfinished == 0 {
			q.wakeAll(&q.joiners)
		}
	}
	for w := q.getters.popFront(); w != nil; w = q.getters.popFront() {
		if w.state == statePending {
			w.wake()
		}
	}
	for w := q.putters.popFront(); w != nil; w = q.putters.popFront() {
		if w.state == statePending {
			w.wake()
		}
	}
}

// wakeNext wakes the first waiter of ws that is still pending, removing
// it and those before it (asyncio's _wakeup_next).
func (q *Queue[T]) wakeNext(ws *waitQueue) {
	for w := ws.popFront(); w != nil; w = ws.popFront() {
		if w.state == statePending {
			w.wake()
			return
		}
	}
}

func (q *Queue[T]) wakeAll(ws *waitQueue) {
	for i := 0; i < ws.len(); i++ {
		if w := ws.at(i); w.state == statePending {
			w.wake()
		}
	}
}

// push and pop are the storage of the three kinds of queue.
func (q *Queue[T]) push(v T) {
	switch q.kind {
	case fifoQueue:
		q.fifo.push(v)
	case lifoQueue:
		q.stack = append(q.stack, v)
	case priorityQueue:
		q.prio.push(v)
	}
	q.size++
}

func (q *Queue[T]) pop() T {
	var v T
	switch q.kind {
	case fifoQueue:
		v = q.fifo.pop()
	case lifoQueue:
		n := len(q.stack) - 1
		v = q.stack[n]
		var zero T
		q.stack[n] = zero
		q.stack = q.stack[:n]
	case priorityQueue:
		v = q.prio.pop()
	}
	q.size--
	return v
}
