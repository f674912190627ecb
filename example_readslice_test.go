package aio_test

import (
	"fmt"

	"github.com/aio-go/aio"
)

// A line protocol that handles each line at once reads it with ReadSlice:
// a view into the reader's buffer, valid until the next read or await,
// so no allocation per line.
func ExampleStreamReader_ReadSlice() {
	aio.Run(func(t *aio.Task) error {
		r := aio.NewStreamReader(0)
		r.FeedData([]byte("PING\nQUIT\n"))
		r.FeedEOF()
		for {
			line, err := r.ReadSlice(t, '\n')
			if err != nil {
				return nil // io.EOF after the last line
			}
			fmt.Printf("command %q\n", line[:len(line)-1])
		}
	})
	// Output:
	// command "PING"
	// command "QUIT"
}

// An echo or a relay reads with ReadInto into a buffer of its own, as
// io.Reader's Read does, so no allocation per read.
func ExampleStreamReader_ReadInto() {
	aio.Run(func(t *aio.Task) error {
		r := aio.NewStreamReader(0)
		r.FeedData([]byte("hello, world"))
		r.FeedEOF()
		buf := make([]byte, 8)
		for {
			n, err := r.ReadInto(t, buf)
			if err != nil {
				return nil // io.EOF after the last byte
			}
			fmt.Printf("%q\n", buf[:n])
		}
	})
	// Output:
	// "hello, w"
	// "orld"
}
