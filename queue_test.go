package aio

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func drainNowait[T any](q *Queue[T]) []T {
	var out []T
	for {
		v, err := q.GetNowait()
		if err != nil {
			return out
		}
		out = append(out, v)
	}
}

func TestQueueKinds(t *testing.T) {
	in := []int{5, 1, 4, 2, 3}
	cases := []struct {
		name string
		q    *Queue[int]
		want []int
	}{
		{"fifo", NewQueue[int](0), []int{5, 1, 4, 2, 3}},
		{"zero", &Queue[int]{}, []int{5, 1, 4, 2, 3}},
		{"lifo", NewLifoQueue[int](0), []int{3, 2, 4, 1, 5}},
		{"priority", NewPriorityQueue(0, func(a, b int) bool { return a < b }), []int{1, 2, 3, 4, 5}},
	}
	for _, c := range cases {
		for range 3 { // several rounds, so the ring buffer wraps
			for _, v := range in {
				if err := c.q.PutNowait(v); err != nil {
					t.Fatal(err)
				}
			}
			if c.q.Len() != 5 {
				t.Fatalf("%s: Len %d", c.name, c.q.Len())
			}
			if got := drainNowait(c.q); !slices.Equal(got, c.want) {
				t.Fatalf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		if _, err := c.q.GetNowait(); err != ErrQueueEmpty {
			t.Fatalf("%s: empty: %v", c.name, err)
		}
	}
	// A bigger FIFO run across growth and wrap-around.
	q := NewQueue[int](0)
	next, want := 0, 0
	for round := range 50 {
		for range round % 7 * 9 {
			q.PutNowait(next)
			next++
		}
		for range round % 5 * 8 {
			v, err := q.GetNowait()
			if err != nil {
				break
			}
			if v != want {
				t.Fatalf("got %d want %d", v, want)
			}
			want++
		}
	}
}

func TestQueueBounded(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		q := NewQueue[int](2)
		q.PutNowait(1)
		q.PutNowait(2)
		if err := q.PutNowait(3); err != ErrQueueFull || !q.Full() || q.Maxsize() != 2 {
			return 0, fmt.Errorf("full: %v", err)
		}
		var putAt []time.Duration
		producer := Spawn(t, func(t *Task) (int, error) {
			for i := 3; i <= 5; i++ {
				if err := q.Put(t, i); err != nil {
					return 0, err
				}
				putAt = append(putAt, l.Time())
			}
			return 0, nil
		})
		var got []int
		for range 5 {
			Sleep(t, time.Second)
			v, err := q.Get(t)
			if err != nil {
				return 0, err
			}
			got = append(got, v)
		}
		if _, err := Await(t, producer); err != nil {
			return 0, err
		}
		if !slices.Equal(got, []int{1, 2, 3, 4, 5}) || !slices.Equal(putAt, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}) {
			return 0, fmt.Errorf("got %v put at %v", got, putAt)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestQueueProducerConsumer is seed 000's producer/consumer with two tasks
// and a queue, with TaskDone and Join.
func TestQueueProducerConsumer(t *testing.T) {
	l := newTestLoop(t)
	var log []string
	_, err := runMain(t, l, func(t *Task) (int, error) {
		q := NewQueue[int](1)
		consumer := Spawn(t, func(t *Task) (int, error) {
			for {
				v, err := q.Get(t)
				if err != nil {
					return 0, err
				}
				log = append(log, fmt.Sprintf("consume %d@%v", v, l.Time()))
				Sleep(t, time.Second)
				q.TaskDone()
			}
		})
		for i := 1; i <= 3; i++ {
			if err := q.Put(t, i); err != nil {
				return 0, err
			}
			log = append(log, fmt.Sprintf("produce %d@%v", i, l.Time()))
		}
		if err := q.Join(t); err != nil {
			return 0, err
		}
		log = append(log, fmt.Sprintf("joined@%v", l.Time()))
		consumer.Cancel()
		Await(t, consumer)
		if err := q.TaskDone(); err != ErrTaskDoneTooOften {
			return 0, fmt.Errorf("extra TaskDone: %v", err)
		}
		return 0, nil
	})
	// The same as CPython 3.13 prints for the same program.
	want := []string{"produce 1@0s", "consume 1@0s", "produce 2@0s", "consume 2@1s", "produce 3@1s", "consume 3@2s", "joined@3s"}
	if err != nil || !slices.Equal(log, want) {
		t.Fatalf("%v\n%q", err, log)
	}
}

// TestQueueCancelledGetter: a getter cancelled after an item was
// signalled to it passes the signal on: the item is not lost.
func TestQueueCancelledGetter(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		q := NewQueue[string](0)
		get := func(t *Task) (string, error) { return q.Get(t) }
		a, b, c := Spawn(t, get), Spawn(t, get), Spawn(t, get)
		Sleep(t, 0)
		a.Cancel() // cancelled while waiting
		Sleep(t, 0)
		q.PutNowait("x") // signals b...
		b.Cancel()       // ...which is cancelled before it runs
		v, err := Await(t, c)
		if v != "x" || err != nil || !a.Cancelled() || !b.Cancelled() || q.getters.len() != 0 {
			return 0, fmt.Errorf("c got %q %v; a %v b %v; getters %d", v, err, a.Cancelled(), b.Cancelled(), q.getters.len())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestQueueCancelledPutter: a putter cancelled after a slot was signalled
// to it passes the signal on, and its item is not put.
func TestQueueCancelledPutter(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		q := NewQueue[string](1)
		q.PutNowait("first")
		put := func(v string) func(*Task) (int, error) {
			return func(t *Task) (int, error) { return 0, q.Put(t, v) }
		}
		fs := spawnAll(t, put("a"), put("b"))
		Sleep(t, 0)
		q.GetNowait()  // signals a...
		fs[0].Cancel() // ...which is cancelled before it runs
		if _, err := Await(t, fs[1]); err != nil {
			return 0, err
		}
		if got := drainNowait(q); !slices.Equal(got, []string{"b"}) || q.putters.len() != 0 {
			return 0, fmt.Errorf("queue %v", got)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestQueueShutdown pins Python 3.13's shutdown: blocked getters and
// putters wake with ErrQueueShutdown, gets drain what is left first.
func TestQueueShutdown(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		q := NewQueue[int](1)
		getter := Spawn(t, func(t *Task) (int, error) { return q.Get(t) })
		Sleep(t, 0)
		q.Shutdown(false)
		if _, err := Await(t, getter); err != ErrQueueShutdown {
			return 0, fmt.Errorf("blocked getter: %v", err)
		}
		if err := q.PutNowait(1); err != ErrQueueShutdown {
			return 0, fmt.Errorf("put after shutdown: %v", err)
		}

		q = NewQueue[int](1)
		q.PutNowait(1)
		putter := Spawn(t, func(t *Task) (int, error) { return 0, q.Put(t, 2) })
		Sleep(t, 0)
		q.Shutdown(false)
		if _, err := Await(t, putter); err != ErrQueueShutdown {
			return 0, fmt.Errorf("blocked putter: %v", err)
		}
		if v, err := q.Get(t); v != 1 || err != nil {
			return 0, fmt.Errorf("get drains first: %v %v", v, err)
		}
		if _, err := q.Get(t); err != ErrQueueShutdown || !q.IsShutdown() {
			return 0, fmt.Errorf("then: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestQueueShutdownImmediate(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		q := NewQueue[int](0)
		q.PutNowait(1)
		q.PutNowait(2)
		joiner := Spawn(t, func(t *Task) (int, error) { return 0, q.Join(t) })
		Sleep(t, 0)
		q.Shutdown(true)
		if _, err := Await(t, joiner); err != nil {
			return 0, fmt.Errorf("join: %v", err)
		}
		if _, err := q.GetNowait(); err != ErrQueueShutdown || q.Len() != 0 || q.Unfinished() != 0 {
			return 0, fmt.Errorf("get: %v len %d", err, q.Len())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestQueueJoinCancelled(t *testing.T) {
	l := newTestLoop(t)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		q := NewQueue[int](0)
		if err := q.Join(t); err != nil {
			return 0, err
		}
		q.PutNowait(1)
		err := Timeout(t, time.Second, func(t *Task) error { return q.Join(t) })
		if !errors.Is(err, ErrTimeout) || q.joiners.len() != 0 {
			return 0, fmt.Errorf("join: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
