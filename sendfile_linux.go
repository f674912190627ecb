//go:build linux

package aio

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysSendfile copies up to n bytes of the file behind rc, from *off, to
// the socket out with sendfile(2), and advances *off.
func sysSendfile(out int, rc syscall.RawConn, off *int64, n int) (int, error) {
	var written int
	var err error
	cerr := rc.Control(func(in uintptr) {
		err = ignoringEINTR(func() (err error) {
			written, err = unix.Sendfile(out, int(in), off, n)
			return err
		})
	})
	if cerr != nil {
		return 0, cerr
	}
	if err != nil {
		return 0, err // the syscall's -1
	}
	return written, nil
}
