package web_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

// The tests of this file serve on the test's virtual-clock loop, client
// included: handlers and the test share state with no lock, sleeps take
// no real time, and every wait is bounded in virtual time, so a server
// that handled pipelined requests one at a time fails them instead of
// hanging.

// pipeOn serves app on the test's loop and runs body with a connected
// client. When body returns, the server is closed and its connections
// aborted, and the handlers they cancel are let unwind.
func pipeOn(t *testing.T, app *web.App, webOpts []web.Option, body func(tk *aio.Task, srv *webtest.LoopServer, c *webtest.Conn) error, opts ...aio.Option) {
	t.Helper()
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := webtest.Start(tk, app, webOpts...)
		if err != nil {
			return err
		}
		c, err := srv.Dial(tk)
		if err != nil {
			srv.Server.Close()
			return err
		}
		err = body(tk, srv, c)
		c.Close()
		srv.Server.Close()
		srv.Server.AbortClients()
		return errors.Join(err, aio.Sleep(tk, time.Minute))
	}, opts...)
}

func getReq(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n" }

// expect reads the next response, within a minute of virtual time, and
// checks its status and body.
func expect(tk *aio.Task, c *webtest.Conn, method string, status int, body string) (*http.Response, error) {
	var resp *http.Response
	var got string
	err := aio.Timeout(tk, time.Minute, func(tk *aio.Task) (err error) {
		resp, got, err = c.ReadResponse(tk, method)
		return err
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the answer %q: %w", body, err)
	case resp.StatusCode != status || got != body:
		return nil, fmt.Errorf("got %d %q, want %d %q", resp.StatusCode, got, status, body)
	}
	return resp, nil
}

// wait waits on ev for at most a minute of virtual time.
func wait(tk *aio.Task, ev *aio.Event, what string) error {
	if err := aio.Timeout(tk, time.Minute, ev.Wait); err != nil {
		return fmt.Errorf("waiting for %s: %w", what, err)
	}
	return nil
}

// A later handler ends first, its response second. /slow waits for /fast
// to have run: handled one at a time, /slow would give up after 10 s of
// virtual time and the test fail.
func TestPipelineLaterHandlerEndsFirst(t *testing.T) {
	var fastRan aio.Event
	var ended []string
	app := web.NewApp()
	app.Get("/slow", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Timeout(tk, 10*time.Second, fastRan.Wait); err != nil {
			return web.Text("/fast did not run while /slow waited"), nil
		}
		ended = append(ended, "slow")
		return web.Text("slow"), nil
	})
	app.Get("/fast", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		fastRan.Set()
		ended = append(ended, "fast")
		return web.Text("fast"), nil
	})
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(getReq("/slow") + getReq("/fast")); err != nil {
			return err
		}
		for _, want := range []string{"slow", "fast"} {
			if _, err := expect(tk, c, "GET", 200, want); err != nil {
				return err
			}
		}
		if !slices.Equal(ended, []string{"fast", "slow"}) {
			return fmt.Errorf("handlers ended in the order %v", ended)
		}
		return nil
	})
}

// Many pipelined requests, each suspending or not, some with a body read
// before or after a sleep (deterministic seed), sent at once or in
// pieces of random sizes: every answer comes in request order; handlers
// overlap, never more than 16 at once; the access log has a line per
// request, in the order the handlers ended.
func TestPipelineRandomSuspend(t *testing.T) {
	for _, split := range []bool{false, true} {
		t.Run(fmt.Sprintf("split=%v", split), func(t *testing.T) { testRandomSuspend(t, split) })
	}
}

