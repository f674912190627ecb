// Command seed003_gevent_netconn is the "monkey patching" answer to
// seed 003's gevent section: it fetches pages concurrently, one task per
// URL, with the standard library's blocking HTTP code unchanged.
//
// gevent's monkey.patch_all() swaps the socket module under urllib, so
// that urllib's blocking reads switch greenlets instead of blocking the
// thread. In Go the standard library already talks to a [net.Conn]
// interface, so nothing needs patching: [aio.Dial] returns an
// *[aio.Conn], a net.Conn whose Read and Write suspend the calling task,
// and net/http's Request.Write, http.ReadResponse and bufio run over it
// as they are. While one task waits for its page, the others run.
//
// The Python original (the seed's spawn/join/value, with the page
// fetching of gevent's monkey-patching example):
//
//	from gevent import monkey; monkey.patch_all()
//	import gevent
//	from urllib.request import urlopen
//
//	def f(url):
//	    print('GET: %s' % url)
//	    data = urlopen(url).read()
//	    print('%d bytes received from %s.' % (len(data), url))
//	    return len(data)
//
//	gs = [gevent.spawn(f, url) for url in urls]
//	gevent.joinall(gs)
//	print(gs[0].value)
//
// It prints the "GET:" lines first, in the order of the URLs (each task
// prints before its first wait), then a "received" line as each page
// arrives, then the first task's value. Usage:
//
//	seed003_gevent_netconn URL...
//
// URLs are http:// or https:// (TLS with the system's roots).
package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aio-go/aio"
)

// fetchTimeout bounds one page's fetch, connecting included.
const fetchTimeout = 30 * time.Second

// fetch is f of the original: it GETs url over an *aio.Conn with
// net/http's own request writer and response reader, and returns the
// body's length. tlsCfg is the TLS config of https URLs.
func fetch(t *aio.Task, out io.Writer, url string, tlsCfg *tls.Config) (int, error) {
	fmt.Fprintf(out, "GET: %s\n", url)
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, err
	}
	req.Close = true // one request per connection, as urlopen
	opts := []aio.NetOption{aio.ConnectTimeout(fetchTimeout)}
	port := "80"
	if req.URL.Scheme == "https" {
		opts, port = append(opts, aio.WithTLS(tlsCfg)), "443"
	} else if req.URL.Scheme != "http" {
		return 0, fmt.Errorf("%s: only http and https URLs", url)
	}
	if req.URL.Port() != "" {
		port = req.URL.Port()
	}
	conn, err := aio.Dial(t, "tcp", net.JoinHostPort(req.URL.Hostname(), port), opts...)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(fetchTimeout))
	// From here on it is plain net/http code: each Read and Write of conn
	// suspends this task, not the loop.
	if err := req.Write(conn); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(out, "%d bytes received from %s.\n", len(data), url)
	return len(data), nil
}

// run spawns a fetch per URL, joins them all (gevent.joinall), and
// prints the first one's value; the error is every failed fetch's.
func run(out io.Writer, urls []string, tlsCfg *tls.Config) error {
	return aio.Run(func(t *aio.Task) error {
		gs := make([]*aio.Future[int], len(urls))
		for i, url := range urls {
			gs[i] = aio.CreateTask(t.Loop(), func(t *aio.Task) (int, error) { return fetch(t, out, url, tlsCfg) })
		}
		var errs []error
		for _, g := range gs { // join each
			if _, err := aio.Await(t, g); err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		v, _ := gs[0].Result() // g1.value
		fmt.Fprintln(out, v)
		return nil
	})
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: seed003_gevent_netconn URL...")
		os.Exit(2)
	}
	if err := run(os.Stdout, os.Args[1:], &tls.Config{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
