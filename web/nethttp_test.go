package web_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio/web"
)

func TestWrapHandler(t *testing.T) {
	ctxDone := make(chan error, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("X-Method", r.Method)
		w.Header().Set("X-Query", r.URL.Query().Get("q"))
		w.Header().Set("X-Agent", r.Header.Get("User-Agent"))
		w.WriteHeader(201)
		fmt.Fprintf(w, "%s %d %s", r.Host, r.ContentLength, b)
	})
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) {
		for i := range 1000 {
			fmt.Fprintf(w, "line %04d %s\n", i, strings.Repeat("x", 90))
		}
	})
	mux.HandleFunc("GET /flush", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html>first")
		w.(http.Flusher).Flush()
		io.WriteString(w, " second")
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	mux.HandleFunc("GET /wait", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			ctxDone <- r.Context().Err()
		case <-time.After(15 * time.Second):
			ctxDone <- nil // bounded: the test fails below instead of hanging
		}
	})
	app := web.NewApp()
	app.Any("/{path:.*}", web.WrapHandler(mux))
	addr := serveFor(t, app)
	base := "http://" + addr
	c := &http.Client{}
	defer c.CloseIdleConnections()

	req, _ := http.NewRequest("POST", base+"/echo?q=v", strings.NewReader("hello body"))
	req.Header.Set("User-Agent", "tester")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || string(b) != addr+" 10 hello body" || resp.Header.Get("X-Query") != "v" ||
		resp.Header.Get("X-Agent") != "tester" || resp.Header.Get("X-Method") != "POST" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("echo: %d %q %v", resp.StatusCode, b, resp.Header)
	}

	resp, err = c.Get(base + "/big")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(b) != 1000*101 || !strings.HasPrefix(string(b), "line 0000 ") || resp.TransferEncoding == nil {
		t.Errorf("big: %d bytes, transfer encoding %v", len(b), resp.TransferEncoding)
	}

	resp, body := rawGet(t, addr, "/flush")
	if body != "<html>first second" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("flush: %q %v", body, resp.Header)
	}
	if resp, _ := rawGet(t, addr, "/panic"); resp.StatusCode != 500 {
		t.Errorf("panic: %d, want 500", resp.StatusCode)
	}
	if resp, _ := rawGet(t, addr, "/nothing"); resp.StatusCode != 404 {
		t.Errorf("mux 404: %d", resp.StatusCode)
	}

	// A client that goes away cancels the handler's context.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
	time.Sleep(50 * time.Millisecond) // let the request reach the handler (not a pass/fail condition)
	conn.Close()
	select {
	case err := <-ctxDone:
		if err == nil {
			t.Error("the handler's context was not cancelled when the client left")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the handler never ended")
	}
	// The server still serves.
	if resp, _ := rawGet(t, addr, "/flush"); resp.StatusCode != 200 {
		t.Errorf("after disconnect: %d", resp.StatusCode)
	}
}
