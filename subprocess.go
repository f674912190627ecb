package aio

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Stdio says what one of a child's standard streams is connected to
// (asyncio.subprocess's PIPE, DEVNULL and STDOUT; the zero value,
// Inherit, is asyncio's None). A file is given with [ProcStdinFile] and
// its siblings.
type Stdio uint8

const (
	// Inherit gives the child the parent's own stream.
	Inherit Stdio = iota
	// Pipe connects the stream to the parent through a pipe: the
	// Process's Stdin, Stdout or Stderr.
	Pipe
	// DevNull connects the stream to the null device.
	DevNull
	// Stdout, for stderr only, sends the child's errors where its
	// standard output goes (asyncio.subprocess.STDOUT).
	Stdout
)

// ProcOption configures CreateSubprocessExec and CreateSubprocessShell.
type ProcOption func(*procConfig)

type procConfig struct {
	mode    [3]Stdio
	file    [3]*os.File
	env     []string
	dir     string
	limit   int
	noPidfd bool // tests: reap with a goroutine, as without pidfd
}

// ProcStdin sets what the child's standard input is; the default is
// Inherit. With Pipe, Process.Stdin writes to it.
func ProcStdin(s Stdio) ProcOption { return func(c *procConfig) { c.mode[0], c.file[0] = s, nil } }

// ProcStdout sets what the child's standard output is; the default is
// Inherit. With Pipe, Process.Stdout reads it.
func ProcStdout(s Stdio) ProcOption { return func(c *procConfig) { c.mode[1], c.file[1] = s, nil } }

// ProcStderr sets what the child's standard error is; the default is
// Inherit. With Pipe, Process.Stderr reads it; with Stdout it goes where
// the standard output goes.
func ProcStderr(s Stdio) ProcOption { return func(c *procConfig) { c.mode[2], c.file[2] = s, nil } }

// ProcStdinFile makes f the child's standard input. f stays the
// caller's: close it once the process has started. The child gets its
// own copy of the fd, which os.StartProcess puts in blocking mode.
func ProcStdinFile(f *os.File) ProcOption { return func(c *procConfig) { c.file[0] = f } }

// ProcStdoutFile makes f the child's standard output, as ProcStdinFile.
func ProcStdoutFile(f *os.File) ProcOption { return func(c *procConfig) { c.file[1] = f } }

// ProcStderrFile makes f the child's standard error, as ProcStdinFile.
func ProcStderrFile(f *os.File) ProcOption { return func(c *procConfig) { c.file[2] = f } }

// ProcEnv sets the child's environment, "key=value" strings; nil (the
// default) gives it the parent's.
func ProcEnv(env []string) ProcOption { return func(c *procConfig) { c.env = env } }

// ProcDir sets the child's working directory; "" (the default) is the
// parent's.
func ProcDir(dir string) ProcOption { return func(c *procConfig) { c.dir = dir } }

// ProcLimit sets the limit of the Stdout and Stderr readers (see
// [StreamReader.SetLimit]; asyncio's limit argument); the default is
// [DefaultStreamLimit].
func ProcLimit(n int) ProcOption { return func(c *procConfig) { c.limit = n } }

// ErrStdinNotPipe is returned by Communicate when it is given input for a
// process whose stdin is not a Pipe (asyncio drops the input silently).
var ErrStdinNotPipe = errors.New("aio: Communicate: input for a process whose stdin is not a pipe")

// CreateSubprocessExec starts the program name with the arguments args
// (argv[1:]; argv[0] is name) and returns its Process (asyncio's
// create_subprocess_exec). A name without a slash is looked up in PATH
// as [exec.LookPath] does; a program that cannot be found gives an
// *[exec.Error] (matching [exec.ErrNotFound]), one that cannot be run an
// *[os.PathError] (matching [os.ErrNotExist] or [os.ErrPermission]).
//
// The child starts with os.StartProcess (fork and exec in one step of
// the calling goroutine, which blocks the loop for the time of it, as in
// asyncio); the pipes are close-on-exec on the parent's side, so no
// other child inherits them, and only the three standard streams are
// passed. The exit is watched on the loop's poller through a pidfd on
// Linux; elsewhere, or on a kernel without pidfds, a goroutine waits for
// the child and hands its status to the loop. Either way the child is
// reaped exactly once, with no SIGCHLD handler.
//
// Call it from a task of the loop that will run the process; it does
// not suspend.
func CreateSubprocessExec(t *Task, name string, args []string, opts ...ProcOption) (*Process, error) {
	var c procConfig
	for _, o := range opts {
		o(&c)
	}
	return startProcess(t.Loop(), name, args, &c)
}

