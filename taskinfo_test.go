package aio

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// here returns the line after the one calling it: the await that follows.
func nextLine() int {
	_, _, line, _ := runtime.Caller(1)
	return line + 1
}

func TestTaskInfoStates(t *testing.T) {
	l := newTestLoop(t)
	var sleeper, waiter, fresh *Task
	gate := NewFuture[int](l)
	_, err := runMain(t, l, func(t *Task) (int, error) {
		if st := t.Info().State; st != TaskRunning {
			return 0, fmt.Errorf("running task: %v", st)
		}
		sleeper = Spawn(t, func(t *Task) (int, error) { return 0, Sleep(t, time.Hour) }).Task()
		waiter = Spawn(t, func(t *Task) (int, error) { return Await(t, gate) }).Task()
		fresh = Spawn(t, func(t *Task) (int, error) { return 0, nil }).Task()
		if st := fresh.State(); st != TaskPending || fresh.Info().Awaiting != "" {
			return 0, fmt.Errorf("fresh task: %v %q", st, fresh.Info().Awaiting)
		}
		if err := Sleep(t, time.Second); err != nil {
			return 0, err
		}
		si, wi := sleeper.Info(), waiter.Info()
		if si.State != TaskSuspended || si.Awaiting != "sleeping until 1h0m0s" || si.Name != sleeper.Name() || si.ID != sleeper.id {
			return 0, fmt.Errorf("sleeper: %+v", si)
		}
		if wi.State != TaskSuspended || wi.Awaiting != "awaiting <Future pending>" {
			return 0, fmt.Errorf("waiter: %+v", wi)
		}
		// Without TrackTasks there is no age and no site.
		if si.Age != 0 || si.Site != "" || si.Stack != nil || sleeper.Where() != si.Awaiting {
			return 0, fmt.Errorf("untracked sleeper: %+v, where %q", si, sleeper.Where())
		}
		if s := sleeper.String(); s != `<Task pending name="Task-2">` {
			return 0, fmt.Errorf("String of a suspended task: %s", s)
		}
		gate.SetResult(1)
		sleeper.Cancel()
		if st := waiter.State(); st != TaskSuspended || waiter.Info().Awaiting != "awaiting <Future finished>" {
			return 0, fmt.Errorf("woken waiter: %v %q", st, waiter.Info().Awaiting)
		}
		return 0, Sleep(t, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	for task, want := range map[*Task]TaskState{sleeper: TaskCancelled, waiter: TaskDone, fresh: TaskDone} {
		if info := task.Info(); info.State != want || info.Awaiting != "" || task.Where() != "" {
			t.Errorf("%s: %+v, want %v", task.Name(), info, want)
		}
	}
	names := []string{TaskPending.String(), TaskRunning.String(), TaskSuspended.String(), TaskDone.String(), TaskCancelled.String(), TaskState(9).String()}
	if got := strings.Join(names, " "); got != "pending running suspended finished cancelled TaskState(9)" {
		t.Errorf("state names: %s", got)
	}
}

// With TrackTasks, Info gives the age on the loop's clock and the await
// site in the program, also when the await is inside package aio (a
// queue's Get).
func TestTaskInfoTracked(t *testing.T) {
	l := newTestLoop(t, TrackTasks())
	q := NewQueue[int](0)
	var sleepLine, getLine int
	_, err := runMain(t, l, func(t *Task) (int, error) {
		sleeper := Spawn(t, func(t *Task) (int, error) {
			sleepLine = nextLine()
			return 0, Sleep(t, time.Hour)
		}, Name("sleeper")).Task()
		if err := Sleep(t, 2*time.Second); err != nil {
			return 0, err
		}
		getter := Spawn(t, func(t *Task) (int, error) {
			getLine = nextLine()
			return q.Get(t)
		}, Name("getter")).Task()
		if err := Sleep(t, 3*time.Second); err != nil {
			return 0, err
		}
		si, gi := sleeper.Info(), getter.Info()
		if si.Age != 5*time.Second || gi.Age != 3*time.Second || t.Info().Age != 5*time.Second {
			return 0, fmt.Errorf("ages: sleeper %v getter %v main %v", si.Age, gi.Age, t.Info().Age)
		}
		if want := ":" + strconv.Itoa(sleepLine); filepath.Base(si.Site) != "taskinfo_test.go"+want {
			return 0, fmt.Errorf("sleeper site %q, want line %d", si.Site, sleepLine)
		}
		if want := ":" + strconv.Itoa(getLine); filepath.Base(gi.Site) != "taskinfo_test.go"+want || !strings.HasPrefix(gi.Awaiting, "awaiting") {
			return 0, fmt.Errorf("getter site %q awaiting %q, want line %d", gi.Site, gi.Awaiting, getLine)
		}
		if w := sleeper.Where(); w != "sleeping until 1h0m0s at "+si.Site {
			return 0, fmt.Errorf("Where: %q", w)
		}
		// The stack runs from the await to the task's body, without the
		// machinery that runs the body.
		if len(gi.Stack) != 1 || !strings.Contains(gi.Stack[0].Function, "TestTaskInfoTracked") {
			return 0, fmt.Errorf("getter stack: %+v", gi.Stack)
		}
		q.PutNowait(1)
		sleeper.Cancel()
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A stack deeper than the body: the helper that awaits comes first, the
// body last.
func TestTaskInfoStackThroughHelpers(t *testing.T) {
	l := newTestLoop(t, TrackTasks())
	var line int
	helper := func(t *Task) error {
		line = nextLine()
		return Sleep(t, time.Hour)
	}
	_, err := runMain(t, l, func(t *Task) (int, error) {
		s := Spawn(t, func(t *Task) (int, error) { return 0, helper(t) }).Task()
		if err := Sleep(t, 0); err != nil {
			return 0, err
		}
		st := s.Info().Stack
		if len(st) != 2 || st[0].Line != line || st[1].Line == line {
			return 0, fmt.Errorf("stack %+v, want the helper at line %d, then the body", st, line)
		}
		s.Cancel()
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Debug mode's slow-step report names where the task is suspended after
// the step, and nothing for the step in which it finished.
func TestDebugSlowStepSiteOnlyWhileSuspended(t *testing.T) {
	logs, opt := captureLogger()
	l := newTestLoop(t, opt, Debug(true), SlowCallbackDuration(0))
	var line int
	RunUntilComplete(l, CreateTask(l, func(t *Task) (int, error) {
		line = nextLine()
		return 0, Sleep(t, time.Second)
	}, Name("twostep")))
	var steps, sited int
	for _, s := range strings.Split(logs.String(), "\n") {
		if strings.Contains(s, "twostep") {
			steps++
			if strings.Contains(s, "suspended at") {
				sited++
				if !strings.Contains(s, "taskinfo_test.go:"+strconv.Itoa(line)) {
					t.Errorf("site: %s", s)
				}
			}
		}
	}
	if steps != 2 || sited != 1 {
		t.Fatalf("%d step reports, %d with a site, want 2 and 1:\n%s", steps, sited, logs)
	}
}
