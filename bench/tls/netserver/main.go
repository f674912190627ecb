// Command netserver is the Go baseline of bench/tls: crypto/tls over
// package net, a goroutine per connection that writes back what each
// Read returns (a 16 KiB buffer: one TLS record).
//
//	netserver [-addr 127.0.0.1:0]
//
// It prints "LISTEN host:port" once it serves, and runs until killed.
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
	flag.Parse()
	cfg, err := benchcert.Server()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("LISTEN %v\n", ln.Addr())
	tl := tls.NewListener(ln, cfg)
	for {
		c, err := tl.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		go serve(c)
	}
}

func serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 16<<10)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}
