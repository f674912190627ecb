package main

import (
	"io"
	"net"
	"testing"
)

// FuzzBenchResponses answers every request of a run with the same bytes,
// then closes: whatever they are, the run ends, nothing panics, and each
// of the -n requests is answered or failed once.
func FuzzBenchResponses(f *testing.F) {
	for _, seed := range []string{
		okResponse,
		okResponse + okResponse,
		"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\n" + okResponse,
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokk",
		"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nrest",
		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 999 X\r\nContent-Length: 0\r\n\r\n",
		"",
		"\x00\xff garbage",
	} {
		f.Add([]byte(seed))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	defer ln.Close()
	answer := make(chan []byte, 1)
	go func() {
		var data []byte
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case data = <-answer: // a new input: the old one's reconnections are over
			default:
			}
			data := data
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				if _, err := c.Read(buf); err == nil {
					c.Write(data)
				}
				c.(*net.TCPConn).CloseWrite()
				io.Copy(io.Discard, c)
			}()
		}
	}()
	url := "http://" + ln.Addr().String() + "/"
	f.Fuzz(func(t *testing.T, data []byte) {
		answer <- data
		r := benchRun(t, "-n", "3", "-c", "1", "-timeout", "5s", url)
		// A response nobody asked for is one more parse error, on top of
		// the requests' fates.
		e := r.Errors
		if ended := r.Requests + e["connect"] + e["read"] + e["write"] + e["timeout"]; ended > 3 || ended+e["parse"] < 3 {
			t.Errorf("%d responses and errors %v for 3 requests", r.Requests, r.Errors)
		}
	})
}