func testRandomSuspend(t *testing.T, split bool) {
	const n = 200
	rnd := rand.New(rand.NewSource(1))
	var running, most int
	var ended, logged []string
	app := web.NewApp()
	handler := func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		running++
		most = max(most, running)
		defer func() { running-- }()
		mode, _ := strconv.Atoi(r.Query().Get("m"))
		d, _ := time.ParseDuration(r.Query().Get("d"))
		if mode == 3 { // the body after a sleep: the requests after it wait
			if err := aio.Sleep(tk, d); err != nil {
				return nil, err
			}
		}
		body, err := r.Text(tk)
		if err != nil {
			return nil, err
		}
		if mode == 1 || mode == 2 {
			if err := aio.Sleep(tk, d); err != nil {
				return nil, err
			}
		}
		ended = append(ended, r.Param("i"))
		return web.Text(r.Param("i") + ":" + body), nil
	}
	app.Get("/r/{i}", handler)
	app.Post("/r/{i}", handler)
	var reqs strings.Builder
	wants := make([]string, n)
	for i := range n {
		mode := rnd.Intn(4) // 0 no suspension, 1 a sleep, 2 a body then a sleep, 3 a sleep then a body
		d := time.Duration(rnd.Intn(50)) * time.Millisecond
		target := fmt.Sprintf("/r/%d?m=%d&d=%s", i, mode, d)
		if mode >= 2 {
			body := strings.Repeat(strconv.Itoa(i), rnd.Intn(5)+1)
			fmt.Fprintf(&reqs, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", target, len(body), body)
			wants[i] = fmt.Sprintf("%d:%s", i, body)
		} else {
			reqs.WriteString(getReq(target))
			wants[i] = fmt.Sprintf("%d:", i)
		}
	}
	accessLog := web.AccessLog(func(r *web.Request, resp *web.Response) {
		logged = append(logged, strings.Split(r.Path(), "/")[2])
	})
	pipeOn(t, app, []web.Option{accessLog}, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		sent := aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) {
			for rest := reqs.String(); rest != ""; {
				k := len(rest)
				if split {
					k = min(k, 1+rnd.Intn(300))
				}
				if err := c.Send(rest[:k]); err != nil {
					return struct{}{}, err
				}
				rest = rest[k:]
				if err := aio.Sleep(tk, time.Millisecond); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
		for i, want := range wants {
			method := "GET"
			if !strings.HasSuffix(want, ":") {
				method = "POST"
			}
			if _, err := expect(tk, c, method, 200, want); err != nil {
				sent.Cancel()
				return fmt.Errorf("request %d: %w", i, err)
			}
		}
		_, err := aio.Await(tk, sent)
		return err
	})
	if most < 2 || most > 16 {
		t.Errorf("at most %d handlers ran at once; want between 2 and 16", most)
	}
	if !slices.Equal(logged, ended) || len(logged) != n {
		t.Errorf("the access log has %d lines, in the order %v; the handlers ended in the order %v", len(logged), logged, ended)
	}
}

// No more than 16 requests of a connection run at once: the others wait
// for the first ones' responses to be out, then run, in order.
func TestPipelineInFlightBound(t *testing.T) {
	const n = 40
	var release aio.Event
	started := 0
	app := web.NewApp()
	app.Get("/w/{i}", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		started++
		if err := release.Wait(tk); err != nil {
			return nil, err
		}
		return web.Text(r.Param("i")), nil
	})
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		var reqs strings.Builder
		for i := range n {
			reqs.WriteString(getReq("/w/" + strconv.Itoa(i)))
		}
		if err := c.Send(reqs.String()); err != nil {
			return err
		}
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		if started != 16 {
			return fmt.Errorf("%d of %d pipelined handlers started while the first waited; want 16", started, n)
		}
		// More requests behind those held: they queue after them.
		if err := c.Send(getReq("/w/40") + getReq("/w/41")); err != nil {
			return err
		}
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		release.Set()
		for i := range n + 2 {
			if _, err := expect(tk, c, "GET", 200, strconv.Itoa(i)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Connection: close on a request in the middle: the answers up to it,
// then the end of the connection; the requests after it never run, even
// though it and the ones before it were still running when they came.
func TestPipelineCloseInTheMiddle(t *testing.T) {
	calls := 0
	app := web.NewApp()
	app.Get("/slow", sleepy(time.Second, "slow"))
	app.Get("/nap", sleepy(100*time.Millisecond, "nap"))
	app.Get("/n", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		calls++
		return web.Text("n" + strconv.Itoa(calls)), nil
	})
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		reqs := getReq("/slow") + getReq("/n") + "GET /nap HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + getReq("/n") + getReq("/n")
		if err := c.Send(reqs); err != nil {
			return err
		}
		for _, want := range []string{"slow", "n1", "nap"} {
			resp, err := expect(tk, c, "GET", 200, want)
			if err != nil {
				return err
			}
			if resp.Close != (want == "nap") {
				return fmt.Errorf("%q: Connection: close is %v", want, resp.Close)
			}
		}
		if err := expectClosed(tk, c, ""); err != nil {
			return err
		}
		if calls != 1 {
			return fmt.Errorf("/n ran %d times, want 1: the requests after Connection: close ran", calls)
		}
		return nil
	})
}

