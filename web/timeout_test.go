package web_test

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// onLoop serves app on the test's virtual-clock loop and runs body with
// a connected client; timeouts then take no real time.
func onLoop(t *testing.T, app *web.App, opts []web.Option, body func(tk *aio.Task, c *webtest.Conn) error) {
	t.Helper()
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := webtest.Start(tk, app, opts...)
		if err != nil {
			return err
		}
		defer func() {
			srv.Server.Close()
			srv.Server.AbortClients()
		}()
		c, err := srv.Dial(tk)
		if err != nil {
			return err
		}
		defer c.Close()
		return body(tk, c)
	})
}

func getOK(tk *aio.Task, c *webtest.Conn, want string) error {
	resp, body, err := c.Get(tk, "/")
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 || body != want {
		return fmt.Errorf("GET /: %d %q", resp.StatusCode, body)
	}
	return nil
}

// expectClosed checks that the server closed the connection, saying
// nothing more (or exactly want).
// A write refused by the closed connection (broken pipe) counts as
// closed too. It gives up after a minute of virtual time.
func expectClosed(tk *aio.Task, c *webtest.Conn, want string) error {
	var rest string
	err := aio.Timeout(tk, time.Minute, func(tk *aio.Task) (err error) {
		rest, err = c.ReadToEOF(tk)
		return err
	})
	if err != nil && (want != "" || !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET)) {
		return fmt.Errorf("the connection did not end: %q, %v", rest, err)
	}
	if !strings.HasPrefix(rest, want) || (want == "" && rest != "") {
		return fmt.Errorf("before the end of the connection: %q; want %q", rest, want)
	}
	return nil
}

// An idle keep-alive connection closes after IdleTimeout, not before.
func TestIdleTimeout(t *testing.T) {
	app := web.NewApp()
	app.Get("/", text("hi"))
	onLoop(t, app, []web.Option{web.IdleTimeout(10 * time.Second)}, func(tk *aio.Task, c *webtest.Conn) error {
		for range 3 {
			if err := getOK(tk, c, "hi"); err != nil {
				return err
			}
			if err := aio.Sleep(tk, 9*time.Second); err != nil { // under the timeout each time
				return err
			}
		}
		start := tk.Loop().Time()
		if err := expectClosed(tk, c, ""); err != nil {
			return err
		}
		if idle := tk.Loop().Time() - start + 9*time.Second; idle < 10*time.Second || idle > 15*time.Second {
			return fmt.Errorf("closed after %v idle, want 10 s to 15 s", idle)
		}
		return nil
	})
}

// A head that does not complete within HeaderTimeout of its first byte
// closes the connection, even while bytes keep trickling in (slowloris).
func TestHeaderTimeout(t *testing.T) {
	app := web.NewApp()
	app.Get("/", text("hi"))
	opts := []web.Option{web.HeaderTimeout(10 * time.Second), web.IdleTimeout(time.Hour)}
	onLoop(t, app, opts, func(tk *aio.Task, c *webtest.Conn) error {
		if err := getOK(tk, c, "hi"); err != nil {
			return err
		}
		if err := aio.Sleep(tk, time.Minute); err != nil { // idle: no header deadline
			return err
		}
		for _, b := range "GET / HTTP/1.1\r\nHost:" {
			if c.Send(string(b)) != nil {
				break // closed already
			}
			if err := aio.Sleep(tk, 1*time.Second); err != nil {
				return err
			}
		}
		return expectClosed(tk, c, "")
	})
}

// A handler waiting for body bytes that do not come gets ErrBodyTimeout,
// which answers 408, and the connection closes.
func TestBodyTimeout(t *testing.T) {
	var got error
	app := web.NewApp()
	app.Post("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		_, got = r.ReadAll(t)
		return nil, got
	})
	opts := []web.Option{web.BodyTimeout(10 * time.Second)}
	onLoop(t, app, opts, func(tk *aio.Task, c *webtest.Conn) error {
		c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
		if err := aio.Sleep(tk, 8*time.Second); err != nil {
			return err
		}
		c.Send("def") // resets the wait
		if err := aio.Sleep(tk, 8*time.Second); err != nil {
			return err
		}
		if got != nil {
			return fmt.Errorf("the body read ended early: %v", got)
		}
		if err := expectClosed(tk, c, "HTTP/1.1 408 Request Timeout\r\n"); err != nil {
			return err
		}
		if !errors.Is(got, web.ErrBodyTimeout) {
			return fmt.Errorf("the handler's read returned %v", got)
		}
		return nil
	})
}
