package web_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// clRawServer serves each connection with fn on its own goroutine: a peer
// that writes exactly the bytes a test gives.
func clRawServer(tb testing.TB, fn func(c net.Conn)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				fn(c)
			}()
		}
	}()
	tb.Cleanup(func() { ln.Close(); <-done })
	return "http://" + ln.Addr().String()
}

// clReadHead reads a request head from c (up to the empty line).
func clReadHead(c net.Conn) (string, error) {
	var head []byte
	b := make([]byte, 1)
	for !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		if _, err := c.Read(b); err != nil {
			return string(head), err
		}
		head = append(head, b[0])
	}
	return string(head), nil
}

func TestClientResponseFraming(t *testing.T) {
	big := strings.Repeat("abcdefghij", 40000)
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		io.WriteString(w, s)
		w.Close()
		return b.Bytes()
	}
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			w.Header().Set("Trailer", "X-Sum")
			w.(http.Flusher).Flush()
			io.WriteString(w, "part one,")
			w.(http.Flusher).Flush()
			io.WriteString(w, "part two")
			w.Header().Set("X-Sum", "42")
		case "/big":
			io.WriteString(w, big)
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz(big))
		case "/zlib":
			w.Header().Set("Content-Encoding", "deflate")
			zw := zlib.NewWriter(w)
			io.WriteString(zw, "zlib body")
			zw.Close()
		case "/rawdeflate":
			w.Header().Set("Content-Encoding", "deflate")
			fw, _ := flate.NewWriter(w, 5)
			io.WriteString(fw, "raw deflate body")
			fw.Close()
		case "/badgzip":
			w.Header().Set("Content-Encoding", "gzip")
			io.WriteString(w, "this is not gzip at all")
		case "/head":
			w.Header().Set("Content-Length", "1234")
		case "/204":
			w.WriteHeader(204)
		case "/304":
			w.WriteHeader(304)
		case "/lines":
			io.WriteString(w, "one\ntwo\n\nthree")
		case "/json":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			io.WriteString(w, `{"a":[1,2],"b":"x"}`)
		case "/notjson":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, `{"a":1}`)
		case "/latin1":
			w.Header().Set("Content-Type", "text/plain; charset=ISO-8859-1")
			w.Write([]byte{'c', 'a', 'f', 0xe9})
		case "/cp1252":
			w.Header().Set("Content-Type", "text/plain; charset=windows-1252")
			w.Write([]byte{0x80, ' ', 0x93, 'q', 0x94})
		case "/koi8":
			w.Header().Set("Content-Type", "text/plain; charset=koi8-r")
			io.WriteString(w, "x")
		}
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		get := func(path string) *web.ClientResponse {
			resp, err := c.Get(tk, srv.URL+path)
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			return resp
		}

		resp := get("/chunked")
		if resp.ContentLength != -1 {
			t.Errorf("chunked: ContentLength %d", resp.ContentLength)
		}
		if len(resp.Trailer()) != 0 {
			t.Errorf("trailers before the body's end: %v", resp.Trailer())
		}
		if body, err := clRead(tk, resp); body != "part one,part two" || err != nil {
			t.Errorf("chunked: %q, %v", body, err)
		}
		if v := resp.Trailer().Get("X-Sum"); v != "42" {
			t.Errorf("trailer X-Sum = %q (%v)", v, resp.Trailer())
		}

		// Read into a small caller buffer, piece by piece.
		resp = get("/big")
		var got bytes.Buffer
		buf := make([]byte, 777)
		for {
			n, err := resp.Read(tk, buf)
			got.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		if got.String() != big {
			t.Errorf("Read: %d bytes, want %d", got.Len(), len(big))
		}
		if n, err := resp.Read(tk, buf); n != 0 || err != io.EOF {
			t.Errorf("Read after EOF = %d, %v", n, err)
		}

		resp = get("/gzip")
		if body, err := clRead(tk, resp); body != big || err != nil || !resp.Uncompressed || resp.ContentLength != -1 {
			t.Errorf("gzip: %d bytes, %v, uncompressed %v, length %d", len(body), err, resp.Uncompressed, resp.ContentLength)
		}
		for _, p := range []string{"/zlib", "/rawdeflate"} {
			resp = get(p)
			if body, err := clRead(tk, resp); !strings.HasSuffix(body, "deflate body") && body != "zlib body" || err != nil {
				t.Errorf("%s: %q, %v", p, body, err)
			}
		}
		resp = get("/badgzip")
		if _, err := clRead(tk, resp); !errors.Is(err, web.ErrClientBadResponse) {
			t.Errorf("bad gzip: %v, want ErrClientBadResponse", err)
		}

		hresp, err := c.Head(tk, srv.URL+"/head")
		if err != nil {
			return err
		}
		if body, err := clRead(tk, hresp); body != "" || err != nil || string(hresp.HeaderValue("Content-Length")) != "1234" || hresp.ContentLength != 1234 {
			t.Errorf("HEAD: %q, %v, Content-Length %q", body, err, hresp.HeaderValue("Content-Length"))
		}
		for _, p := range []string{"/204", "/304"} {
			resp = get(p)
			if body, err := clRead(tk, resp); body != "" || err != nil || resp.ContentLength != 0 {
				t.Errorf("%s: %q, %v", p, body, err)
			}
		}

		resp = get("/lines")
		var lines []string
		for line, err := range resp.Lines(tk) {
			if err != nil {
				return err
			}
			lines = append(lines, string(line))
		}
		if fmt.Sprintf("%q", lines) != `["one\n" "two\n" "\n" "three"]` {
			t.Errorf("Lines = %q", lines)
		}

		resp = get("/big")
		got.Reset()
		pieces := 0
		for chunk, err := range resp.Chunks(tk) {
			if err != nil {
				return err
			}
			pieces++
			got.Write(chunk)
		}
		if got.String() != big || pieces == 0 {
			t.Errorf("Chunks: %d bytes in %d pieces", got.Len(), pieces)
		}

		resp = get("/json")
		var v struct {
			A []int
			B string
		}
		if err := resp.JSON(tk, &v); err != nil || len(v.A) != 2 || v.B != "x" {
			t.Errorf("JSON: %+v, %v", v, err)
		}
		resp = get("/notjson")
		if err := resp.JSON(tk, &v); !errors.Is(err, web.ErrClientContentType) {
			t.Errorf("JSON of text/html: %v, want ErrClientContentType", err)
		}
		if body, err := clRead(tk, resp); body != `{"a":1}` || err != nil {
			t.Errorf("body after a refused JSON: %q, %v", body, err)
		}

		resp = get("/latin1")
		if s, err := resp.Text(tk); s != "café" || err != nil {
			t.Errorf("latin1: %q, %v", s, err)
		}
		resp = get("/cp1252")
		if s, err := resp.Text(tk); s != "€ “q”" || err != nil {
			t.Errorf("cp1252: %q, %v", s, err)
		}
		resp = get("/koi8")
		if _, err := resp.Text(tk); !errors.Is(err, web.ErrClientCharset) {
			t.Errorf("koi8-r: %v, want ErrClientCharset", err)
		}
		if b, err := resp.Bytes(tk); string(b) != "x" || err != nil {
			t.Errorf("Bytes after an unknown charset: %q, %v", b, err)
		}

		resp = get("/big")
		all, err := io.ReadAll(resp.Reader(tk))
		if string(all) != big || err != nil {
			t.Errorf("Reader: %d bytes, %v", len(all), err)
		}
		return nil
	})
}

