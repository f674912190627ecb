// Command netserver is the Go net/http server of bench/web: GET /
// answers "Hello, World!" as text/plain; every other path gets 404.
//
//	netserver [-addr 127.0.0.1:0]
//
// It prints "LISTEN host:port" once it serves, and runs until killed.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
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
	hello := []byte("Hello, World!")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain; charset=utf-8"}
		w.Write(hello)
	})
	fmt.Printf("LISTEN %v\n", ln.Addr())
	fmt.Fprintln(os.Stderr, http.Serve(ln, mux))
	os.Exit(1)
}
