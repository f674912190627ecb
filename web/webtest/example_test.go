package webtest_test

import (
	"fmt"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// A server and its client on one virtual-clock loop: the handler's hour
// of sleep and the idle timeout after it take no real time.
func ExampleStart() {
	app := web.NewApp()
	app.Get("/late", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(t, time.Hour); err != nil {
			return nil, err
		}
		return web.Text("finally"), nil
	})
	err := aio.Run(func(t *aio.Task) error {
		srv, err := webtest.Start(t, app, web.IdleTimeout(time.Minute))
		if err != nil {
			return err
		}
		defer srv.Server.Close()
		c, err := srv.Dial(t)
		if err != nil {
			return err
		}
		defer c.Close()
		start := t.Loop().Time()
		resp, body, err := c.Get(t, "/late")
		if err != nil {
			return err
		}
		fmt.Println(resp.StatusCode, body, "after", t.Loop().Time()-start)
		rest, err := c.ReadToEOF(t) // the server closes the idle connection
		fmt.Printf("closed: %q %v\n", rest, err)
		return nil
	}, aio.VirtualClock())
	fmt.Println(err)
	// Output:
	// 200 finally after 1h0m0s
	// closed: "" <nil>
	// <nil>
}
