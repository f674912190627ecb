//go:build linux

// Command fasthttpclient is the fasthttp (v1.73.0) client of
// bench/client: -conns goroutines, each GETting -url in a loop on one
// fasthttp.Client (keep-alive, up to -conns connections), checking the
// body is "Hello, World!".
//
//	fasthttpclient -url http://127.0.0.1:PORT/ [-conns 64] [-warmup 1s] [-duration 5s] [-pid SERVERPID]
//
// It prints one RESULT line (bench/client/meter) and exits.
package main

import (
	"flag"
	"time"

	"github.com/aio-go/aio/bench/client/meter"
	"github.com/valyala/fasthttp"
)

func main() {
	cfg := meter.Flags("fasthttp")
	flag.Parse()
	client := &fasthttp.Client{MaxConnsPerHost: cfg.Conns}
	var m meter.Meter
	for range cfg.Conns {
		go func() {
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			req.SetRequestURI(cfg.URL)
			for {
				if err := client.Do(req, resp); err != nil {
					m.Fail(err)
					time.Sleep(time.Millisecond) // do not spin on a dead server
					continue
				}
				m.Body(resp.StatusCode(), resp.Body(), "Hello, World!")
			}
		}()
	}
	m.Report(cfg)
}
