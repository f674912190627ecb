// Command aio is the aio toolbox.
//
//	aio serve [-addr 127.0.0.1:8000] [-loops N]
//
// serve runs the demo web app of the tutorials (seed 000's aiohttp
// server): "/" answers <h1>Index</h1> and "/hello/{name}" answers
// <h1>hello, {name}!</h1>, each after an asynchronous 0.5 s sleep, so
// many requests wait at once on one loop. It runs on aio's own transports
// and protocols, one loop per core, until SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "aio:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return fmt.Errorf("missing command")
	}
	switch args[0] {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stderr)
		addr := fs.String("addr", "127.0.0.1:8000", "address to listen on")
		loops := fs.Int("loops", 0, "number of event loops (0: one per core)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return serve(*addr, *loops, stdout, nil)
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: aio <command> [flags]

commands:
  serve   run the tutorials' demo web app (default 127.0.0.1:8000)
`)
}