// CreateSubprocessShell runs cmd with /bin/sh -c and returns its Process
// (asyncio's create_subprocess_shell). cmd goes to the shell as it is:
// quoting what comes from outside is the caller's job. Otherwise it is
// [CreateSubprocessExec].
func CreateSubprocessShell(t *Task, cmd string, opts ...ProcOption) (*Process, error) {
	return CreateSubprocessExec(t, "/bin/sh", []string{"-c", cmd}, opts...)
}

// Process is a child process started by [CreateSubprocessExec] or
// [CreateSubprocessShell] (asyncio.subprocess.Process). Stdin, Stdout and
// Stderr are set for the streams made with [Pipe], nil otherwise: Stdin
// is a [StreamWriter] on a [WritePipeTransport], Stdout and Stderr are
// [StreamReader]s on [ReadPipeTransport]s.
//
// The exit and the pipes are independent, as they are in the kernel:
// Wait returns when the child exits, even if a grandchild still holds
// its pipes open (their readers then see the end only when the
// grandchild closes them); a child that closes its pipes and goes on
// running is still running for Wait. Communicate waits for both.
//
// Its methods are called from the loop's goroutine. If the loop closes
// while the child runs, its pipes are closed and a goroutine reaps the
// child when it exits, so no zombie is left; the child is not killed.
type Process struct {
	// Pid is the child's process id.
	Pid int
	// Stdin writes to the child's standard input (nil unless Pipe).
	Stdin *StreamWriter
	// Stdout reads the child's standard output (nil unless Pipe).
	Stdout *StreamReader
	// Stderr reads the child's standard error (nil unless Pipe).
	Stderr *StreamReader

	loop   *Loop
	proc   *os.Process
	code   int
	exited Event // set when the child has been reaped
}

// startProcess makes the child's stdio, starts it, and hands the
// parent's ends of the pipes to pipe transports.
func startProcess(l *Loop, name string, args []string, c *procConfig) (*Process, error) {
	if l.closed.Load() {
		return nil, ErrLoopClosed
	}
	path := name
	if !strings.Contains(name, "/") {
		p, err := exec.LookPath(name)
		if err != nil {
			return nil, err
		}
		path = p
	}
	var std stdioSet
	defer std.closeChild()
	if err := std.make(c); err != nil {
		std.closeParent()
		return nil, err
	}
	pidfd := -1
	attr := &os.ProcAttr{Dir: c.dir, Env: c.env, Files: std.child[:], Sys: watchAttr(&pidfd, c.noPidfd)}
	proc, err := os.StartProcess(path, append([]string{name}, args...), attr)
	if err != nil {
		std.closeParent()
		return nil, err
	}
	p := &Process{Pid: proc.Pid, loop: l, proc: proc}
	p.connect(l, &std, c.limit)
	p.watch(pidfd)
	return p, nil
}

// stdioSet is the three standard streams of a child while it starts:
// the files it gets, and the parent's ends of the pipes (-1 where there
// is none).
type stdioSet struct {
	child  [3]*os.File
	own    [3]bool // child[i] was made here, to close once the child has it
	parent [3]int
}

// make fills the set from c.
func (s *stdioSet) make(c *procConfig) error {
	s.parent = [3]int{-1, -1, -1}
	std := [3]*os.File{os.Stdin, os.Stdout, os.Stderr}
	for i := range 3 {
		if c.file[i] != nil {
			s.child[i] = c.file[i]
			continue
		}
		switch c.mode[i] {
		case Inherit:
			s.child[i] = std[i]
		case DevNull:
			flag := os.O_RDONLY
			if i > 0 {
				flag = os.O_WRONLY
			}
			f, err := os.OpenFile(os.DevNull, flag, 0)
			if err != nil {
				return err
			}
			s.child[i], s.own[i] = f, true
		case Pipe:
			if err := s.pipe(i); err != nil {
				return err
			}
		case Stdout:
			if i != 2 {
				return fmt.Errorf("aio: Stdout is for stderr only (stream %d)", i)
			}
			s.child[2] = s.child[1]
		default:
			return fmt.Errorf("aio: invalid Stdio %d", c.mode[i])
		}
	}
	return nil
}

