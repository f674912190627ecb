//go:build !linux

package aio

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysSendfile reports ENOSYS: SendFile reads and writes instead (the BSDs'
// sendfile has another signature and is not wired up yet).
func sysSendfile(int, syscall.RawConn, *int64, int) (int, error) { return 0, unix.ENOSYS }
