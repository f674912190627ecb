package web_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// A session that gets a page (aiohttp's `async with session.get(url) as
// resp: await resp.text()`).
func ExampleClient() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<h1>hello, %s!</h1>", strings.TrimPrefix(r.URL.Path, "/hello/"))
	}))
	defer srv.Close()

	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.Get(t, srv.URL+"/hello/world")
		if err != nil {
			return err
		}
		text, err := resp.Text(t)
		if err != nil {
			return err
		}
		fmt.Println(resp.Status(), text)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: 200 OK <h1>hello, world!</h1>
}

// Sending JSON and decoding the JSON answer (aiohttp's
// session.post(url, json=...) and await resp.json()).
func ExampleClient_PostJSON() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"received": %s}`, body)
	}))
	defer srv.Close()

	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.PostJSON(t, srv.URL, map[string]int{"n": 42})
		if err != nil {
			return err
		}
		var reply struct {
			Received struct{ N int }
		}
		if err := resp.JSON(t, &reply); err != nil {
			return err
		}
		fmt.Println(reply.Received.N)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: 42
}

// Many requests at once on one loop, at most two connections open
// (aiohttp's TCPConnector(limit=2)).
func ExampleClientLimit() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}))
	defer srv.Close()

	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient(web.ClientLimit(2, 0))
		defer c.Close()
		var pages []*aio.Future[string]
		for _, p := range []string{"/a", "/b", "/c", "/d"} {
			pages = append(pages, aio.Spawn(t, func(t *aio.Task) (string, error) {
				resp, err := c.Get(t, srv.URL+p)
				if err != nil {
					return "", err
				}
				return resp.Text(t)
			}))
		}
		bodies, err := aio.Gather(t, pages...)
		fmt.Println(bodies, err)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: [/a /b /c /d] <nil>
}

// Reading a streamed body line by line as it comes (aiohttp's `async for
// line in resp.content`).
func ExampleClientResponse_Lines() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			fmt.Fprintf(w, "event %d\n", i)
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()

	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.Get(t, srv.URL)
		if err != nil {
			return err
		}
		for line, err := range resp.Lines(t) {
			if err != nil {
				return err
			}
			fmt.Print(string(line))
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// event 0
	// event 1
	// event 2
}

// Timeouts (aiohttp's ClientTimeout): the server takes too long to
// answer, and the request gives up, closing its connection.
func ExampleClientTimeout() {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)

	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient(web.ClientTimeouts(web.ClientTimeout{Total: 50 * time.Millisecond}))
		defer c.Close()
		_, err := c.Get(t, srv.URL)
		fmt.Println("timed out:", errors.Is(err, web.ErrClientTimeout))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: timed out: true
}

// The allocation-free way: a request and a response reused, the body
// read into the caller's buffer.
func ExampleClient_DoInto() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "pong")
	}))
	defer srv.Close()

	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		req, err := web.NewClientRequest("GET", srv.URL+"/ping")
		if err != nil {
			return err
		}
		var resp web.ClientResponse
		buf := make([]byte, 64)
		for range 3 {
			if err := c.DoInto(t, req, &resp); err != nil {
				return err
			}
			n := 0
			for {
				k, err := resp.Read(t, buf[n:])
				n += k
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
			}
			fmt.Println(resp.StatusCode, string(buf[:n]), string(resp.HeaderValue("Content-Length")))
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 200 pong 4
	// 200 pong 4
	// 200 pong 4
}
