package web

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/aio-go/aio"
)

// Errors of the HTTP client, for [errors.Is]. A [Client] method returns
// them wrapped in a *[ClientError] naming the request.
var (
	// ErrClientClosed: the client was closed with [Client.Close].
	ErrClientClosed = errors.New("web: client closed")
	// ErrClientTimeout: a [ClientTimeout] ran out. It wraps
	// [aio.ErrTimeout], so errors.Is(err, aio.ErrTimeout) matches too.
	ErrClientTimeout = fmt.Errorf("web: client timeout: %w", aio.ErrTimeout)
	// ErrClientTooManyRedirects: more redirects than [ClientMaxRedirects].
	ErrClientTooManyRedirects = errors.New("web: too many redirects")
	// ErrClientBadResponse: the server's response breaks HTTP/1.1 (it is
	// refused, never guessed at) or exceeds a limit of the parser.
	ErrClientBadResponse = errors.New("web: malformed HTTP response")
	// ErrClientConnClosed: the server closed the connection before the
	// response was complete (or before it began).
	ErrClientConnClosed = errors.New("web: server closed the connection")
	// ErrClientScheme: the URL's scheme is not http or https, or the URL
	// has no host.
	ErrClientScheme = errors.New("web: unsupported URL")
	// ErrClientProxy: the proxy refused to open a tunnel (CONNECT) to
	// the host of an https URL.
	ErrClientProxy = errors.New("web: proxy refused the tunnel")
	// ErrClientInvalidHeader: the request has a header field that would
	// break the message (a CR, LF or other control character: request
	// splitting), or a bad method or URL; nothing was sent.
	ErrClientInvalidHeader = errors.New("web: invalid request header")
	// ErrClientBodyTooLarge: a body read whole ([ClientResponse.Bytes],
	// Text, JSON) is longer than [ClientMaxBodySize].
	ErrClientBodyTooLarge = errors.New("web: response body too large")
	// ErrClientContentType: [ClientResponse.JSON] on a response whose
	// Content-Type is not JSON (aiohttp's ContentTypeError).
	ErrClientContentType = errors.New("web: unexpected Content-Type")
	// ErrClientCharset: [ClientResponse.Text] met a charset it cannot
	// decode (it knows UTF-8, US-ASCII, ISO-8859-1 and windows-1252).
	ErrClientCharset = errors.New("web: unsupported charset")
	// ErrClientBodyClosed: a read of a response body after
	// [ClientResponse.Close].
	ErrClientBodyClosed = errors.New("web: read on a closed response body")
	// ErrClientStatus is matched by a *[ClientStatusError].
	ErrClientStatus = errors.New("web: error status")
	// ErrClientLoop: a [Client] was used from a task of another loop than
	// the one it first ran on; its connections belong to that loop.
	ErrClientLoop = errors.New("web: client used from another loop")
)

// ClientError is the error of a [Client] request: the operation, the
// method and URL, and the cause, which matches the sentinel errors above,
// [aio.ErrCancelled] when the task was cancelled, or a connection error
// such as [syscall.ECONNREFUSED].
type ClientError struct {
	Op     string // "connect", "write", "read" or "redirect"
	Method string
	URL    string // without the password of its user information
	Err    error
}

// Error returns "web: Op Method URL: cause".
func (e *ClientError) Error() string {
	return "web: " + e.Op + " " + e.Method + " " + e.URL + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ClientError) Unwrap() error { return e.Err }

// Timeout reports whether a timeout caused the error, as [net.Error] does.
func (e *ClientError) Timeout() bool { return errors.Is(e.Err, aio.ErrTimeout) }

func clientErr(op, method string, u *url.URL, err error) error {
	var ce *ClientError
	if errors.As(err, &ce) {
		return err
	}
	s := ""
	if u != nil {
		s = u.Redacted()
	}
	return &ClientError{Op: op, Method: method, URL: s, Err: err}
}

// ClientStatusError is returned for a response with a status of 400 or
// more when [ClientRaiseForStatus] is on, and by
// [ClientResponse.RaiseForStatus] (aiohttp's ClientResponseError). It
// matches [ErrClientStatus].
type ClientStatusError struct {
	StatusCode int
	Reason     string
	URL        string
}

// Error returns "web: 404 Not Found for URL".
func (e *ClientStatusError) Error() string {
	return fmt.Sprintf("web: %d %s for %s", e.StatusCode, e.Reason, e.URL)
}

// Is makes the error match [ErrClientStatus].
func (e *ClientStatusError) Is(target error) bool { return target == ErrClientStatus }

// Internal errors that decide what happens next, never returned as they
// are.
var (
	// clientErrContinue: the wait for "100 Continue" ran out, so the
	// body goes anyway.
	clientErrContinue = errors.New("web: continue timeout")
)