// HTTP/1.0 with keep-alive pipelines too; one without closes after its
// answer.
func TestPipelineHTTP10(t *testing.T) {
	app := web.NewApp()
	app.Get("/slow", sleepy(time.Second, "slow"))
	app.Get("/fast", text("fast"))
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send("GET /slow HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /fast HTTP/1.0\r\n\r\n" + getReq("/fast")); err != nil {
			return err
		}
		resp, err := expect(tk, c, "GET", 200, "slow")
		if err != nil {
			return err
		}
		if resp.Header.Get("Connection") != "keep-alive" {
			return fmt.Errorf("HTTP/1.0 keep-alive answered with %v", resp.Header)
		}
		if resp, err = expect(tk, c, "GET", 200, "fast"); err != nil {
			return err
		}
		if !resp.Close {
			return errors.New("HTTP/1.0 without keep-alive: the connection stays open")
		}
		return expectClosed(tk, c, "")
	})
}

// A handler that panics while an earlier one is suspended: the earlier
// answer, then 500, then the end of the connection; the handlers begun
// after the panicking one are cancelled.
func TestPipelinePanicBehindSuspended(t *testing.T) {
	var cancelled []string
	app := web.NewApp()
	app.Get("/slow", sleepy(time.Second, "slow"))
	app.Get("/boom", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(tk, 10*time.Millisecond); err != nil {
			return nil, err
		}
		panic("boom")
	})
	later := func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		err := aio.Sleep(tk, 100*time.Millisecond)
		if errors.Is(err, aio.ErrCancelled) {
			// Dropped: the request is still readable, but says so.
			_, rerr := r.Read(tk, make([]byte, 1))
			perr := web.NewStreamResponse(200).Prepare(tk, r)
			if errors.Is(rerr, aio.ErrTransportClosed) && errors.Is(perr, aio.ErrTransportClosed) {
				cancelled = append(cancelled, r.Path())
			}
		}
		if err != nil {
			return nil, err
		}
		return web.Text("later"), nil
	}
	app.Get("/mid", later)
	app.Get("/after", later)
	panics := 0
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(getReq("/slow") + getReq("/boom") + getReq("/mid") + getReq("/after")); err != nil {
			return err
		}
		if _, err := expect(tk, c, "GET", 200, "slow"); err != nil {
			return err
		}
		resp, err := expect(tk, c, "GET", 500, "500: Internal Server Error")
		if err != nil {
			return err
		}
		if !resp.Close {
			return errors.New("the 500 after a panic does not close the connection")
		}
		if err := expectClosed(tk, c, ""); err != nil {
			return err
		}
		if !slices.Equal(cancelled, []string{"/mid", "/after"}) || panics != 1 {
			return fmt.Errorf("cancelled %v, %d panic reports; want /mid and /after, 1", cancelled, panics)
		}
		return nil
	}, aio.WithExceptionHandler(func(l *aio.Loop, ctx aio.ExceptionContext) {
		if ctx.Err != nil && strings.Contains(ctx.Err.Error(), "boom") {
			panics++
		} else {
			t.Errorf("unexpected report: %s %v", ctx.Message, ctx.Err)
		}
	}))
}

// A client that goes away with several handlers in flight cancels every
// one of them, and every exchange goes back to the pool.
func TestPipelineDisconnectCancelsAll(t *testing.T) {
	const n = 4
	var allStarted, allCancelled aio.Event
	started, cancelled := 0, 0
	app := web.NewApp()
	app.Get("/hang", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		if started++; started == n {
			allStarted.Set()
		}
		err := aio.Sleep(tk, time.Hour)
		if errors.Is(err, aio.ErrCancelled) {
			if cancelled++; cancelled == n {
				allCancelled.Set()
			}
		}
		return nil, err
	})
	app.Get("/live", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(strconv.Itoa(web.LiveExchanges(r))), nil
	})
	pipeOn(t, app, nil, func(tk *aio.Task, srv *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(strings.Repeat(getReq("/hang"), n)); err != nil {
			return err
		}
		if err := wait(tk, &allStarted, "the handlers to start"); err != nil {
			return fmt.Errorf("%d of %d started: %w", started, n, err)
		}
		c2, err := srv.Dial(tk)
		if err != nil {
			return err
		}
		defer c2.Close()
		if err := c2.Send(getReq("/live")); err != nil {
			return err
		}
		if _, err = expect(tk, c2, "GET", 200, strconv.Itoa(n+1)); err != nil {
			return fmt.Errorf("exchanges in use with %d requests in flight, and /live's: %w", n, err)
		}
		c.Close()
		if err := wait(tk, &allCancelled, "the handlers' cancellation"); err != nil {
			return fmt.Errorf("%d of %d cancelled: %w", cancelled, n, err)
		}
		if err := aio.Sleep(tk, time.Second); err != nil { // the handlers' tasks end
			return err
		}
		if err := c2.Send(getReq("/live")); err != nil {
			return err
		}
		_, err = expect(tk, c2, "GET", 200, "1") // /live's own
		return err
	})
}

