package streamhttp

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

func TestGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RequestURI() != "/page?x=1" || r.UserAgent() != "tester" {
			http.Error(w, "wrong request "+r.URL.RequestURI()+" "+r.UserAgent(), http.StatusBadRequest)
			return
		}
		w.Header().Set("X-Seen", "yes")
		io.WriteString(w, "<title>t</title>")
	}))
	defer srv.Close()
	aiotest.Run(t, func(tk *aio.Task) error {
		resp, err := Get(tk, srv.URL+"/page?x=1", "tester")
		if err != nil {
			return err
		}
		if resp.Status != 200 || string(resp.Body) != "<title>t</title>" || resp.Header["x-seen"] != "yes" {
			t.Errorf("Get = %d %q %v", resp.Status, resp.Body, resp.Header)
		}
		if _, err := Get(tk, "https://127.0.0.1/", ""); !errors.Is(err, ErrUnsupported) {
			t.Errorf("https: %v, want ErrUnsupported", err)
		}
		return nil
	})
}

// TestGetUntilClose reads a body without Content-Length to the end of
// the stream, from a server that answers by hand.
func TestGetUntilClose(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		for { // the request's head
			line, err := br.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
		}
		io.WriteString(c, "HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\nno such page")
	}()
	aiotest.Run(t, func(tk *aio.Task) error {
		resp, err := Get(tk, "http://"+ln.Addr().String()+"/missing", "")
		if err != nil {
			return err
		}
		if resp.Status != 404 || string(resp.Body) != "no such page" {
			t.Errorf("Get = %d %q", resp.Status, resp.Body)
		}
		return nil
	})
}

// FuzzReadHead: any answer gives a head or an error, never a panic, and
// a head has a three-digit status.
func FuzzReadHead(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"))
	f.Add([]byte("HTTP/1.0 404\r\n\r\n"))
	f.Add([]byte("HTTP/2 200 OK\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 20 OK\r\nbad header\r\n\r\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, in []byte) {
		l, err := aio.NewLoop()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		r := aio.NewStreamReader(0)
		r.FeedData(in)
		r.FeedEOF()
		resp, err := aio.RunUntilComplete(l, aio.CreateTask(l, func(tk *aio.Task) (*Response, error) {
			return readHead(tk, r)
		}))
		if err == nil && (resp.Status < 100 || resp.Status > 999) {
			t.Errorf("status %d from %q", resp.Status, in)
		}
	})
}
