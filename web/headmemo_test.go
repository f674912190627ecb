package web

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// Responses that start alike share the memo's lines; any difference in
// status, reason, a field, the connection's flags or the Date gives a
// head of its own. Pipelined, so that the responses are written one
// after the other into one loop's Writer.
func TestHeadMemo(t *testing.T) {
	app := NewApp()
	app.Get("/a", func(t *aio.Task, r *Request) (*Response, error) { return Text("a"), nil })
	app.Get("/html", func(t *aio.Task, r *Request) (*Response, error) { return HTML("b"), nil })
	app.Get("/created", func(t *aio.Task, r *Request) (*Response, error) {
		resp := Text("c")
		resp.Status = 201
		return resp, nil
	})
	app.Get("/reason", func(t *aio.Task, r *Request) (*Response, error) {
		resp := Text("d")
		resp.Reason = "Fine"
		return resp, nil
	})
	n := 0
	app.Get("/count", func(t *aio.Task, r *Request) (*Response, error) {
		n++
		resp := Text("e")
		resp.Header.Set("X-N", strconv.Itoa(n)) // equal length, new memory each time
		return resp, nil
	})
	app.Get("/bad", func(t *aio.Task, r *Request) (*Response, error) {
		resp := Text("f")
		resp.Header.Set("X-Bad", "a\nb") // the Writer refuses it: 500
		return resp, nil
	})
	app.Get("/ab", func(t *aio.Task, r *Request) (*Response, error) { return Text("ab"), nil })
	app.Get("/stream", func(t *aio.Task, r *Request) (*Response, error) {
		s := NewStreamResponse(200)
		s.Header.Set("Content-Type", "text/plain; charset=utf-8")
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		if err := s.Write(t, []byte("st")); err != nil {
			return nil, err
		}
		return s.Finish(t)
	})
	if err := app.freeze(); err != nil {
		t.Fatal(err)
	}
	get := func(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n" }
	type want struct {
		status            int
		reason, ctype, xn string
		body, connection  string
		close             bool // the response ends the connection
	}
	text, html := "text/plain; charset=utf-8", "text/html; charset=utf-8"
	batches := []struct {
		in   string
		want []want
	}{
		{get("/a") + get("/a") + get("/html") + get("/a") + get("/created") + get("/a") + get("/reason") + get("/count") + get("/count") + get("/a") + get("/bad") + get("/bad") + get("/a"), []want{
			{200, "OK", text, "", "a", "", false}, {200, "OK", text, "", "a", "", false}, {200, "OK", html, "", "b", "", false},
			{200, "OK", text, "", "a", "", false}, {201, "Created", text, "", "c", "", false}, {200, "OK", text, "", "a", "", false},
			{200, "Fine", text, "", "d", "", false}, {200, "OK", text, "1", "e", "", false}, {200, "OK", text, "2", "e", "", false},
			{200, "OK", text, "", "a", "", false}, {500, "Internal Server Error", "", "", "", "", false}, {500, "Internal Server Error", "", "", "", "", false},
			{200, "OK", text, "", "a", "", false},
		}},
		// The same start with other framings: a whole head is kept for
		// one framing at a time.
		{get("/a") + get("/a") + get("/a") + get("/ab") + get("/ab") + get("/ab") + get("/a") + get("/stream") + get("/stream") + get("/stream") + get("/a") + get("/a"), []want{
			{200, "OK", text, "", "a", "", false}, {200, "OK", text, "", "a", "", false}, {200, "OK", text, "", "a", "", false},
			{200, "OK", text, "", "ab", "", false}, {200, "OK", text, "", "ab", "", false}, {200, "OK", text, "", "ab", "", false},
			{200, "OK", text, "", "a", "", false}, {200, "OK", text, "", "st", "", false}, {200, "OK", text, "", "st", "", false},
			{200, "OK", text, "", "st", "", false}, {200, "OK", text, "", "a", "", false}, {200, "OK", text, "", "a", "", false},
		}},
		{get("/a") + "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get("/a") + "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", []want{
			{200, "OK", text, "", "a", "", false}, {200, "OK", text, "", "a", "keep-alive", false}, {200, "OK", text, "", "a", "", false}, {200, "OK", text, "", "a", "", true},
		}},
	}
	err := aio.Run(func(tk *aio.Task) error {
		ls := newLoopState(tk.Loop(), newConfig(app, nil))
		c := ls.newConn()
		tr := &sinkTransport{loop: tk.Loop(), proto: c, record: true}
		c.ConnectionMade(tr)
		for i, b := range batches {
			now := time.Unix(int64(1e9+i), 0)
			ls.updateDate(now)
			tr.data = tr.data[:0]
			c.DataReceived([]byte(b.in))
			for ls.exchanges != 0 {
				aio.Sleep(tk, 0)
			}
			br := bufio.NewReader(bytes.NewReader(tr.data))
			for j, w := range b.want {
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("batch %d, response %d: %v", i, j, err)
				}
				body, _ := io.ReadAll(resp.Body)
				got := want{resp.StatusCode, strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)+" "),
					resp.Header.Get("Content-Type"), resp.Header.Get("X-N"), string(body), resp.Header.Get("Connection"), resp.Close}
				if got != w {
					t.Errorf("batch %d, response %d: %+v, want %+v", i, j, got, w)
				}
				if d := resp.Header.Get("Date"); d != now.UTC().Format(http1.TimeFormat) {
					t.Errorf("batch %d, response %d: Date %q, want %v", i, j, d, now)
				}
			}
			if rest, _ := io.ReadAll(br); len(rest) > 0 {
				t.Errorf("batch %d: %q after the responses", i, rest)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
