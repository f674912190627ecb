package aio

// Reaping: a child's exit reaches the loop either through a pidfd in the
// loop's poller (Linux, process_linux.go) or from a goroutine that waits
// for it (everywhere else, and on kernels without pidfds). Neither needs
// SIGCHLD, so no handler of another library can steal the status, and
// os.Process reaps the child exactly once.

// waitInBackground waits for the child on a goroutine and hands its
// status to the loop. If the loop has closed meanwhile the status is
// dropped: the child is reaped all the same.
func (p *Process) waitInBackground() {
	proc, l := p.proc, p.loop
	go func() {
		st, err := proc.Wait()
		l.CallSoonThreadsafe(func() { p.exitedWith(st, err) })
	}()
}
