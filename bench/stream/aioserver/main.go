// Command aioserver is the aio stream server of bench/stream: StartServer
// with a handler that reads a line (ReadLine), writes it back (Write)
// and waits for the write buffer (Drain), until the end of the stream.
//
//	aioserver [-addr 127.0.0.1:0] [-slice] [-cpuprofile file]
//
// With -slice the handler reads with ReadSlice (a view, no allocation per
// line) instead of ReadLine (a copy).
//
// It prints "LISTEN host:port" once it serves, and runs until killed
// (with -cpuprofile, until SIGINT or SIGTERM, which write the profile).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/aio-go/aio"
)

var slice = flag.Bool("slice", false, "read with ReadSlice (no copy) instead of ReadLine")

func echoLines(t *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
	defer w.Close()
	for {
		var line []byte
		var err error
		if *slice {
			line, err = r.ReadSlice(t, '\n')
		} else {
			line, err = r.ReadLine(t)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		w.Write(line)
		if err := w.Drain(t); err != nil {
			return err
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-sig
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(0)
		}()
	}
	err := aio.Run(func(t *aio.Task) error {
		srv, err := aio.StartServer(t, echoLines, "tcp", *addr, aio.Backlog(4096))
		if err != nil {
			return err
		}
		fmt.Printf("LISTEN %v\n", srv.Addr())
		return srv.ServeForever(t)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
