// Command fasthttpserver is the fasthttp (v1.73.0) server of bench/web,
// and the server bench/client measures every client against: GET /
// answers "Hello, World!" as text/plain; every other path gets 404.
//
//	fasthttpserver [-addr 127.0.0.1:0]
//
// It prints "LISTEN host:port" once it serves, and runs until killed.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/valyala/fasthttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			if string(ctx.Path()) != "/" || !ctx.IsGet() {
				ctx.NotFound()
				return
			}
			ctx.SetContentType("text/plain; charset=utf-8")
			ctx.WriteString("Hello, World!")
		},
		Name: "fasthttp",
	}
	fmt.Printf("LISTEN %v\n", ln.Addr())
	fmt.Fprintln(os.Stderr, srv.Serve(ln))
	os.Exit(1)
}
