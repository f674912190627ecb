// Command aio is the aio toolbox.
//
//	aio serve [-addr 127.0.0.1:8000] [-loops N] [-delay D] [-access-log] [-static DIR] [-tls-cert FILE -tls-key FILE]
//	aio bench [flags] URL
//	aio echo (--listen | --connect) HOST:PORT
//	aio wget [-O dir] [-c N] [-timeout d] [-L] [-k] URL...
//
// serve runs the demo web app of the tutorials (seed 000's aiohttp
// server) on package web: "/" answers <h1>Index</h1> and "/hello/{name}"
// answers <h1>hello, {name}!</h1>, each after an asynchronous 0.5 s sleep
// (-delay), so many requests wait at once on one loop. It runs one loop
// per core until SIGINT or SIGTERM.
//
// bench is an HTTP/1.1 load generator on aio's loops (see "aio bench -h");
// echo is seed 004's TCP echo server and a line client for it.
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
	case "bench":
		return runBench(args[1:], stdout, stderr)
	case "echo":
		return runEcho(args[1:], os.Stdin, stdout)
	case "wget":
		return runWget(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if u, ok := commandUsage[args[1]]; ok {
				u(stdout)
				return nil
			}
		}
		usage(stdout)
		return nil
	}
	return usagef("unknown command %q (see 'aio help')", args[0])
}

// commandUsage prints a command's help for "aio help <command>".
var commandUsage = map[string]func(io.Writer){
	"serve": serveUsage,
	"bench": benchUsage,
	"echo":  echoUsage,
	"wget":  wgetUsage,
}

func runServe(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by main
	addr := fs.String("addr", "127.0.0.1:8000", "")
	loops := fs.Int("loops", 0, "")
	delay := fs.Duration("delay", handlerDelay, "")
	accessLog := fs.Bool("access-log", false, "")
	static := fs.String("static", "", "")
	tlsCert := fs.String("tls-cert", "", "")
	tlsKey := fs.String("tls-key", "", "")
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
	if *delay < 0 {
		return usagef("serve: -delay must not be negative, not %v", *delay)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return usagef("serve: -tls-cert and -tls-key go together (see 'aio serve -h')")
	}
	return serve(serveOptions{addr: *addr, loops: *loops, delay: *delay, accessLog: *accessLog, static: *static,
		tlsCert: *tlsCert, tlsKey: *tlsKey}, stdout, nil)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: aio <command> [flags]

commands:
  serve   run the tutorials' demo web app (default 127.0.0.1:8000)
  bench   load an HTTP/1.1 server and report throughput and latency
  echo    the TCP echo server (--listen) or its line client (--connect)
  wget    fetch URLs at once and print their status lines and headers
  help    print this help; "aio help <command>" for the command's

Run "aio <command> -h" for a command's flags.
`)
}

func serveUsage(w io.Writer) {
	fmt.Fprint(w, `usage: aio serve [-addr host:port] [-loops N] [-delay D] [-access-log] [-static DIR]
                 [-tls-cert FILE -tls-key FILE]

Serve the tutorials' demo web app until SIGINT or SIGTERM: "/" answers
<h1>Index</h1> and "/hello/{name}" answers <h1>hello, {name}!</h1>, each
after an asynchronous sleep of -delay.

flags:
  -addr host:port   address to listen on (default 127.0.0.1:8000; port 0
                    picks a free port)
  -loops N          number of event loops, 0 for one per core (default 0,
                    at most 1024)
  -delay D          the handlers' asynchronous sleep (default 0.5s; 0 for
                    none)
  -access-log       print a line per request
  -static DIR       serve the files under DIR at /static/
  -tls-cert FILE    serve HTTPS with the PEM certificate (chain) in FILE
  -tls-key FILE     and the PEM private key in FILE; both or neither

examples:
  aio serve
  aio serve -addr 127.0.0.1:9000 -loops 2
  curl http://127.0.0.1:8000/hello/world
`)
}
