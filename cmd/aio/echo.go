package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aio-go/aio"
)

// "aio echo" is seed 004's stream echo server (section 0x3: asyncio's
// start_server with an on_client_connected callback), and a line client
// for it.

// echoReadSize is the seed's reader.read(100).
const echoReadSize = 100

// echoConnectTimeout bounds the client's connect, so that an unreachable
// host is an error rather than a wait.
const echoConnectTimeout = 10 * time.Second

func runEcho(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("echo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	listen := fs.String("listen", "", "")
	connect := fs.String("connect", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			echoUsage(stdout)
			return nil
		}
		return usagef("echo: %v (see 'aio echo -h')", err)
	}
	switch {
	case fs.NArg() > 0:
		return usagef("echo: unexpected argument %q (see 'aio echo -h')", fs.Arg(0))
	case (*listen == "") == (*connect == ""):
		return usagef("echo: give one of -listen HOST:PORT and -connect HOST:PORT (see 'aio echo -h')")
	case *listen != "":
		return echoServe(*listen, stdout)
	}
	if err := echoClient(*connect, stdin, stdout); err != nil {
		return fmt.Errorf("echo: %w", err)
	}
	return nil
}

func echoUsage(w io.Writer) {
	fmt.Fprint(w, `usage: aio echo -listen HOST:PORT
       aio echo -connect HOST:PORT

With -listen, serve seed 004's TCP echo server until SIGINT or SIGTERM:
each client gets back every byte it sends, read 100 bytes at a time, and
the server logs what it receives ("connected", "Received 'hi' from
127.0.0.1:40312", "Send: 'hi'", "Close the client socket" when the client
closes). Port 0 picks a free port; the "Serving on" line shows it.

With -connect, send the lines of standard input to the server and print
what comes back; at the end of the input, half-close the connection and
exit once the server has closed it.

examples:
  aio echo -listen 127.0.0.1:8090
  printf 'hi\nthere\n' | aio echo -connect 127.0.0.1:8090
`)
}

// echoServe runs the echo server until a signal.
func echoServe(addr string, out io.Writer) error {
	err := aio.Run(func(t *aio.Task) error {
		fmt.Fprintln(out, "start server!")
		srv, err := aio.StartServer(t, echoHandler(out), "tcp", addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Serving on %v\n", srv.Sockets()[0].Addr)
		return srv.ServeForever(t)
	})
	if errors.Is(err, aio.ErrInterrupted) {
		return nil // Ctrl-C is how the server ends
	}
	return err
}

// echoHandler is the seed's on_client_connected, echoing until the
// client closes rather than once, so that a client can send many lines.
func echoHandler(out io.Writer) aio.StreamHandler {
	return func(t *aio.Task, reader *aio.StreamReader, writer *aio.StreamWriter) error {
		fmt.Fprintln(out, "connected")
		defer writer.Close()
		peer := writer.ExtraInfo("peername")
		for {
			data, err := reader.Read(t, echoReadSize)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fmt.Fprintf(out, "Connection from %v lost: %v\n", peer, err)
				return nil
			}
			message := pyRepr(data)
			fmt.Fprintf(out, "Received %s from %v\n", message, peer)
			fmt.Fprintf(out, "Send: %s\n", message)
			writer.Write(data)
			if err := writer.Drain(t); err != nil { // flush
				fmt.Fprintf(out, "Connection from %v lost: %v\n", peer, err)
				return nil
			}
		}
		fmt.Fprintln(out, "Close the client socket")
		return nil
	}
}

// echoClient sends the lines of in to addr and copies what comes back to
// out, until the server closes after the end of in.
func echoClient(addr string, in io.Reader, out io.Writer) error {
	return aio.Run(func(t *aio.Task) error {
		reader, writer, err := aio.OpenConnection(t, "tcp", addr, aio.ConnectTimeout(echoConnectTimeout))
		if err != nil {
			return err
		}
		defer writer.Close()
		lines := newLineSource(t.Loop(), in)
		defer lines.close()
		sender := aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
			for {
				line, err := lines.next(t)
				if len(line) > 0 {
					writer.Write(line)
					if err := writer.Drain(t); err != nil {
						return struct{}{}, err
					}
				}
				if err != nil {
					writer.WriteEOF()
					return struct{}{}, nil
				}
			}
		})
		defer sender.Cancel()
		for {
			data, err := reader.Read(t, 64<<10)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if _, err := out.Write(data); err != nil {
				return err
			}
		}
	})
}

// lineSource reads lines on its own goroutine, one when a task asks: a
// blocking read of standard input must not hold the loop, and a read
// still blocked when the client ends must not hold the exit either (as
// one on the loop's executor would).
type lineSource struct {
	loop *aio.Loop
	want chan *aio.Future[lineResult]
	done chan struct{}
}

type lineResult struct {
	line []byte
	err  error
}

func newLineSource(l *aio.Loop, in io.Reader) *lineSource {
	s := &lineSource{loop: l, want: make(chan *aio.Future[lineResult], 1), done: make(chan struct{})}
	go s.run(bufio.NewReader(in))
	return s
}

func (s *lineSource) run(br *bufio.Reader) {
	for {
		var f *aio.Future[lineResult]
		select {
		case f = <-s.want:
		case <-s.done:
			return
		}
		line, err := br.ReadBytes('\n')
		if _, cerr := s.loop.CallSoonThreadsafe(func() { f.SetResult(lineResult{line, err}) }); cerr != nil || err != nil {
			return
		}
	}
}

// next returns the next line with its newline, and an error (io.EOF at
// the end) once there are no more.
//
// Cancellation: next returns an error matching aio.ErrCancelled; the
// line being read is lost.
func (s *lineSource) next(t *aio.Task) ([]byte, error) {
	f := aio.NewFuture[lineResult](s.loop)
	select {
	case s.want <- f:
	case <-s.done:
		return nil, io.EOF
	}
	r, err := aio.Await(t, f)
	if err != nil {
		return nil, err
	}
	return r.line, r.err
}

// close lets the reading goroutine end after its current read.
func (s *lineSource) close() { close(s.done) }

// pyRepr quotes data as Python's repr of the decoded str does, for the
// seed's log lines; bytes that are not UTF-8 show as \xNN (Python would
// refuse to decode them).
func pyRepr(data []byte) string {
	quote := byte('\'')
	if strings.ContainsRune(string(data), '\'') && !strings.ContainsRune(string(data), '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, data[0])
		case r == '\\' || r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r != ' ':
			if r < 0x10000 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
		data = data[n:]
	}
	b.WriteByte(quote)
	return b.String()
}
