//go:build linux

package aio

import (
	"os"
	"syscall"

	"github.com/aio-go/aio/internal/poll"
	"golang.org/x/sys/unix"
)

// watchAttr asks os.StartProcess for a pidfd of the child in *pidfd (os
// keeps a duplicate of its own); the kernel leaves it -1 if it has none.
func watchAttr(pidfd *int, noPidfd bool) *syscall.SysProcAttr {
	if noPidfd {
		return nil
	}
	return &syscall.SysProcAttr{PidFD: pidfd}
}

// watch waits for the child's exit: on the loop's poller when there is a
// pidfd (it becomes readable when the child exits), on a goroutine
// otherwise.
func (p *Process) watch(pidfd int) {
	if pidfd < 0 {
		p.waitInBackground()
		return
	}
	w := &pidWatch{p: p}
	w.pfd.init(p.loop, pidfd, w)
	if err := w.pfd.setInterest(poll.Readable); err != nil {
		w.pfd.close()
		p.waitInBackground()
	}
}

// pidWatch is the loop's handler of a child's pidfd.
type pidWatch struct {
	pfd pollFD
	p   *Process
}

// ready reaps the child, which has exited: its status is waiting, so
// Wait does not block.
func (w *pidWatch) ready(poll.Event) {
	w.pfd.close()
	w.p.exitedWith(w.p.proc.Wait())
}

// closeForLoop leaves the child to a goroutine that reaps it when it
// exits, so that no zombie outlives the loop.
func (w *pidWatch) closeForLoop() {
	w.pfd.close()
	go w.p.proc.Wait()
}

// sysPipe makes a close-on-exec pipe.
func sysPipe(p *[2]int) error {
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return os.NewSyscallError("pipe2", err)
	}
	return nil
}
