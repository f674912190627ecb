package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// wgetConfig is what the wget command line asks for.
type wgetConfig struct {
	dir         string        // -O: where bodies are saved, "" for nowhere
	concurrency int           // -c: requests at once
	timeout     time.Duration // -timeout: per URL
	follow      bool          // -L: follow redirects
	insecure    bool          // -k: do not verify servers' certificates
}

// maxWgetConcurrency bounds -c: each request in flight is a socket.
const maxWgetConcurrency = 1000

func runWget(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wget", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by main
	var cfg wgetConfig
	fs.StringVar(&cfg.dir, "O", "", "")
	fs.IntVar(&cfg.concurrency, "c", 10, "")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "")
	fs.BoolVar(&cfg.follow, "L", false, "")
	fs.BoolVar(&cfg.insecure, "k", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			wgetUsage(stdout)
			return nil
		}
		return usagef("wget: %v (see 'aio wget -h')", err)
	}
	switch {
	case fs.NArg() == 0:
		return usagef("wget: no URL given (see 'aio wget -h')")
	case cfg.concurrency < 1 || cfg.concurrency > maxWgetConcurrency:
		return usagef("wget: -c must be between 1 and %d, not %d", maxWgetConcurrency, cfg.concurrency)
	case cfg.timeout <= 0:
		return usagef("wget: -timeout must be positive, not %v", cfg.timeout)
	}
	return wget(fs.Args(), cfg, stdout, stderr)
}

// errWgetFailed is wget's error when some URLs failed (each was
// reported already).
type errWgetFailed int

func (n errWgetFailed) Error() string { return fmt.Sprintf("wget: %d of the URLs failed", int(n)) }

// wget fetches every URL at once on one loop, at most cfg.concurrency
// connections open, and prints each response's status line and headers
// as a block when it comes; a URL that fails is reported on stderr and
// the others go on.
func wget(urls []string, cfg wgetConfig, stdout, stderr io.Writer) error {
	failed := 0
	err := aio.Run(func(t *aio.Task) error {
		redirects := 0
		if cfg.follow {
			redirects = web.DefaultClientMaxRedirects
		}
		c := web.NewClient(web.ClientLimit(cfg.concurrency, 0), web.ClientMaxRedirects(redirects),
			web.ClientTimeouts(web.ClientTimeout{Total: cfg.timeout, SockConnect: cfg.timeout}),
			web.ClientTLSConfig(&tls.Config{InsecureSkipVerify: cfg.insecure}))
		defer c.Close()
		saver := &wgetSaver{dir: cfg.dir, taken: map[string]bool{}}
		return aio.Group(t, func(t *aio.Task, g *aio.TaskGroup) error {
			for _, raw := range urls {
				g.Go(func(t *aio.Task) error {
					if err := wgetOne(t, c, raw, saver, stdout); err != nil {
						if errors.Is(err, aio.ErrCancelled) {
							return err
						}
						failed++
						fmt.Fprintln(stderr, errorLine(fmt.Errorf("wget %s: %w", raw, err)))
					}
					return nil
				})
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		return errWgetFailed(failed)
	}
	return nil
}

// wgetURL reads a command-line URL; a bare host ("example.com") means
// http://example.com/.
func wgetURL(raw string) string {
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	return raw
}

// wgetOne fetches one URL, prints its head and saves its body.
func wgetOne(t *aio.Task, c *web.Client, raw string, saver *wgetSaver, stdout io.Writer) error {
	resp, err := c.Get(t, wgetURL(raw))
	if err != nil {
		return err
	}
	defer resp.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "%s header > HTTP/1.%d %s\n", raw, resp.ProtoMinor, resp.Status())
	for name, value := range resp.Fields() {
		fmt.Fprintf(&b, "%s header > %s: %s\n", raw, name, value)
	}
	io.WriteString(stdout, b.String())
	if saver.dir != "" {
		if err := saver.save(t, resp); err != nil {
			return err
		}
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("server answered %s", resp.Status())
	}
	return nil
}

// wgetSaver saves bodies in a directory, each under a name of its own.
type wgetSaver struct {
	dir   string
	taken map[string]bool // names given out in this run
}

// save writes resp's body to a new file named after the URL's last path
// element (index.html for a directory), with .1, .2 ... added if the
// name is taken.
func (s *wgetSaver) save(t *aio.Task, resp *web.ClientResponse) error {
	f, err := s.create(t, wgetName(resp.URL))
	if err != nil {
		return err
	}
	buf := make([]byte, 32<<10)
	for {
		n, rerr := resp.Read(t, buf)
		if n > 0 {
			if _, err := f.Write(t, buf[:n]); err != nil {
				f.Close(t)
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			f.Close(t)
			return rerr
		}
	}
	return f.Close(t)
}

func (s *wgetSaver) create(t *aio.Task, name string) (*aio.File, error) {
	for i := 0; ; i++ {
		try := name
		if i > 0 {
			try = fmt.Sprintf("%s.%d", name, i)
		}
		if s.taken[try] {
			continue
		}
		s.taken[try] = true
		f, err := aio.OpenFile(t, filepath.Join(s.dir, try), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.EEXIST) {
			continue
		}
		return f, err
	}
}

// wgetName is the file name for a body from u.
func wgetName(u *url.URL) string {
	name := path.Base(u.Path)
	switch {
	case name == "." || name == ".." || name == "/" || strings.HasSuffix(u.Path, "/"):
		return "index.html"
	}
	return name
}

func wgetUsage(w io.Writer) {
	fmt.Fprint(w, `usage: aio wget [-O dir] [-c N] [-timeout d] [-L] [-k] URL...

Fetch the URLs at once, on one event loop, and print each response's
status line and header fields as a block, each line prefixed with the URL
(the tutorials' asyncio wget: "URL header > HTTP/1.1 200 OK"). A URL
without a scheme is http. A URL that fails, or answers with a status of
400 or more, is reported on standard error and the others go on; the exit
status is then 1.

flags:
  -O dir       save each body in dir (which must exist), named after the
               URL's last path element (index.html for a directory), with
               .1, .2 ... added to a name already taken
  -c N         at most N connections open at once (default 10, at most 1000)
  -timeout d   give up on a URL after d (default 30s)
  -L           follow redirects (at most 10); by default a redirect is
               printed as it is
  -k           do not verify the certificates of https servers

examples:
  aio wget http://127.0.0.1:8000/ http://127.0.0.1:8000/hello/world
  aio wget -c 2 www.example.com www.example.org www.example.net
  aio wget -O /tmp/pages -L -timeout 5s http://127.0.0.1:8000/
  aio wget -k https://127.0.0.1:8443/
`)
}
