//go:build linux

package aio_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// Our TLS server and client against crypto/tls on plain goroutines
// (tls.Dial, tls.Listen), run through the executor so the loop serves
// meanwhile.
func TestTLSInteropGo(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "interop")
	aiotest.Run(t, func(tk *aio.Task) error {
		srv, err := startTLSEcho(tk, pki.ServerConfig())
		if err != nil {
			return err
		}
		echo, err := aio.ToThread(tk, func() (string, error) {
			c, err := tls.Dial("tcp", srv.Addr().String(), pki.ClientConfig())
			if err != nil {
				return "", err
			}
			defer c.Close()
			fmt.Fprint(c, "from tls.Dial\n")
			return bufio.NewReader(c).ReadString('\n')
		})
		if err != nil || echo != "from tls.Dial\n" {
			t.Errorf("tls.Dial to our server: %q, %v", echo, err)
		}
		if err := closeServer(tk, srv); err != nil {
			return err
		}

		// Our client to a tls.Listen server.
		ln, err := tls.Listen("tcp", "127.0.0.1:0", pki.ServerConfig())
		if err != nil {
			return err
		}
		defer ln.Close()
		served := aio.Spawn(tk, func(tk *aio.Task) (string, error) {
			return aio.ToThread(tk, func() (string, error) {
				c, err := ln.Accept()
				if err != nil {
					return "", err
				}
				defer c.Close()
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return "", err
				}
				_, err = fmt.Fprint(c, "re: "+line)
				return line, err
			})
		})
		r, w, err := aio.OpenConnection(tk, "tcp", ln.Addr().String(), aio.WithTLS(pki.ClientConfig()))
		if err != nil {
			return err
		}
		defer w.Close()
		w.Write([]byte("from aio\n"))
		reply, err := r.ReadLine(tk)
		if err != nil || string(reply) != "re: from aio\n" {
			t.Errorf("reply of tls.Listen: %q, %v", reply, err)
		}
		if got, err := aio.Await(tk, served); err != nil || got != "from aio\n" {
			t.Errorf("tls.Listen server read %q, %v", got, err)
		}
		// The server's close_notify is the end of the stream.
		if rest, err := r.ReadAll(tk); err != nil || len(rest) != 0 {
			t.Errorf("after the server's close: %q, %v", rest, err)
		}
		return nil
	})
}

// needTool skips the test if name is not installed (.ci/run installs
// curl and openssl).
func needTool(tb testing.TB, name string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err != nil {
		tb.Skipf("%s not installed", name)
	}
}

// run runs a command on the executor, so that the loop serves its
// connections meanwhile, and returns its combined output.
func run(tk *aio.Task, stdin string, name string, args ...string) (string, error) {
	return aio.ToThread(tk, func() (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	})
}

// curl gets a page from a minimal HTTPS server made of a TLS stream
// handler; ALPN offers http/1.1.
func TestTLSCurl(t *testing.T) {
	needTool(t, "curl")
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "curl")
	ca, err := pki.WriteCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	aiotest.Run(t, func(tk *aio.Task) error {
		scfg := pki.ServerConfig()
		scfg.NextProtos = []string{"http/1.1"}
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			head, err := r.ReadUntil(tk, []byte("\r\n\r\n"))
			if err != nil {
				return err
			}
			path := strings.Fields(string(head))[1]
			body := "hello over " + w.ExtraInfo("ssl_object").(tls.ConnectionState).NegotiatedProtocol + " at " + path
			fmt.Fprintf(writerOf(w), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			return w.Drain(tk)
		}, "tcp", "127.0.0.1:0", aio.WithTLS(scfg))
		if err != nil {
			return err
		}
		_, port, _ := net.SplitHostPort(srv.Addr().String())
		out, err := run(tk, "", "curl", "-sS", "--cacert", ca, "https://127.0.0.1:"+port+"/x")
		if err != nil || out != "hello over http/1.1 at /x" {
			t.Errorf("curl: %q, %v", out, err)
		}
		// With a name: SNI and the certificate's DNS name.
		out, err = run(tk, "", "curl", "-sS", "--cacert", ca, "--resolve", "localhost:"+port+":127.0.0.1", "https://localhost:"+port+"/y")
		if err != nil || out != "hello over http/1.1 at /y" {
			t.Errorf("curl by name: %q, %v", out, err)
		}
		// curl without the CA refuses the certificate.
		if out, err := run(tk, "", "curl", "-sS", "https://127.0.0.1:"+port+"/"); err == nil {
			t.Errorf("curl without the CA succeeded: %q", out)
		}
		return closeServer(tk, srv)
	})
}

// writerOf adapts a StreamWriter to io.Writer for fmt.Fprintf.
type streamWriter struct{ w *aio.StreamWriter }

func writerOf(w *aio.StreamWriter) streamWriter { return streamWriter{w} }

func (s streamWriter) Write(p []byte) (int, error) {
	if err := s.w.Write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// openssl s_client talks to our server: verification succeeds, the line
// comes back, and the version and ALPN are the expected ones.
func TestTLSOpenSSLClient(t *testing.T) {
	needTool(t, "openssl")
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "openssl")
	ca, err := pki.WriteCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	aiotest.Run(t, func(tk *aio.Task) error {
		scfg := pki.ServerConfig()
		scfg.NextProtos = []string{"echo/1"}
		srv, err := aio.StartServer(tk, func(tk *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			line, err := r.ReadLine(tk)
			if err != nil {
				return err
			}
			w.Write(append([]byte("echo: "), line...))
			return w.Drain(tk)
		}, "tcp", "127.0.0.1:0", aio.WithTLS(scfg))
		if err != nil {
			return err
		}
		for _, version := range []string{"-tls1_3", "-tls1_2"} {
			out, err := run(tk, "ping from openssl\n", "openssl", "s_client", "-connect", srv.Addr().String(),
				"-CAfile", ca, "-verify_return_error", "-servername", "localhost", "-alpn", "echo/1", "-ign_eof", version)
			if err != nil {
				t.Errorf("openssl s_client %s: %v\n%s", version, err, out)
				continue
			}
			for _, want := range []string{"echo: ping from openssl", "Verify return code: 0 (ok)", "ALPN protocol: echo/1"} {
				if !strings.Contains(out, want) {
					t.Errorf("openssl s_client %s: no %q in:\n%s", version, want, out)
				}
			}
			if want := map[string]string{"-tls1_3": "TLSv1.3", "-tls1_2": "TLSv1.2"}[version]; !strings.Contains(out, "Protocol  : "+want) && !strings.Contains(out, ", "+want+",") {
				t.Errorf("openssl s_client %s: not %s:\n%s", version, want, out)
			}
		}
		return closeServer(tk, srv)
	})
}

// ServeStreamsMultiLoop with WithTLS: each loop's connections speak TLS,
// to tls.Dial clients on plain goroutines.
func TestTLSMultiLoop(t *testing.T) {
	aiotest.CheckGoroutines(t)
	aiotest.CheckFDs(t)
	pki := mustPKI(t, "multiloop")
	m, err := aio.ServeStreamsMultiLoop(echoLines, "tcp4", "127.0.0.1:0", aio.Loops(2), aio.WithTLS(pki.ServerConfig()))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for i := range 6 {
		c, err := tls.Dial("tcp4", m.Addr().String(), pki.ClientConfig())
		if err != nil {
			t.Fatal(err)
		}
		msg := fmt.Sprintf("hello %d\n", i)
		fmt.Fprint(c, msg)
		got, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || got != msg {
			t.Fatalf("echo = %q, %v; want %q", got, err, msg)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}