// A request with a body blocks the requests after it until its handler
// has read the body (the input is the body's until then); from then on
// they run while it goes on. 100 Continue behind a slow answer waits for
// it too.
func TestPipelineBodyBeforeNext(t *testing.T) {
	var log []string
	app := web.NewApp()
	app.Post("/lazy", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(tk, time.Second); err != nil {
			return nil, err
		}
		log = append(log, "lazy reads")
		b, err := r.Text(tk)
		if err != nil {
			return nil, err
		}
		log = append(log, "lazy read")
		if err := aio.Sleep(tk, time.Second); err != nil {
			return nil, err
		}
		log = append(log, "lazy ends")
		return web.Text(b), nil
	})
	app.Post("/upload", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		b, err := r.Text(tk)
		if err != nil {
			return nil, err
		}
		log = append(log, "upload read")
		if err := aio.Sleep(tk, 500*time.Millisecond); err != nil {
			return nil, err
		}
		log = append(log, "upload ends")
		return web.Text(b), nil
	})
	app.Get("/fast", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		log = append(log, "fast")
		return web.Text("fast"), nil
	})
	app.Get("/slow", sleepy(time.Second, "slow"))
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		post := func(path, body string) string {
			return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", path, len(body), body)
		}
		if err := c.Send(post("/lazy", "abc") + getReq("/fast") + post("/upload", "defg") + getReq("/fast")); err != nil {
			return err
		}
		for _, want := range []struct{ method, body string }{{"POST", "abc"}, {"GET", "fast"}, {"POST", "defg"}, {"GET", "fast"}} {
			if _, err := expect(tk, c, want.method, 200, want.body); err != nil {
				return err
			}
		}
		wantLog := []string{"lazy reads", "fast", "upload read", "fast", "lazy read", "upload ends", "lazy ends"}
		if !slices.Equal(log, wantLog) {
			return fmt.Errorf("the handlers ran as %q, want %q", log, wantLog)
		}

		// 100 Continue for a request behind a slow one comes after the
		// slow one's answer.
		if err := c.Send(getReq("/slow") + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"); err != nil {
			return err
		}
		if _, err := expect(tk, c, "GET", 200, "slow"); err != nil {
			return err
		}
		if _, err := expect(tk, c, "POST", 100, ""); err != nil {
			return err
		}
		if err := c.Send("body"); err != nil {
			return err
		}
		_, err := expect(tk, c, "POST", 200, "body")
		return err
	})
}

// A malformed request behind a slow one is answered after it, then the
// connection closes.
func TestPipelineParseErrorInOrder(t *testing.T) {
	app := web.NewApp()
	app.Get("/slow", sleepy(time.Second, "slow"))
	app.Get("/fast", text("fast"))
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(getReq("/slow") + getReq("/fast") + "garbage\r\n\r\n" + getReq("/fast")); err != nil {
			return err
		}
		for _, want := range []string{"slow", "fast"} {
			if _, err := expect(tk, c, "GET", 200, want); err != nil {
				return err
			}
		}
		resp, err := expect(tk, c, "GET", 400, "400: Bad Request")
		if err != nil {
			return err
		}
		if !resp.Close {
			return errors.New("the 400 does not close the connection")
		}
		return expectClosed(tk, c, "")
	})
}

// A graceful shutdown closes a connection after all its answers in
// flight, the ones already complete behind a slow one included.
func TestPipelineShutdownAfterInFlight(t *testing.T) {
	app := web.NewApp()
	app.Get("/slow", sleepy(time.Second, "slow"))
	app.Get("/fast", text("fast"))
	pipeOn(t, app, nil, func(tk *aio.Task, srv *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(getReq("/slow") + getReq("/fast") + getReq("/fast")); err != nil {
			return err
		}
		if err := aio.Sleep(tk, 100*time.Millisecond); err != nil { // all three have begun
			return err
		}
		down := aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) { return struct{}{}, srv.Server.Shutdown(tk) })
		for _, want := range []string{"slow", "fast", "fast"} {
			if _, err := expect(tk, c, "GET", 200, want); err != nil {
				return err
			}
		}
		if err := expectClosed(tk, c, ""); err != nil {
			return err
		}
		if _, err := aio.Await(tk, down); err != nil {
			return err
		}
		return nil
	})
}

