// Command aioserver is the aio web server of bench/web: an App whose
// GET / answers "Hello, World!" as text/plain.
//
//	aioserver [-addr 127.0.0.1:8080]
//
// It serves until killed; run.sh waits for the port to answer.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to serve on")
	flag.Parse()
	app := web.NewApp()
	app.Get("/", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		return web.Text("Hello, World!"), nil
	})
	fmt.Printf("LISTEN %v\n", *addr)
	if err := web.RunApp(app, web.Addr(*addr)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
