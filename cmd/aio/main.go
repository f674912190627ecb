// Command aio is the aio toolbox.
//
//	aio serve [-addr 127.0.0.1:8000] [-loops N]
//	aio wget [-O dir] [-c N] [-timeout d] [-L] [-k] URL...
//
// serve runs the demo web app of the tutorials (seed 000's aiohttp
// server): "/" answers <h1>Index</h1> and "/hello/{name}" answers
// <h1>hello, {name}!</h1>, each after an asynchronous 0.5 s sleep, so
// many requests wait at once on one loop. It runs on aio's own transports
// and protocols, one loop per core, until SIGINT or SIGTERM.
//
// wget fetches URLs at once on one loop with web.Client and prints each
// response's status line and headers (the tutorials' asyncio wget).
//
// "aio help" and "aio serve -h" print the usage. The exit status is 0 on
// success and after help, 1 when the command fails, 2 for a bad command
// line; errors are one line on standard error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, errorLine(err))
	if errors.As(err, new(usageError)) {
		os.Exit(2)
	}
	os.Exit(1)
}

// errorLine is err as the command prints it: one line with one "aio: "
// prefix, which errors from package aio carry already.
func errorLine(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if !strings.HasPrefix(msg, "aio: ") {
		msg = "aio: " + msg
	}
	return msg
}

// usageError is a bad command line (exit status 2).
type usageError string

func (e usageError) Error() string { return string(e) }

func usagef(format string, args ...any) error { return usageError(fmt.Sprintf(format, args...)) }

// maxLoops bounds -loops: each loop is a goroutine, an epoll instance and
// a listening socket.
const maxLoops = 1024

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return usageError("missing command")
	}
	switch args[0] {
	case "serve":
		return runServe(args[1:], stdout)
	case "wget":
		return runWget(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[1] == "serve" {
			serveUsage(stdout)
			return nil
		}
		if len(args) > 1 && args[1] == "wget" {
			wgetUsage(stdout)
			return nil
		}
		usage(stdout)
		return nil
	}
	return usagef("unknown command %q (see 'aio help')", args[0])
}

func runServe(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by main
	addr := fs.String("addr", "127.0.0.1:8000", "")
	loops := fs.Int("loops", 0, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			serveUsage(stdout)
			return nil
		}
		return usagef("serve: %v (see 'aio serve -h')", err)
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q (see 'aio serve -h')", fs.Arg(0))
	}
	if *loops < 0 || *loops > maxLoops {
		return usagef("serve: -loops must be between 0 (one per core) and %d, not %d", maxLoops, *loops)
	}
	return serve(*addr, *loops, stdout, nil)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: aio <command> [flags]

commands:
  serve   run the tutorials' demo web app (default 127.0.0.1:8000)
  wget    fetch URLs at once and print their status lines and headers
  help    print this help; "aio help serve" for the command's

Run "aio serve -h" for the command's flags.
`)
}

func serveUsage(w io.Writer) {
	fmt.Fprint(w, `usage: aio serve [-addr host:port] [-loops N]

Serve the tutorials' demo web app until SIGINT or SIGTERM: "/" answers
<h1>Index</h1> and "/hello/{name}" answers <h1>hello, {name}!</h1>, each
after an asynchronous 0.5 s sleep.

flags:
  -addr host:port   address to listen on (default 127.0.0.1:8000; port 0
                    picks a free port)
  -loops N          number of event loops, 0 for one per core (default 0,
                    at most 1024)

examples:
  aio serve
  aio serve -addr 127.0.0.1:9000 -loops 2
  curl http://127.0.0.1:8000/hello/world
`)
}
