package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/aio-go/aio/internal/http1"
)

// clientJar is the jar a client has unless [ClientCookieJar] gives
// another: net/http/cookiejar's without a public suffix list, and a flag
// that is set at the first SetCookies.
//
// The flag spares a client that never got a cookie the jar's lookup on
// every request: for a host name it allocates (the jar's failed parse
// of the host as an IP address makes an error), and it takes a lock and
// reads the clock. Skipping it is
// exact: the inner jar is reachable through this type only, so while
// SetCookies has never run it holds no cookie, and its Cookies would
// return none. The flag is atomic because the jar, as an
// [http.CookieJar] from [Client.CookieJar], may be used from any
// goroutine.
type clientJar struct {
	jar    *cookiejar.Jar
	stored atomic.Bool
}

func newClientJar() *clientJar {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &clientJar{jar: jar}
}

// SetCookies stores cookies for u, as [cookiejar.Jar.SetCookies] does.
func (j *clientJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) > 0 {
		j.stored.Store(true)
	}
	j.jar.SetCookies(u, cookies)
}

// Cookies returns the cookies to send to u, as [cookiejar.Jar.Cookies]
// does.
func (j *clientJar) Cookies(u *url.URL) []*http.Cookie {
	if !j.stored.Load() {
		return nil
	}
	return j.jar.Cookies(u)
}

// storeCookies puts the response's Set-Cookie fields in the jar.
func (c *Client) storeCookies(u *url.URL, resp *ClientResponse) {
	if c.cfg.jar == nil {
		return
	}
	var cookies []*http.Cookie
	for name, value := range resp.Fields() {
		if strings.EqualFold(string(name), "Set-Cookie") {
			if ck, err := http.ParseSetCookie(string(value)); err == nil {
				cookies = append(cookies, ck)
			}
		}
	}
	if len(cookies) > 0 {
		c.cfg.jar.SetCookies(u, cookies)
	}
}

// writeCookies writes the request's cookies as one Cookie field (a
// client sends at most one, RFC 6265 section 5.4, and servers such as
// aiohttp's read only the first): the request's own Cookie header, or
// else the client's default one, then the jar's cookies for the URL.
// Leaving the original host drops the own and default ones; the jar
// decides by its own rules what goes where.
func (ex *clientExchange) writeCookies(w *http1.Writer) {
	var own []string
	if !ex.dropAuth {
		if own = ex.req.Header["Cookie"]; len(own) == 0 {
			own = ex.c.cfg.header["Cookie"]
		}
	}
	var jarred []*http.Cookie
	if jar := ex.c.cfg.jar; jar != nil {
		jarred = jar.Cookies(ex.u)
	}
	switch {
	case len(jarred) == 0 && len(own) == 0:
		return
	case len(jarred) == 0 && len(own) == 1:
		w.Header("Cookie", own[0])
		return
	}
	var sb strings.Builder
	for _, v := range own {
		clientCookieSep(&sb)
		sb.WriteString(v)
	}
	for _, ck := range jarred {
		clientCookieSep(&sb)
		sb.WriteString(ck.Name)
		sb.WriteByte('=')
		if ck.Quoted { // as it came in Set-Cookie
			sb.WriteByte('"')
			sb.WriteString(ck.Value)
			sb.WriteByte('"')
		} else {
			sb.WriteString(ck.Value)
		}
	}
	w.Header("Cookie", sb.String())
}

// clientCookieSep separates a cookie from those before it in sb.
func clientCookieSep(sb *strings.Builder) {
	if sb.Len() > 0 {
		sb.WriteString("; ")
	}
}
