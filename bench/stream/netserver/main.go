// Command netserver is the Go baseline of bench/stream: a goroutine per
// connection reading lines with bufio.Reader.ReadSlice and writing each
// one back through a bufio.Writer flushed per line (the Write + Drain of
// the aio server).
//
//	netserver [-addr 127.0.0.1:0]
//
// It prints "LISTEN host:port" once it serves, and runs until killed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("LISTEN %v\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		go serve(c)
	}
}

func serve(c net.Conn) {
	defer c.Close()
	br, bw := bufio.NewReader(c), bufio.NewWriter(c)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		bw.Write(line)
		if bw.Flush() != nil {
			return
		}
	}
}