// A request that comes once a graceful shutdown began does not run, even
// behind one in flight; that one's answer closes the connection.
func TestPipelineShutdownTakesNoMore(t *testing.T) {
	calls := 0
	app := web.NewApp()
	app.Get("/slow", sleepy(time.Second, "slow"))
	app.Get("/n", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		calls++
		return web.Text("n"), nil
	})
	pipeOn(t, app, nil, func(tk *aio.Task, srv *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(getReq("/slow")); err != nil {
			return err
		}
		if err := aio.Sleep(tk, 100*time.Millisecond); err != nil {
			return err
		}
		down := aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) { return struct{}{}, srv.Server.Shutdown(tk) })
		if err := aio.Sleep(tk, 10*time.Millisecond); err != nil { // the shutdown begins
			return err
		}
		if err := c.Send(getReq("/n")); err != nil {
			return err
		}
		resp, err := expect(tk, c, "GET", 200, "slow")
		if err != nil {
			return err
		}
		if !resp.Close {
			return errors.New("the last answer before the shutdown does not say Connection: close")
		}
		if err := expectClosed(tk, c, ""); err != nil {
			return err
		}
		if calls != 0 {
			return errors.New("a request that came during the shutdown ran")
		}
		_, err = aio.Await(tk, down)
		return err
	})
}

// A streamed response behind a slow one is gathered up to the high-water
// mark, then its Write waits for its turn; everything arrives in order.
func TestPipelineStreamWaitsForTurn(t *testing.T) {
	const piece, pieces = 16 << 10, 64 // 1 MiB
	written, atSlowEnd := 0, -1
	app := web.NewApp()
	app.Get("/slow", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(tk, time.Second); err != nil {
			return nil, err
		}
		atSlowEnd = written
		return web.Text("slow"), nil
	})
	app.Get("/stream", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		s := web.NewStreamResponse(200)
		if err := s.Prepare(tk, r); err != nil {
			return nil, err
		}
		for i := range pieces {
			if err := s.Write(tk, []byte(strings.Repeat(string(rune('a'+i%26)), piece))); err != nil {
				return nil, err
			}
			written += piece
		}
		return s.Finish(tk)
	})
	app.Get("/fast", text("fast"))
	var want strings.Builder
	for i := range pieces {
		want.WriteString(strings.Repeat(string(rune('a'+i%26)), piece))
	}
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(getReq("/slow") + getReq("/stream") + getReq("/fast")); err != nil {
			return err
		}
		for _, body := range []string{"slow", want.String(), "fast"} {
			if _, err := expect(tk, c, "GET", 200, body); err != nil {
				return fmt.Errorf("%.20s...: %w", body, err)
			}
		}
		if high := 64 << 10; atSlowEnd < 0 || atSlowEnd > 2*high {
			return fmt.Errorf("the stream had written %d bytes when the response before it was done; want at most %d", atSlowEnd, 2*high)
		}
		return nil
	})
}

// No request begins after one that ends the connection, even while that
// one's handler is suspended: an Upgrade, or an HTTP/1.0 stream with no
// length (its body ends with the connection).
func TestPipelineNothingAfterTheLast(t *testing.T) {
	calls := 0
	app := web.NewApp()
	app.Get("/ws", sleepy(time.Second, "no websocket here"))
	app.Get("/stream", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		s := web.NewStreamResponse(200)
		if err := s.Prepare(tk, r); err != nil {
			return nil, err
		}
		if err := aio.Sleep(tk, time.Second); err != nil {
			return nil, err
		}
		if err := s.Write(tk, []byte("streamed")); err != nil {
			return nil, err
		}
		return s.Finish(tk)
	})
	app.Get("/n", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		calls++
		return web.Text("n"), nil
	})
	for _, first := range []string{
		"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
		"GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	} {
		pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
			if err := c.Send(first + getReq("/n")); err != nil {
				return err
			}
			want := "no websocket here"
			if strings.Contains(first, "stream") {
				want = "streamed"
			}
			if _, err := expect(tk, c, "GET", 200, want); err != nil {
				return err
			}
			if err := expectClosed(tk, c, ""); err != nil {
				return err
			}
			if calls != 0 {
				return fmt.Errorf("%.20q: the request after it ran", first)
			}
			return nil
		})
	}
}

