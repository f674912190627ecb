//go:build linux

package aio_test

import (
	"fmt"

	"github.com/aio-go/aio"
)

// A line echo server with streams, and a client that talks to it.
func ExampleStartServer() {
	err := aio.Run(func(t *aio.Task) error {
		srv, err := aio.StartServer(t, func(t *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			for line, err := range r.Lines(t) {
				if err != nil {
					return err
				}
				w.Write([]byte("echo: "))
				w.Write(line)
				if err := w.Drain(t); err != nil {
					return err
				}
			}
			return nil
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()

		r, w, err := aio.OpenConnection(t, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		defer w.Close()
		w.Write([]byte("hello\nworld\n"))
		w.WriteEOF()
		for line, err := range r.Lines(t) {
			if err != nil {
				return err
			}
			fmt.Printf("%s", line)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// echo: hello
	// echo: world
}

// Reading a fixed-size header, then a body up to a separator.
func ExampleStreamReader_ReadExactly() {
	aio.Run(func(t *aio.Task) error {
		r := aio.NewStreamReader(0)
		r.FeedData([]byte("0005hello|rest"))
		r.FeedEOF()
		size, _ := r.ReadExactly(t, 4)
		body, _ := r.ReadUntil(t, []byte("|"))
		_, err := r.ReadExactly(t, 10)
		fmt.Printf("%s %s %v\n", size, body, err)
		return nil
	})
	// Output: 0005 hello| aio: 4 bytes read on a total of 10 expected bytes
}
