package web_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aio-go/aio/web"
)

// "OPTIONS *" is answered for the server as a whole.
func TestOptionsAsterisk(t *testing.T) {
	addr := serveFor(t, web.NewApp())
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 204 {
		t.Errorf("OPTIONS *: %d, want 204", resp.StatusCode)
	}
}