// TestClientCloseDelimited reads bodies that end with the connection,
// and refuses the ones cut short.
func TestClientCloseDelimited(t *testing.T) {
	replies := map[string]string{
		"/until-close": "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this until the close",
		"/http10":      "HTTP/1.0 200 OK\r\n\r\nold style",
		"/early":       "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
		"/short":       "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
		"/shortchunk":  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc",
		"/nothing":     "",
		"/malformed":   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
		"/badstatus":   "HTTP/1.1 2000 OK\r\n\r\n",
		"/http2":       "HTTP/2.0 200 OK\r\n\r\n",
		"/bareLF":      "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
		"/hugehead":    "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("h", 40<<10) + "\r\n\r\n",
	}
	base := clRawServer(t, func(c net.Conn) {
		head, err := clReadHead(c)
		if err != nil {
			return
		}
		path := strings.Fields(head)[1]
		io.WriteString(c, replies[path])
	})
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		for _, p := range []string{"/until-close", "/http10"} {
			resp, err := c.Get(tk, base+p)
			if err != nil {
				return err
			}
			want := replies[p][strings.Index(replies[p], "\r\n\r\n")+4:]
			if body, err := clRead(tk, resp); body != want || err != nil || resp.ContentLength != -1 {
				t.Errorf("%s: %q, %v, length %d", p, body, err, resp.ContentLength)
			}
		}
		resp, err := c.Get(tk, base+"/early")
		if err != nil {
			return err
		}
		if body, err := clRead(tk, resp); resp.StatusCode != 200 || body != "ok" || err != nil || resp.HeaderValue("Link") != nil {
			t.Errorf("after 103: %d %q, %v, Link %q", resp.StatusCode, body, err, resp.HeaderValue("Link"))
		}
		for _, p := range []string{"/short", "/shortchunk"} {
			resp, err := c.Get(tk, base+p)
			if err != nil {
				return err
			}
			if _, err := clRead(tk, resp); !errors.Is(err, web.ErrClientConnClosed) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s: %v, want ErrClientConnClosed and io.ErrUnexpectedEOF", p, err)
			}
		}
		if _, err := c.Get(tk, base+"/nothing"); !errors.Is(err, web.ErrClientConnClosed) {
			t.Errorf("/nothing: %v, want ErrClientConnClosed", err)
		}
		for _, p := range []string{"/malformed", "/badstatus", "/http2", "/bareLF", "/hugehead"} {
			if _, err := c.Get(tk, base+p); !errors.Is(err, web.ErrClientBadResponse) {
				t.Errorf("%s: %v, want ErrClientBadResponse", p, err)
			}
		}
		return nil
	})
}

