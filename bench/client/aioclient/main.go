//go:build linux

// Command aioclient is the aio client of bench/client: -conns tasks on
// one loop, each GETting -url in a loop on one web.Client (keep-alive,
// up to -conns connections), reading the whole body into its own buffer
// and checking it is "Hello, World!".
//
//	aioclient -url http://127.0.0.1:PORT/ [-conns 64] [-warmup 1s] [-duration 5s] [-pid SERVERPID]
//
// It prints one RESULT line (bench/client/meter) and exits.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/bench/client/meter"
	"github.com/aio-go/aio/web"
)

func main() {
	cfg := meter.Flags("aio")
	flag.Parse()
	var m meter.Meter
	go func() {
		m.Report(cfg)
		os.Exit(0)
	}()
	err := aio.Run(func(t *aio.Task) error {
		c := web.NewClient(web.ClientLimit(cfg.Conns, cfg.Conns))
		for range cfg.Conns {
			aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
				buf := make([]byte, 64)
				for {
					if err := get(t, c, cfg.URL, buf, &m); err != nil {
						m.Fail(err)
						// Do not spin on a dead server; stop once cancelled.
						if err := aio.Sleep(t, time.Millisecond); err != nil {
							return struct{}{}, err
						}
					}
				}
			})
		}
		return aio.Sleep(t, cfg.Warmup+cfg.Duration+time.Minute)
	})
	fmt.Fprintln(os.Stderr, "aioclient:", err)
	os.Exit(1)
}

// get makes one request, reads its body into buf and counts it.
func get(t *aio.Task, c *web.Client, url string, buf []byte, m *meter.Meter) error {
	resp, err := c.Get(t, url)
	if err != nil {
		return err
	}
	n := 0
	for {
		k, err := resp.Read(t, buf[n:])
		n += k
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if n == len(buf) {
			resp.Close()
			return fmt.Errorf("body longer than %d bytes", len(buf))
		}
	}
	m.Body(resp.StatusCode, buf[:n], "Hello, World!")
	return nil
}
