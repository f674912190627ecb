package web_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

func TestClientKeepAlive(t *testing.T) {
	cnt := clNewConnCounter()
	srv := clServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		for range 5 {
			resp, err := c.Get(tk, srv.URL)
			if err != nil {
				return err
			}
			if _, err := resp.Bytes(tk); err != nil {
				return err
			}
		}
		// HEAD and 204 give their connection back at once.
		for range 3 {
			if _, err := c.Head(tk, srv.URL); err != nil {
				return err
			}
		}
		if opened, _ := cnt.get(); opened != 1 {
			t.Errorf("8 requests in a row opened %d connections, want 1", opened)
		}
		c.Close()
		return cnt.waitClosed(tk, 1)
	})
}

// TestClientCloseUnread: closing a response whose body has all come
// keeps the connection; one whose body is still coming closes it.
func TestClientCloseUnread(t *testing.T) {
	cnt := clNewConnCounter()
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	srv := clServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			io.WriteString(w, "first part")
			w.(http.Flusher).Flush()
			<-release
			return
		}
		io.WriteString(w, "small body")
	}))
	defer unblock()
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.Get(tk, srv.URL+"/small")
		if err != nil {
			return err
		}
		// Let the body arrive, unread.
		if err := aio.Sleep(tk, 50*time.Millisecond); err != nil {
			return err
		}
		resp.Close()
		if _, err := resp.Bytes(tk); !errors.Is(err, web.ErrClientBodyClosed) {
			t.Errorf("read after Close: %v, want ErrClientBodyClosed", err)
		}
		resp, err = c.Get(tk, srv.URL+"/small")
		if err != nil {
			return err
		}
		resp.Close()
		if opened, _ := cnt.get(); opened != 1 {
			t.Errorf("a closed response whose body had come: %d connections, want 1", opened)
		}
		resp, err = c.Get(tk, srv.URL+"/slow")
		if err != nil {
			return err
		}
		resp.Close()
		unblock() // the server notices the close once its handler returns
		return cnt.waitClosed(tk, 1)
	})
}

// clBlocker is a handler whose requests wait until released, counting how
// many run at once.
type clBlocker struct {
	mu      sync.Mutex
	active  int
	peak    int
	arrived chan string
	release chan struct{}
}

func clNewBlocker() *clBlocker {
	return &clBlocker{arrived: make(chan string, 100), release: make(chan struct{})}
}

func (b *clBlocker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.active++
	b.peak = max(b.peak, b.active)
	b.mu.Unlock()
	b.arrived <- r.URL.Path
	<-b.release
	b.mu.Lock()
	b.active--
	b.mu.Unlock()
	io.WriteString(w, r.URL.Path)
}

func (b *clBlocker) getPeak() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peak
}

// clFetchAll gets each URL in its own task and returns the bodies.
func clFetchAll(tk *aio.Task, c *web.Client, urls []string) ([]string, error) {
	var futs []*aio.Future[string]
	for _, u := range urls {
		futs = append(futs, aio.Spawn(tk, func(tk *aio.Task) (string, error) {
			resp, err := c.Get(tk, u)
			if err != nil {
				return "", err
			}
			return clRead(tk, resp)
		}))
	}
	return aio.Gather(tk, futs...)
}

// TestClientLimits: the total and per-host limits hold, observed by the
// servers, and every request is served.
func TestClientLimits(t *testing.T) {
	b1, b2 := clNewBlocker(), clNewBlocker()
	cnt1, cnt2 := clNewConnCounter(), clNewConnCounter()
	s1, s2 := clServer(t, cnt1, b1), clServer(t, cnt2, b2)
	go func() { // let requests through once the limits are full
		for range 2 {
			<-b1.arrived
		}
		for range 1 {
			<-b2.arrived
		}
		close(b1.release)
		close(b2.release)
		for range 6 + 5 - 3 {
			select {
			case <-b1.arrived:
			case <-b2.arrived:
			}
		}
	}()
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientLimit(3, 2))
		defer c.Close()
		var urls []string
		for i := range 6 {
			urls = append(urls, s1.URL+"/a"+string(rune('0'+i)))
		}
		for i := range 5 {
			urls = append(urls, s2.URL+"/b"+string(rune('0'+i)))
		}
		bodies, err := clFetchAll(tk, c, urls)
		if err != nil {
			return err
		}
		for i, body := range bodies {
			if !strings.HasSuffix(urls[i], body) {
				t.Errorf("response %d: %q for %s", i, body, urls[i])
			}
		}
		o1, _ := cnt1.get()
		o2, _ := cnt2.get()
		if b1.getPeak() > 2 || b2.getPeak() > 2 || o1 > 2 || o2 > 2 {
			t.Errorf("peaks %d and %d, connections %d and %d: limits 3 total, 2 per host", b1.getPeak(), b2.getPeak(), o1, o2)
		}
		return nil
	})
}

