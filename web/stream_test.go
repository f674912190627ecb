package web_test

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
	"github.com/aio-go/aio/web/webtest"
)

func streamApp() *web.App {
	app := web.NewApp()
	app.Get("/count/{n}", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		n, _ := strconv.Atoi(r.Param("n"))
		s := web.NewStreamResponse(200)
		s.Header.Set("Content-Type", "text/plain")
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		if err := s.Prepare(t, r); !errors.Is(err, web.ErrResponseSent) {
			return nil, errors.New("a second Prepare was accepted")
		}
		for i := range n {
			if err := s.Write(t, []byte(strconv.Itoa(i)+"\n")); err != nil {
				return nil, err
			}
			if i%100 == 0 {
				if err := s.Flush(); err != nil {
					return nil, err
				}
				if err := aio.Sleep(t, 0); err != nil {
					return nil, err
				}
			}
		}
		return s.Finish(t)
	})
	app.Get("/big", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		s := web.NewStreamResponse(200)
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		block := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
		for range 128 {
			if err := s.Write(t, block); err != nil { // waits while the client is slow
				return nil, err
			}
		}
		return nil, nil // the server ends the body
	})
	app.Get("/sized", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		s := web.NewStreamResponse(200)
		s.ContentLength = 10
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		s.Write(t, []byte("01234"))
		s.Write(t, []byte("56789"))
		if err := s.Write(t, []byte("x")); err == nil {
			return nil, errors.New("a write past ContentLength was accepted")
		}
		return s.Finish(t)
	})
	app.Get("/fail", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		s := web.NewStreamResponse(200)
		if err := s.Prepare(t, r); err != nil {
			return nil, err
		}
		s.Write(t, []byte("partial"))
		s.Flush()
		return nil, errors.New("failed midway")
	})
	return app
}

func TestStreamResponse(t *testing.T) {
	s := webtest.NewServer(t, streamApp(), web.LoopOptions(aio.WithExceptionHandler(func(*aio.Loop, aio.ExceptionContext) {})))
	var want strings.Builder
	for i := range 1000 {
		want.WriteString(strconv.Itoa(i) + "\n")
	}
	c, br := rawConn(t, s)
	io.WriteString(c, "GET /count/1000 HTTP/1.1\r\nHost: x\r\n\r\nGET /sized HTTP/1.1\r\nHost: x\r\n\r\n"+
		"HEAD /count/5 HTTP/1.1\r\nHost: x\r\n\r\nGET /sized HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, body := readResp(t, br, "GET")
	if body != want.String() || resp.TransferEncoding[0] != "chunked" || resp.Close {
		t.Fatalf("chunked stream: %d bytes, %v, close=%v", len(body), resp.TransferEncoding, resp.Close)
	}
	if resp, body := readResp(t, br, "GET"); body != "0123456789" || resp.ContentLength != 10 {
		t.Fatalf("sized stream: %q %d", body, resp.ContentLength)
	}
	if _, body := readResp(t, br, "HEAD"); body != "" {
		t.Fatalf("HEAD stream: %q", body)
	}
	if _, body := readResp(t, br, "GET"); body != "0123456789" {
		t.Fatalf("after a HEAD stream: %q", body)
	}

	// HTTP/1.0: no chunks; the body ends with the connection.
	c, br = rawConn(t, s)
	io.WriteString(c, "GET /count/3 HTTP/1.0\r\n\r\n")
	if resp, body := readResp(t, br, "GET"); body != "0\n1\n2\n" || !resp.Close || len(resp.TransferEncoding) != 0 {
		t.Fatalf("HTTP/1.0 stream: %q close=%v %v", body, resp.Close, resp.TransferEncoding)
	}

	// 8 MiB through a client that reads as it goes.
	if status, _, body := s.Get(t, "/big"); status != 200 || len(body) != 8<<20 {
		t.Fatalf("big stream: %d, %d bytes", status, len(body))
	}

	// A handler that fails after the head: the body is cut (no last
	// chunk), the connection closed.
	c, br = rawConn(t, s)
	io.WriteString(c, "GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
	raw, err := io.ReadAll(br)
	if err != nil || !bytes.Contains(raw, []byte("\r\n\r\n7\r\npartial\r\n")) || bytes.HasSuffix(raw, []byte("0\r\n\r\n")) {
		t.Fatalf("failed stream: %q, %v", raw, err)
	}
}
