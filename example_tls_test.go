package aio_test

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"

	"github.com/aio-go/aio"
)

// A TLS echo server and client with streams. newPKI makes a test CA and a
// certificate for 127.0.0.1; a real server loads its own
// (tls.LoadX509KeyPair).
func ExampleWithTLS() {
	pki, err := newPKI("example")
	if err != nil {
		fmt.Println(err)
		return
	}
	err = aio.Run(func(t *aio.Task) error {
		srv, err := aio.StartServer(t, func(t *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			line, err := r.ReadLine(t)
			if err != nil {
				return err
			}
			w.Write(append([]byte("echo: "), line...))
			return w.Drain(t)
		}, "tcp", "127.0.0.1:0", aio.WithTLS(&tls.Config{Certificates: []tls.Certificate{pki.Server}}))
		if err != nil {
			return err
		}
		defer srv.Close()

		r, w, err := aio.OpenConnection(t, "tcp", srv.Addr().String(),
			aio.WithTLS(&tls.Config{RootCAs: pki.Pool})) // verifies 127.0.0.1
		if err != nil {
			return err
		}
		defer w.Close()
		w.Write([]byte("hello\n"))
		line, err := r.ReadLine(t)
		if err != nil {
			return err
		}
		state := w.ExtraInfo("ssl_object").(tls.ConnectionState)
		fmt.Printf("%s%s\n", line, tls.VersionName(state.Version))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// echo: hello
	// TLS 1.3
}

// Standard library code over a stream: encoding/json and bufio on a
// Conn, whose Read and Write suspend the task instead of blocking.
func ExampleNewConn() {
	err := aio.Run(func(t *aio.Task) error {
		srv, err := aio.StartServer(t, func(t *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			c := aio.NewConn(r, w)
			defer c.Close()
			var req struct{ A, B int }
			if err := json.NewDecoder(c).Decode(&req); err != nil {
				return err
			}
			return json.NewEncoder(c).Encode(map[string]int{"sum": req.A + req.B})
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()

		c, err := aio.Dial(t, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		fmt.Fprintln(c, `{"A": 2, "B": 3}`)
		reply, err := bufio.NewReader(c).ReadString('\n')
		fmt.Print(reply)
		return err
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: {"sum":5}
}

// An accept loop over a net.Listener: each connection is served by a
// task of its own, which uses the conn the loop passes it.
func ExampleListen() {
	err := aio.Run(func(t *aio.Task) error {
		ln, err := aio.Listen(t, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
			for {
				c, err := ln.Accept()
				if err != nil {
					return struct{}{}, nil // closed
				}
				aio.Spawn(t, func(t *aio.Task) (struct{}, error) {
					defer c.Close()
					name, err := bufio.NewReader(c).ReadString('\n')
					if err == nil {
						fmt.Fprintf(c, "hello, %s", name)
					}
					return struct{}{}, err
				})
			}
		})
		for _, name := range []string{"ada", "grace"} {
			c, err := aio.Dial(t, "tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			fmt.Fprintln(c, name)
			reply, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err != nil {
				return err
			}
			fmt.Print(reply)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// hello, ada
	// hello, grace
}

// STARTTLS: a plain-text exchange, then both sides upgrade the same
// connection in place.
func ExampleStreamWriter_StartTLS() {
	pki, err := newPKI("example")
	if err != nil {
		fmt.Println(err)
		return
	}
	err = aio.Run(func(t *aio.Task) error {
		srv, err := aio.StartServer(t, func(t *aio.Task, r *aio.StreamReader, w *aio.StreamWriter) error {
			defer w.Close()
			if line, err := r.ReadLine(t); err != nil || string(line) != "STARTTLS\n" {
				return err
			}
			w.Write([]byte("220 go ahead\n"))
			if err := w.StartTLS(t, &tls.Config{Certificates: []tls.Certificate{pki.Server}}); err != nil {
				return err
			}
			line, err := r.ReadLine(t)
			if err != nil {
				return err
			}
			w.Write(append([]byte("secret: "), line...))
			return w.Drain(t)
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
		w.Write([]byte("STARTTLS\n"))
		if _, err := r.ReadLine(t); err != nil {
			return err
		}
		host, _, _ := net.SplitHostPort(srv.Addr().String())
		if err := w.StartTLS(t, &tls.Config{RootCAs: pki.Pool}, aio.ServerHostname(host)); err != nil {
			return err
		}
		w.Write([]byte("swordfish\n"))
		line, err := r.ReadLine(t)
		fmt.Printf("%s", line)
		return err
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: secret: swordfish
}