// TestClientLimitsOnBodies: Bytes refuses a body past ClientMaxBodySize
// (after decoding), Lines a line past the stream limit, and the parser a
// head past ClientMaxHeaderBytes.
func TestClientLimitsOnBodies(t *testing.T) {
	var gzBomb bytes.Buffer
	zw := gzip.NewWriter(&gzBomb)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/exact":
			io.WriteString(w, strings.Repeat("x", 1000))
		case "/over":
			io.WriteString(w, strings.Repeat("x", 1001))
		case "/bomb":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzBomb.Bytes())
		case "/longline":
			io.WriteString(w, "short\n"+strings.Repeat("y", aio.DefaultStreamLimit+10)+"\n")
		case "/bighead":
			w.Header().Set("X-Big", strings.Repeat("h", 2000))
		}
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient(web.ClientMaxBodySize(1000), web.ClientMaxHeaderBytes(1024))
		defer c.Close()
		for p, wantErr := range map[string]bool{"/exact": false, "/over": true, "/bomb": true} {
			resp, err := c.Get(tk, srv.URL+p)
			if err != nil {
				return err
			}
			if _, err := resp.Bytes(tk); errors.Is(err, web.ErrClientBodyTooLarge) != wantErr {
				t.Errorf("%s: %v, want ErrClientBodyTooLarge %v", p, err, wantErr)
			}
		}
		resp, err := c.Get(tk, srv.URL+"/longline")
		if err != nil {
			return err
		}
		var lines []string
		var lerr error
		for line, err := range resp.Lines(tk) {
			if err != nil {
				lerr = err
				break
			}
			lines = append(lines, string(line))
		}
		if len(lines) != 1 || lines[0] != "short\n" || !errors.Is(lerr, aio.ErrLimitOverrun) {
			t.Errorf("long line: %d lines (the first %.20q), %v", len(lines), lines, lerr)
		}
		resp.Close()
		if _, err := c.Get(tk, srv.URL+"/bighead"); !errors.Is(err, web.ErrClientBadResponse) {
			t.Errorf("big head: %v, want ErrClientBadResponse", err)
		}
		return nil
	})
}

// TestClientChunksAcrossAwaits: a chunk stays intact while the loop body
// awaits, though the connection reads on meanwhile.
func TestClientChunksAcrossAwaits(t *testing.T) {
	body := make([]byte, 1<<20)
	for i := range body {
		body[i] = byte(i * 7 / 3)
	}
	srv := clServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(body)
	}))
	clRun(t, func(tk *aio.Task) error {
		c := web.NewClient()
		defer c.Close()
		resp, err := c.Get(tk, srv.URL)
		if err != nil {
			return err
		}
		var got []byte
		for chunk, err := range resp.Chunks(tk) {
			if err != nil {
				return err
			}
			before := bytes.Clone(chunk)
			if err := aio.Sleep(tk, time.Millisecond); err != nil { // the socket is read meanwhile
				return err
			}
			if !bytes.Equal(chunk, before) {
				return errors.New("chunk changed while the loop body awaited")
			}
			got = append(got, chunk...)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("Chunks gave %d bytes, not the body's %d", len(got), len(body))
		}
		return nil
	})
}
