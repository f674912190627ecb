// Command netserver is the Go net echo server of bench/echo: one
// goroutine per connection, reading into its own buffer and writing the
// bytes back.
//
//	netserver [-addr 127.0.0.1:0] [-buf 65536] [-tls]
//
// With -tls it serves crypto/tls over the listener (bench/tls), with a
// self-signed certificate made at start (bench/tls/benchcert).
// It prints "LISTEN host:port" once it serves, and runs until killed.
// (io.Copy would use splice(2), which holds a pipe, two fds, per idle
// connection: 10,000 idle connections would not fit the fd limit.)
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/aio-go/aio/bench/tls/benchcert"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	bufSize := flag.Int("buf", 64<<10, "read buffer per connection")
	withTLS := flag.Bool("tls", false, "serve TLS (crypto/tls)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("LISTEN %v\n", ln.Addr())
	if *withTLS {
		cfg, err := benchcert.Server()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		ln = tls.NewListener(ln, cfg)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		go func() {
			defer c.Close()
			buf := make([]byte, *bufSize)
			for {
				n, err := c.Read(buf)
				if n > 0 {
					if _, werr := c.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}