// pipe makes a pipe for stream i: the parent's end non-blocking, both
// ends close-on-exec (os.StartProcess gives the child its end as stream
// i, without the flag).
func (s *stdioSet) pipe(i int) error {
	var p [2]int
	if err := sysPipe(&p); err != nil {
		return err
	}
	mine, theirs := p[1], p[0] // stdin: the parent writes
	if i > 0 {
		mine, theirs = p[0], p[1]
	}
	if err := unix.SetNonblock(mine, true); err != nil {
		unix.Close(mine)
		unix.Close(theirs)
		return os.NewSyscallError("setnonblock", err)
	}
	s.parent[i] = mine
	s.child[i], s.own[i] = os.NewFile(uintptr(theirs), "|0"), true
	return nil
}

// closeChild closes the child's ends made here: once the child has
// started, its copies are all it needs (and the parent must not hold a
// write end, or its reader would never see the end).
func (s *stdioSet) closeChild() {
	for i, f := range s.child {
		if s.own[i] {
			f.Close()
		}
	}
}

// closeParent closes the parent's ends, when the child did not start.
func (s *stdioSet) closeParent() {
	for _, fd := range s.parent {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// connect wraps the parent's ends in pipe transports with stream
// protocols.
func (p *Process) connect(l *Loop, s *stdioSet, limit int) {
	for i, fd := range s.parent {
		if fd < 0 {
			continue
		}
		sp := newStreamProtocol(nil)
		sp.r.SetLimit(limit)
		if i == 0 {
			newWritePipe(l, fd, sp).start()
			p.Stdin = &sp.w
			continue
		}
		newReadPipe(l, fd, sp).start()
		if i == 1 {
			p.Stdout = &sp.r
		} else {
			p.Stderr = &sp.r
		}
	}
}

// exitedWith records the child's exit status and wakes Wait.
func (p *Process) exitedWith(st *os.ProcessState, err error) {
	if err != nil {
		p.code = -1
		p.loop.CallExceptionHandler(ExceptionContext{Message: fmt.Sprintf("aio: waiting for process %d", p.Pid), Err: err})
	} else {
		p.code = returnCode(st)
	}
	p.exited.Set()
}

// returnCode is asyncio's returncode: the exit status, or minus the
// signal that killed the child.
func returnCode(st *os.ProcessState) int {
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return st.ExitCode()
}

// ReturnCode returns the child's return code and true once it has
// exited and been reaped, (0, false) before (asyncio's returncode, None
// before the exit). The code is the exit status, or minus the number of
// the signal that killed the child (-9 for SIGKILL), as in asyncio.
func (p *Process) ReturnCode() (int, bool) {
	if !p.exited.IsSet() {
		return 0, false
	}
	return p.code, true
}

// Wait waits for the child to exit and returns its return code (see
// ReturnCode). It does not wait for the pipes: with Stdout or Stderr a
// Pipe, read them as well, or a child that fills a pipe blocks for ever
// (Communicate does both). Several tasks may wait.
//
// Cancellation: Wait returns an error matching [ErrCancelled]; the child
// goes on running, and a later Wait (or ReturnCode) gets its code.
func (p *Process) Wait(t *Task) (int, error) {
	if err := p.exited.Wait(t); err != nil {
		return 0, err
	}
	return p.code, nil
}

// Communicate writes input to the child's stdin and closes it, reads
// stdout and stderr to their end, all three at once, then waits for the
// child to exit (asyncio's communicate). It returns what was read, nil
// for a stream that is not a Pipe. Input for a stdin that is not a Pipe
// is refused with [ErrStdinNotPipe]; with a nil input a piped stdin is
// just closed. A child that stops reading its stdin (it exited, or
// closed it) is not an error: the rest of input is dropped, as in
// asyncio. A grandchild that keeps stdout or stderr open keeps
// Communicate waiting until it closes them.
//
// Cancellation: Communicate returns an error matching [ErrCancelled] and
// leaves the pipes usable: the bytes read so far stay in Stdout's and
// Stderr's buffers, where a later read (or Communicate) finds them, and
// stdin has received a prefix of input and stays open. The child goes
// on running.
func (p *Process) Communicate(t *Task, input []byte) (stdout, stderr []byte, err error) {
	if input != nil && p.Stdin == nil {
		return nil, nil, ErrStdinNotPipe
	}
	futs := make([]*Future[[]byte], 0, 3)
	if p.Stdin != nil {
		futs = append(futs, Spawn(t, func(t *Task) ([]byte, error) { return nil, p.feedStdin(t, input) }))
	}
	for _, r := range [2]*StreamReader{p.Stdout, p.Stderr} {
		if r != nil {
			futs = append(futs, Spawn(t, r.readToEnd))
		}
	}
	res, err := Gather(t, futs...)
	if err != nil {
		p.stopCommunicating(t, futs)
		return nil, nil, err
	}
	if p.Stdin != nil {
		res = res[1:]
	}
	if p.Stdout != nil {
		stdout, res = res[0], res[1:]
	}
	if p.Stderr != nil {
		stderr = res[0]
	}
	if _, err := p.Wait(t); err != nil {
		return nil, nil, err
	}
	return stdout, stderr, nil
}

// stopCommunicating cancels what is left of a Communicate that failed or
// was cancelled, and waits until it has stopped (a pass or two: its
// parts end at their first await), so that the streams are free for the
// caller's next read. The wait is shielded from the enclosing scopes,
// which stay cancelled; a further Task.Cancel is one-shot, so the loop
// ends.
func (p *Process) stopCommunicating(t *Task, futs []*Future[[]byte]) {
	for _, f := range futs {
		f.Cancel()
	}
	Shielded(t, func(t *Task) error {
		for _, f := range futs {
			for !f.Done() {
				AwaitDone(t, f)
			}
		}
		return nil
	})
}

// readToEnd is ReadAll for Communicate, which expects a whole output
// of any size: the buffer grows by doubling ahead of the data (append's
// growth past 256 elements is 1.25x, which for 100 MiB copied the output
// six times over), and is handed over at the end without the copy that
// ReadAll makes. Cancellation is ReadAll's: the bytes stay buffered.
func (r *StreamReader) readToEnd(t *Task) ([]byte, error) {
	for {
		if r.err != nil {
			return nil, r.err
		}
		if r.eof {
			out := r.buf[r.off:]
			r.buf, r.off = nil, 0
			if out == nil {
				out = []byte{}
			}
			return out, nil
		}
		if cap(r.buf)-len(r.buf) < readToEndMin {
			r.buf = slices.Grow(r.buf, max(cap(r.buf), readToEndMin)) // doubles
		}
		if err := r.waitForData(t, "ReadAll"); err != nil {
			return nil, err
		}
	}
}

// readToEndMin is the least room readToEnd makes for what comes: the
// reads of one loop pass.
const readToEndMin = readBudget * 64 << 10

// stdinChunk is the size of Communicate's writes to stdin: a write
// buffer's chunk, so that what the pipe does not take at once is kept
// in pooled chunks rather than copied into one of its own.
const stdinChunk = wchunkSize

// feedStdin writes input in chunks, draining after each, then closes
// stdin. A broken pipe ends it quietly: the child does not want more.
func (p *Process) feedStdin(t *Task, input []byte) error {
	w := p.Stdin
	for len(input) > 0 && !w.IsClosing() {
		n := min(len(input), stdinChunk)
		err := w.Write(input[:n])
		if err == nil {
			err = w.Drain(t)
		}
		if errors.Is(err, ErrCancelled) {
			return err
		}
		if err != nil {
			break // a broken pipe, or a stdin closed by the caller
		}
		input = input[n:]
	}
	w.Close()
	return nil
}

// SendSignal sends sig to the child (asyncio's send_signal). After the
// child has been reaped it returns [os.ErrProcessDone] (asyncio does
// nothing then); on Linux a pidfd makes sure the signal never reaches
// another process that got the same pid.
func (p *Process) SendSignal(sig os.Signal) error { return p.proc.Signal(sig) }

// Terminate sends SIGTERM to the child (asyncio's terminate), as
// SendSignal.
func (p *Process) Terminate() error { return p.SendSignal(syscall.SIGTERM) }

// Kill sends SIGKILL to the child (asyncio's kill), as SendSignal.
func (p *Process) Kill() error { return p.SendSignal(syscall.SIGKILL) }

// String describes the process.
func (p *Process) String() string {
	if code, ok := p.ReturnCode(); ok {
		return fmt.Sprintf("<Process %d returncode=%d>", p.Pid, code)
	}
	return fmt.Sprintf("<Process %d running>", p.Pid)
}
