package web_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// TestClientStress runs 300 seeded random requests at once through tight
// limits against three servers on the loop: bodies read, closed half
// read, timed out, cancelled. Every request must end as its kind says,
// the limits must hold (every connection a server has is counted), and
// once the client is closed no connection may be left.
func TestClientStress(t *testing.T) {
	clVirtual(t, func(tk *aio.Task) error {
		var servers []*clLoopServer
		for range 3 {
			ls, err := clStartLoopServer(tk, clCanned)
			if err != nil {
				return err
			}
			defer ls.close(tk)
			servers = append(servers, ls)
		}
		open := func() (total, most int) {
			for _, ls := range servers {
				n := ls.srv.Connections()
				total += n
				most = max(most, n)
			}
			return total, most
		}
		c := web.NewClient(web.ClientLimit(6, 3), web.ClientTimeouts(web.ClientTimeout{SockRead: time.Second}))
		rng := rand.New(rand.NewPCG(3, 4))
		var futs []*aio.Future[struct{}]
		for i := range 300 {
			ls := servers[rng.IntN(len(servers))]
			kind := rng.IntN(4)
			delay := time.Duration(rng.IntN(3000)) * time.Millisecond
			futs = append(futs, aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) {
				if err := aio.Sleep(tk, delay); err != nil {
					return struct{}{}, err
				}
				if total, most := open(); total > 6 || most > 3 {
					return struct{}{}, fmt.Errorf("request %d: %d connections open, %d to one server", i, total, most)
				}
				switch kind {
				case 0: // read whole
					resp, err := c.Get(tk, ls.url+"/ok")
					if err != nil {
						return struct{}{}, err
					}
					if body, err := clRead(tk, resp); body != "ok" || err != nil {
						return struct{}{}, fmt.Errorf("request %d: %q, %v", i, body, err)
					}
				case 1: // closed half read
					resp, err := c.Get(tk, ls.url+"/partial")
					if err != nil {
						return struct{}{}, err
					}
					buf := make([]byte, 2)
					if _, err := resp.Read(tk, buf); err != nil {
						return struct{}{}, err
					}
					resp.Close()
				case 2: // timed out
					if _, err := c.Get(tk, ls.url+"/silent"); !errors.Is(err, web.ErrClientTimeout) {
						return struct{}{}, fmt.Errorf("request %d: %v, want a timeout", i, err)
					}
				case 3: // cancelled
					err := aio.Timeout(tk, 500*time.Millisecond, func(tk *aio.Task) error {
						_, err := c.Get(tk, ls.url+"/silent")
						return err
					})
					if !errors.Is(err, aio.ErrTimeout) || errors.Is(err, web.ErrClientTimeout) {
						return struct{}{}, fmt.Errorf("request %d: %v, want our own timeout", i, err)
					}
				}
				return struct{}{}, nil
			}))
		}
		if _, err := aio.Gather(tk, futs...); err != nil {
			return err
		}
		c.Close()
		if err := aio.Sleep(tk, time.Second); err != nil {
			return err
		}
		if total, _ := open(); total != 0 {
			t.Errorf("%d connections left after Close", total)
		}
		return nil
	})
}
