package web_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// FuzzClientResponse feeds arbitrary bytes to the client as a server's
// answer, over a real loopback socket from a peer on the same loop (so
// the virtual clock covers both sides), and requires an error or a
// response, never a panic or a hang: with keepOpen the server never
// closes, and the client's read timeout must end the request. A
// response the parser accepts must have a sane status.
func FuzzClientResponse(f *testing.F) {
	seeds := []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\nuntil close",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 301 Moved\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
		"HTTP/1.1 200 OK\nContent-Length: 0\n\n",
		"HTTP/1.1 99 Low\r\n\r\n",
		"",
		"garbage",
	}
	for _, s := range seeds {
		f.Add([]byte(s), false, false)
		f.Add([]byte(s), true, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, head, keepOpen bool) {
		clVirtual(t, func(tk *aio.Task) error {
			ls, err := clStartLoopServer(tk, func(tk *aio.Task, _ string, r *aio.StreamReader, w *aio.StreamWriter) {
				w.Write(data)
				if keepOpen {
					clStall(tk, r)
				}
				w.Close()
			})
			if err != nil {
				return err
			}
			defer ls.close(tk)
			c := web.NewClient(web.ClientMaxRedirects(0), web.ClientTimeouts(web.ClientTimeout{SockRead: time.Second}))
			defer c.Close()
			method := "GET"
			if head {
				method = "HEAD"
			}
			req, _ := web.NewClientRequest(method, ls.url+"/")
			resp, err := c.Do(tk, req)
			if err != nil {
				var ce *web.ClientError
				if !errors.As(err, &ce) {
					t.Errorf("error %v is not a *ClientError", err)
				}
				return nil
			}
			if resp.StatusCode < 100 || resp.StatusCode > 999 || resp.StatusCode/100 == 1 && resp.StatusCode != 101 {
				t.Errorf("status %d accepted", resp.StatusCode)
			}
			body, err := resp.Bytes(tk)
			if head && len(body) > 0 {
				t.Errorf("HEAD response with a %d-byte body", len(body))
			}
			if err == nil && !head && resp.ContentLength >= 0 && !resp.Uncompressed && int64(len(body)) != resp.ContentLength {
				t.Errorf("body of %d bytes, Content-Length %d", len(body), resp.ContentLength)
			}
			return nil
		})
	})
}
