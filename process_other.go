//go:build !linux

package aio

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// watchAttr: no pidfds here.
func watchAttr(*int, bool) *syscall.SysProcAttr { return nil }

// watch waits for the child's exit on a goroutine.
func (p *Process) watch(int) { p.waitInBackground() }

// sysPipe makes a close-on-exec pipe, under syscall.ForkLock so that no
// child forked meanwhile inherits it.
func sysPipe(p *[2]int) error {
	syscall.ForkLock.RLock()
	err := unix.Pipe(p[:])
	if err == nil {
		unix.CloseOnExec(p[0])
		unix.CloseOnExec(p[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return os.NewSyscallError("pipe", err)
	}
	return nil
}
