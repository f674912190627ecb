//go:build linux

// Command netclient is the Go net/http client of bench/client: -conns
// goroutines, each GETting -url in a loop on one http.Client (keep-alive,
// as many idle connections kept as there are goroutines), reading the
// whole body and checking it is "Hello, World!".
//
//	netclient -url http://127.0.0.1:PORT/ [-conns 64] [-warmup 1s] [-duration 5s] [-pid SERVERPID]
//
// It prints one RESULT line (bench/client/meter) and exits.
package main

import (
	"flag"
	"io"
	"net/http"
	"time"

	"github.com/aio-go/aio/bench/client/meter"
)

func main() {
	cfg := meter.Flags("net")
	flag.Parse()
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Conns, MaxConnsPerHost: cfg.Conns}
	client := &http.Client{Transport: tr}
	var m meter.Meter
	for range cfg.Conns {
		go func() {
			for {
				if err := get(client, cfg.URL, &m); err != nil {
					m.Fail(err)
					time.Sleep(time.Millisecond) // do not spin on a dead server
				}
			}
		}()
	}
	m.Report(cfg)
}

// get makes one request, reads the whole body and counts it.
func get(client *http.Client, url string, m *meter.Meter) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	m.Body(resp.StatusCode, body, "Hello, World!")
	return nil
}
