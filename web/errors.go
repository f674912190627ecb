package web

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/aio-go/aio/internal/http1"
)

// An HTTPError is an HTTP error answer as an error value (aiohttp's
// HTTPException family): a handler or middleware returns it and the
// server answers with its status, header and a text/plain body of
// "status: message". Compare classes with [errors.Is]: an HTTPError
// matches any other of the same status, so
//
//	errors.Is(web.Errorf(404, "no user %q", id), web.ErrNotFound)
//
// is true. Values are not modified by the server, so the package's
// sentinels may be returned as they are.
type HTTPError struct {
	Status  int    // the status code, 400-599 (or 3xx for a redirect made with [Redirect])
	Message string // the body's text after "status: "; "" for the reason phrase only
	Header  Header // extra header fields of the answer (Allow for 405)
	Err     error  // the cause, if any: returned by Unwrap, never shown to the client
}

// Error returns "web: status reason: message", or the cause's text in
// place of an empty message.
func (e *HTTPError) Error() string {
	s := "web: " + strconv.Itoa(e.Status) + " " + http1.StatusText(e.Status)
	switch {
	case e.Message != "":
		s += ": " + e.Message
	case e.Err != nil:
		s += ": " + e.Err.Error()
	}
	return s
}

// Is reports whether target is an *HTTPError of the same status.
func (e *HTTPError) Is(target error) bool {
	t, ok := target.(*HTTPError)
	return ok && t.Status == e.Status
}

// Unwrap returns the cause.
func (e *HTTPError) Unwrap() error { return e.Err }

// body is what the answer's body says: "404: Not Found" or the message.
func (e *HTTPError) body() string {
	if e.Message != "" {
		return strconv.Itoa(e.Status) + ": " + e.Message
	}
	return strconv.Itoa(e.Status) + ": " + http1.StatusText(e.Status)
}

// Errorf returns an [*HTTPError] with the status and a message formatted
// as by [fmt.Sprintf]. A %w verb sets its Err (the cause).
func Errorf(status int, format string, args ...any) *HTTPError {
	err := fmt.Errorf(format, args...)
	return &HTTPError{Status: status, Message: err.Error(), Err: errors.Unwrap(err)}
}

// Sentinel HTTP errors, to return from handlers as they are or to test
// for with [errors.Is]. Each answers with its status and reason phrase.
var (
	ErrBadRequest           = &HTTPError{Status: 400}
	ErrUnauthorized         = &HTTPError{Status: 401}
	ErrForbidden            = &HTTPError{Status: 403}
	ErrNotFound             = &HTTPError{Status: 404}
	ErrMethodNotAllowed     = &HTTPError{Status: 405}
	ErrRequestTimeout       = &HTTPError{Status: 408}
	ErrConflict             = &HTTPError{Status: 409}
	ErrGone                 = &HTTPError{Status: 410}
	ErrPayloadTooLarge      = &HTTPError{Status: 413}
	ErrUnsupportedMediaType = &HTTPError{Status: 415}
	ErrTooManyRequests      = &HTTPError{Status: 429}
	ErrInternalServerError  = &HTTPError{Status: 500}
	ErrNotImplemented       = &HTTPError{Status: 501}
	ErrServiceUnavailable   = &HTTPError{Status: 503}
)

// Errors of the connection, reported to handlers reading a body.
var (
	// ErrBodyTimeout: the client sent no body bytes for the server's
	// BodyTimeout while a handler waited for them. The connection closes
	// after the answer.
	ErrBodyTimeout = errors.New("web: timed out reading the request body")
	// ErrBodyTooLarge: the body is longer than the server's MaxBodySize
	// (the answer is 413 and the connection closes).
	ErrBodyTooLarge = errors.New("web: request body too large")
	// ErrResponseSent: a handler tried to send a second response to the
	// same request, or to write a stream that ended.
	ErrResponseSent = errors.New("web: response already sent")
)