// A file sent behind a slow response waits for its turn (sendfile
// writes straight to the socket, so it cannot be gathered).
func TestPipelineFileBehindSlow(t *testing.T) {
	dir := t.TempDir()
	content := strings.Repeat("0123456789abcdef", 16<<10) // 256 KiB
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	app := web.NewApp()
	app.Get("/slow", sleepy(50*time.Millisecond, "slow"))
	app.Get("/file", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		return web.ServeFile(tk, r, filepath.Join(dir, "f.txt"))
	})
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	if _, err := io.WriteString(c, getReq("/slow")+getReq("/file")+getReq("/slow")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"slow", content, "slow"} {
		if resp, body := readResp(t, br, "GET"); resp.StatusCode != 200 || body != want {
			t.Fatalf("got %d %.20q (%d bytes), want %.20q", resp.StatusCode, body, len(body), want)
		}
	}
}

// Pipelined requests whose handlers do not suspend are served one after
// the other by the connection's one exchange, as before pipelining ran
// handlers concurrently: no exchange is taken, no response gathered.
func TestPipelineNoSuspensionOneExchange(t *testing.T) {
	app := web.NewApp()
	app.Get("/live", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text(strconv.Itoa(web.LiveExchanges(r))), nil
	})
	pipeOn(t, app, nil, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(strings.Repeat(getReq("/live"), 5)); err != nil {
			return err
		}
		for range 5 {
			if _, err := expect(tk, c, "GET", 200, "1"); err != nil {
				return err
			}
		}
		return nil
	})
}

// The body timeout applies to a request behind a slow one: its handler's
// read fails, and the 408 comes in its turn, then the end.
func TestPipelineBodyTimeoutBehindSlow(t *testing.T) {
	var readFailed aio.Event
	app := web.NewApp()
	app.Get("/slow", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Timeout(tk, time.Minute, readFailed.Wait); err != nil {
			return web.Text("the read behind /slow did not time out"), nil
		}
		return web.Text("slow"), nil
	})
	app.Post("/read", func(tk *aio.Task, r *web.Request) (*web.Response, error) {
		b, err := r.Text(tk)
		if err != nil {
			readFailed.Set()
			return nil, err
		}
		return web.Text(b), nil
	})
	pipeOn(t, app, []web.Option{web.BodyTimeout(5 * time.Second)}, func(tk *aio.Task, _ *webtest.LoopServer, c *webtest.Conn) error {
		if err := c.Send(getReq("/slow") + "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf"); err != nil {
			return err
		}
		if _, err := expect(tk, c, "GET", 200, "slow"); err != nil {
			return err
		}
		resp, err := expect(tk, c, "POST", 408, "408: Request Timeout")
		if err != nil {
			return err
		}
		if !resp.Close {
			return errors.New("the 408 does not close the connection")
		}
		return expectClosed(tk, c, "")
	})
}

// A handler that leaves its task with something that outlives it (here
// a cancel request it refused) does not hand it to the next pipelined
// request: that one runs as a fresh task, whose awaits are not
// cancelled, even though pipelined requests that find the task clean go
// on in it (aio.TaskSlot.Again).
func TestPipelinedNextTaskIsFresh(t *testing.T) {
	app := web.NewApp()
	app.Get("/refuse", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		t.Cancel() // and return without awaiting: the request stays pending
		return web.Text("refused"), nil
	})
	app.Get("/sleep", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		if err := aio.Sleep(t, 0); err != nil {
			return nil, err
		}
		return web.Text("slept"), nil
	})
	app.Get("/fast", text("fast"))
	s := webtest.NewServer(t, app)
	c, br := rawConn(t, s)
	req := func(p string) string { return "GET " + p + " HTTP/1.1\r\nHost: x\r\n\r\n" }
	io.WriteString(c, req("/fast")+req("/fast")+req("/refuse")+req("/sleep")+req("/refuse")+req("/sleep"))
	for _, want := range []string{"fast", "fast", "refused", "slept", "refused", "slept"} {
		resp, body := readResp(t, br, "GET")
		if resp.StatusCode != 200 || body != want {
			t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, body, want)
		}
	}
}
