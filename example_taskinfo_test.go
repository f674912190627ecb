package aio_test

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/aio-go/aio"
)

// A monitor lists the loop's tasks: state, age, what each awaits and
// where. TrackTasks records the ages and await sites.
func ExampleTask_Info() {
	err := aio.Run(func(t *aio.Task) error {
		q := aio.NewQueue[string](0)
		aio.Spawn(t, func(t *aio.Task) (string, error) { return q.Get(t) }, aio.Name("consumer"))
		if err := aio.Sleep(t, 2*time.Second); err != nil {
			return err
		}
		aio.Spawn(t, func(t *aio.Task) (struct{}, error) { return struct{}{}, aio.Sleep(t, time.Minute) }, aio.Name("ticker"))
		if err := aio.Sleep(t, time.Second); err != nil {
			return err
		}
		for _, task := range aio.AllTasks(t.Loop()) {
			info := task.Info()
			fmt.Printf("%-8s %-9s age %v", info.Name, info.State, info.Age)
			if info.State == aio.TaskSuspended {
				fmt.Printf(", %s at %s", info.Awaiting, filepath.Base(info.Site))
			}
			fmt.Println()
		}
		return nil
	}, aio.TrackTasks(), aio.VirtualClock(), aio.NoSignalHandlers())
	fmt.Println(err)
	// Output:
	// main     running   age 3s
	// consumer suspended age 3s, awaiting <Future pending> at example_taskinfo_test.go:16
	// ticker   suspended age 1s, sleeping until 1m2s at example_taskinfo_test.go:20
	// <nil>
}
