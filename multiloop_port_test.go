package aio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// checkPortInUse fails unless err says that the port is taken.
func checkPortInUse(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("ServeMultiLoop shared a port held by someone else")
	}
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("error %q does not match EADDRINUSE", err)
	}
}

// A port held by a plain listener (no SO_REUSEPORT) is refused.
func TestServeMultiLoopPortHeldByListener(t *testing.T) {
	checkFDs(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ms, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", ln.Addr().String(), Loops(2))
	if err == nil {
		ms.Close()
	}
	checkPortInUse(t, err)
}

// A port held by another process's MultiServer (its listeners have
// SO_REUSEPORT, and the kernel would let ours join) is refused, and ours
// holding the port makes the other process fail.
func TestServeMultiLoopPortHeldByOtherProcess(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	// The other process holds the port.
	child, addr := startPortChild(t, "127.0.0.1:0")
	if !strings.HasPrefix(child.status, "SERVING") {
		t.Fatalf("child: %s", child.status)
	}
	ms, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", addr, Loops(2))
	if err == nil {
		ms.Close()
	}
	checkPortInUse(t, err)
	child.stop(t) // its server closes: the port is free again

	// Ours holds it (the port is free again once the child has gone).
	ms, err = ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", addr, Loops(2))
	if err != nil {
		t.Fatalf("port not free after the child's server closed: %v", err)
	}
	defer ms.Close()
	child, _ = startPortChild(t, addr)
	if child.status != "EADDRINUSE" {
		t.Fatalf("child on a port our server holds: %s", child.status)
	}
}

// A server restarted on its port gets it even though the connections it
// closed wait in TIME_WAIT there: the claim is made with SO_REUSEADDR,
// like the listeners.
func TestServeMultiLoopRestartOnSamePort(t *testing.T) {
	checkFDs(t)
	defer checkNoGoroutineLeak(t)()
	ms, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", "127.0.0.1:0", Loops(2))
	if err != nil {
		t.Fatal(err)
	}
	addr := ms.Addr().String()
	c := dialServer(t, addr)
	waitConnections(t, ms, 1)
	ms.Close() // the server closes first: its side is in TIME_WAIT
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("connection still open: %v", err)
	}
	ms, err = ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", addr, Loops(2))
	if err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	ms.Close()
}

// portChild is a copy of the test binary serving on a port.
type portChild struct {
	cmd    *exec.Cmd
	stdin  io.Closer
	status string // SERVING addr, EADDRINUSE, or the error
}

// startPortChild runs a child process that calls ServeMultiLoop on addr
// and reports the outcome; a serving child stops when stop closes its
// stdin.
func startPortChild(t *testing.T, addr string) (*portChild, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeMultiLoopPortChild$")
	cmd.Env = append(os.Environ(), "AIO_TEST_PORT_CHILD="+addr)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &portChild{cmd: cmd, stdin: stdin}
	t.Cleanup(func() { c.stop(t) })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		c.stop(t)
		t.Fatalf("child: %v", err)
	}
	c.status = strings.TrimSpace(line)
	addr, _ = strings.CutPrefix(c.status, "SERVING ")
	return c, addr
}

func (c *portChild) stop(t *testing.T) {
	t.Helper()
	if c.cmd == nil {
		return // stopped already
	}
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("child: %v", err)
	}
	c.cmd = nil
}

// TestServeMultiLoopPortChild is the child of the tests above.
func TestServeMultiLoopPortChild(t *testing.T) {
	addr := os.Getenv("AIO_TEST_PORT_CHILD")
	if addr == "" {
		t.Skip("run by TestServeMultiLoopPortHeldByOtherProcess")
	}
	ms, err := ServeMultiLoop(func() *recProto { return &recProto{} }, "tcp", addr, Loops(2))
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		fmt.Println("EADDRINUSE")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println("SERVING", ms.Addr())
		io.Copy(io.Discard, os.Stdin) // until the parent closes it
		ms.Close()
	}
}
