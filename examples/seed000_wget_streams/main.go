// Command seed000_wget_streams is the wget of seed 000 (Liao Xuefeng's
// asyncio tutorial) over aio streams: it connects to each host, sends a
// HTTP/1.0 GET of "/", prints each header line of the answer until the
// blank line, and closes; the hosts are fetched concurrently on one loop.
//
// The Python original:
//
//	@asyncio.coroutine
//	def wget(host):
//	    print('wget %s...' % host)
//	    connect = asyncio.open_connection(host, 80)
//	    reader, writer = yield from connect
//	    header = 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' % host
//	    writer.write(header.encode('utf-8'))
//	    yield from writer.drain()
//	    while True:
//	        line = yield from reader.readline()
//	        if line == b'\r\n':
//	            break
//	        print('%s header > %s' % (host, line.decode('utf-8').rstrip()))
//	    # Ignore the body, close the socket
//	    writer.close()
//
//	loop = asyncio.get_event_loop()
//	tasks = [wget(host) for host in ['www.sina.com.cn', 'www.sohu.com', 'www.163.com']]
//	loop.run_until_complete(asyncio.wait(tasks))
//	loop.close()
//
// Usage:
//
//	seed000_wget_streams host[:port]...   # port 80 when none is given
//
// The loop stops at the end of the header as the original does, and also
// at the end of the stream (the original would loop for ever there,
// reading empty lines).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/aio-go/aio"
)

// wget prints the header lines of http://host/ to out.
func wget(t *aio.Task, out io.Writer, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host, addr = addr, net.JoinHostPort(addr, "80")
	}
	fmt.Fprintf(out, "wget %s...\n", host)
	reader, writer, err := aio.OpenConnection(t, "tcp", addr)
	if err != nil {
		return err
	}
	defer writer.Close() // ignore the body, close the socket
	writer.Write(fmt.Appendf(nil, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", host))
	if err := writer.Drain(t); err != nil {
		return err
	}
	for {
		line, err := reader.ReadLine(t)
		if errors.Is(err, io.EOF) || string(line) == "\r\n" {
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s header > %s\n", host, bytes.TrimRight(line, " \t\r\n"))
	}
}

// run fetches every address concurrently and waits for all, as
// asyncio.wait(tasks) does; the errors are joined.
func run(out io.Writer, addrs []string) error {
	return aio.Run(func(t *aio.Task) error {
		futs := make([]*aio.Future[struct{}], len(addrs))
		for i, addr := range addrs {
			futs[i] = aio.Spawn(t, func(t *aio.Task) (struct{}, error) { return struct{}{}, wget(t, out, addr) })
		}
		var errs []error
		for _, f := range futs {
			_, err := aio.Await(t, f)
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: seed000_wget_streams host[:port]...")
		os.Exit(2)
	}
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