// TestClientLimitOrder: waiters get the connection in FIFO order, and a
// cancelled waiter leaves the queue.
func TestClientLimitOrder(t *testing.T) {
	cnt := clNewConnCounter()
	var mu sync.Mutex
	var order []string
	srv := clServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		order = append(order, r.URL.Path)
		mu.Unlock()
		io.WriteString(w, r.URL.Path)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientLimit(1, 0))
		defer c.Close()
		first, err := c.Get(tk, srv.URL+"/first")
		if err != nil {
			return err
		}
		// first holds the only connection until its body is read.
		get := func(p string) *aio.Future[string] {
			return aio.Spawn(tk, func(tk *aio.Task) (string, error) {
				resp, err := c.Get(tk, srv.URL+p)
				if err != nil {
					return "", err
				}
				return clRead(tk, resp)
			})
		}
		w1, w2, w3 := get("/w1"), get("/w2"), get("/w3")
		if err := aio.Sleep(tk, 0); err != nil { // all three queue
			return err
		}
		w2.Cancel()
		if _, err := clRead(tk, first); err != nil {
			return err
		}
		r1, err1 := aio.Await(tk, w1)
		r3, err3 := aio.Await(tk, w3)
		_, err2 := aio.Await(tk, w2)
		if r1 != "/w1" || r3 != "/w3" || err1 != nil || err3 != nil || !errors.Is(err2, aio.ErrCancelled) {
			t.Errorf("w1 %q %v, w3 %q %v, w2 %v", r1, err1, r3, err3, err2)
		}
		mu.Lock()
		got := strings.Join(order, " ")
		mu.Unlock()
		if got != "/first /w1 /w3" {
			t.Errorf("server order %q, want /first /w1 /w3", got)
		}
		if opened, _ := cnt.get(); opened != 1 {
			t.Errorf("%d connections, want 1", opened)
		}
		return nil
	})
}

// TestClientRetryStale: the server closes the pooled connection; the
// client only finds out when it sends on it, and retries a GET once on a
// new connection; a POST is not retried.
func TestClientRetryStale(t *testing.T) {
	cnt := clNewConnCounter()
	srv := clServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "served "+r.Method)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		warm := func() error {
			resp, err := c.Get(tk, srv.URL)
			if err != nil {
				return err
			}
			_, err = resp.Bytes(tk)
			return err
		}
		if err := warm(); err != nil {
			return err
		}
		// Close the server's side without letting the loop run: the
		// client's pooled connection does not know yet.
		srv.CloseClientConnections()
		resp, err := c.Get(tk, srv.URL)
		if err != nil {
			t.Fatalf("GET on a stale connection was not retried: %v", err)
		}
		if body, err := clRead(tk, resp); body != "served GET" || err != nil {
			t.Errorf("retried GET: %q, %v", body, err)
		}
		if opened, _ := cnt.get(); opened != 2 {
			t.Errorf("%d connections, want 2", opened)
		}
		srv.CloseClientConnections()
		if _, err := c.Post(tk, srv.URL, "text/plain", []byte("x")); !errors.Is(err, web.ErrClientConnClosed) {
			t.Errorf("POST on a stale connection: %v, want ErrClientConnClosed (no retry)", err)
		}
		return nil
	})
}

// TestClientIdleClosedByServer: a pooled connection the server closes
// while the loop runs is dropped from the pool at once.
func TestClientIdleClosedByServer(t *testing.T) {
	cnt := clNewConnCounter()
	srv := clServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		for range 2 {
			resp, err := c.Get(tk, srv.URL)
			if err != nil {
				return err
			}
			resp.Close()
			srv.CloseClientConnections()
			if err := aio.Sleep(tk, 50*time.Millisecond); err != nil {
				return err
			}
		}
		if opened, _ := cnt.get(); opened != 2 {
			t.Errorf("%d connections, want 2", opened)
		}
		return nil
	})
}

// TestClientIdleTimeout: an idle connection is closed after the idle
// timeout, on the virtual clock.
func TestClientIdleTimeout(t *testing.T) {
	cnt := clNewConnCounter()
	srv := clServer(t, cnt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	clVirtual(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientIdleTimeout(30*time.Second), web.ClientTimeouts(web.ClientTimeout{}))
		defer c.Close()
		resp, err := c.Get(tk, srv.URL)
		if err != nil {
			return err
		}
		resp.Close()
		start := tk.Loop().Time()
		if err := aio.Sleep(tk, 29*time.Second); err != nil {
			return err
		}
		if _, closed := cnt.get(); closed != 0 {
			t.Errorf("closed before the idle timeout")
		}
		if err := aio.Sleep(tk, 2*time.Second); err != nil {
			return err
		}
		if d := tk.Loop().Time() - start; d != 31*time.Second {
			t.Errorf("virtual time %v", d)
		}
		return cnt.waitClosed(tk, 1)
	})
}

// TestClientTotalLimit: with one host, the total limit bounds the
// connections opened.
func TestClientTotalLimit(t *testing.T) {
	cnt := clNewConnCounter()
	b := clNewBlocker()
	srv := clServer(t, cnt, b)
	go func() {
		<-b.arrived
		<-b.arrived
		time.Sleep(50 * time.Millisecond) // a third request would arrive now
		close(b.release)
	}()
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientLimit(2, 0))
		defer c.Close()
		var urls []string
		for i := range 6 {
			urls = append(urls, srv.URL+"/"+string(rune('a'+i)))
		}
		if _, err := clFetchAll(tk, c, urls); err != nil {
			return err
		}
		if opened, _ := cnt.get(); opened != 2 || b.getPeak() != 2 {
			t.Errorf("%d connections, %d requests at once; want 2 and 2", opened, b.getPeak())
		}
		return nil
	})
}

// TestClientLimitHandover: with a limit of one, a waiter gets the slot
// of a connection closed under it, and a waiter cancelled right after it
// was handed the connection passes it on.
func TestClientLimitHandover(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		ls, err := clStartLoopServer(tk, clCanned)
		if err != nil {
			return err
		}
		defer ls.close(tk)
		c := web.NewClient(web.ClientLimit(1, 0), web.ClientTimeouts(web.ClientTimeout{}))
		defer c.Close()
		get := func(p string) *aio.Future[string] {
			return aio.Spawn(tk, func(tk *aio.Task) (string, error) {
				resp, err := c.Get(tk, ls.url+p)
				if err != nil {
					return "", err
				}
				return clRead(tk, resp)
			})
		}
		// A closed connection's slot goes to the waiter.
		partial, err := c.Get(tk, ls.url+"/partial")
		if err != nil {
			return err
		}
		w := get("/after-close")
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		partial.Close()
		err = aio.Timeout(tk, time.Minute, func(tk *aio.Task) error {
			body, err := aio.Await(tk, w)
			if body != "ok" && err == nil {
				err = fmt.Errorf("body %q", body)
			}
			return err
		})
		if err != nil {
			t.Errorf("waiter after a closed connection: %v", err)
		}

		// A waiter handed the connection and cancelled in the same pass
		// passes it on.
		first, err := c.Get(tk, ls.url+"/first")
		if err != nil {
			return err
		}
		w1, w2 := get("/w1"), get("/w2")
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		if _, err := clRead(tk, first); err != nil { // hands the connection to w1
			return err
		}
		w1.Cancel()
		err = aio.Timeout(tk, time.Minute, func(tk *aio.Task) error {
			body, err := aio.Await(tk, w2)
			if body != "ok" && err == nil {
				err = fmt.Errorf("body %q", body)
			}
			return err
		})
		if _, err1 := aio.Await(tk, w1); err != nil || !errors.Is(err1, aio.ErrCancelled) {
			t.Errorf("w2 after w1's cancel: %v; w1: %v", err, err1)
		}

		// A waiter for another host, held back by the total limit: the
		// released connection is closed to make room for it at once.
		other, err := clStartLoopServer(tk, clCanned)
		if err != nil {
			return err
		}
		defer other.close(tk)
		first, err = c.Get(tk, ls.url+"/first")
		if err != nil {
			return err
		}
		wo := aio.Spawn(tk, func(tk *aio.Task) (string, error) {
			resp, err := c.Get(tk, other.url+"/o")
			if err != nil {
				return "", err
			}
			return clRead(tk, resp)
		})
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		start := tk.Loop().Time()
		if _, err := clRead(tk, first); err != nil {
			return err
		}
		body, err := aio.Await(tk, wo)
		if d := tk.Loop().Time() - start; body != "ok" || err != nil || d != 0 {
			t.Errorf("waiter for another host: %q, %v after %v; want ok at once", body, err, d)
		}
		return nil
	})
}

// TestClientIdleData: bytes on an idle connection (nothing was asked)
// close it at once.
func TestClientIdleData(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		ls, err := clStartLoopServer(tk, func(tk *aio.Task, head string, r *aio.StreamReader, w *aio.StreamWriter) {
			w.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
			if clPath(head) == "/then-junk" {
				aio.Sleep(tk, time.Second)
				w.Write([]byte("junk"))
			}
		})
		if err != nil {
			return err
		}
		defer ls.close(tk)
		c := web.NewClient()
		defer c.Close()
		resp, err := c.Get(tk, ls.url+"/then-junk")
		if err != nil {
			return err
		}
		if _, err := clRead(tk, resp); err != nil {
			return err
		}
		if err := aio.Sleep(tk, 2*time.Second); err != nil {
			return err
		}
		if ls.ended != 1 {
			t.Errorf("server saw %d connections end, want the idle one closed", ls.ended)
		}
		resp, err = c.Get(tk, ls.url+"/fine")
		if err != nil {
			return err
		}
		_, err = clRead(tk, resp)
		return err
	})
}
