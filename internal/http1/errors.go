package http1

import (
	"errors"
	"io"
)

// Classes of parse errors, for [errors.Is]. Every error the [Parser]
// returns is an [*Error] that unwraps to one of these (or to
// [io.ErrUnexpectedEOF] from [Parser.Finish]).
var (
	// ErrSyntax: the message breaks the HTTP/1.1 grammar (400).
	ErrSyntax = errors.New("http1: malformed message")
	// ErrFraming: the body's length cannot be determined safely:
	// conflicting or malformed Content-Length or Transfer-Encoding, or a
	// bad chunk (400). Such messages are how requests are smuggled past
	// proxies, so a server closes the connection after answering.
	ErrFraming = errors.New("http1: invalid message framing")
	// ErrHost: an HTTP/1.1 request without a Host header, with two, or
	// with an invalid one (400).
	ErrHost = errors.New("http1: missing, repeated or invalid Host")
	// ErrTooLarge: a [Config] limit was exceeded (414, 431 or 413).
	ErrTooLarge = errors.New("http1: message exceeds a limit")
	// ErrVersion: an HTTP version other than 1.x (505).
	ErrVersion = errors.New("http1: unsupported HTTP version")
	// ErrInvalidHeader: the [Writer] refused what it was asked to write:
	// a header name or value that would break the message (CR, LF or NUL:
	// response splitting), a bad start line, or a body whose length
	// differs from its Content-Length (500).
	ErrInvalidHeader = errors.New("http1: invalid header field")
)

// An Error is a rejected message: the HTTP status to answer with (for a
// parse error, a server answers it and closes the connection; a [Writer]'s
// errors carry 500), and what was wrong. Errors are
// immutable values shared by all parsers; compare their class with
// [errors.Is] (for example errors.Is(err, [ErrFraming])).
type Error struct {
	Status int    // the status code to answer with (400, 413, 414, 431, 505; 500 from a Writer)
	Reason string // what was wrong, for logs
	class  error
}

// Error returns the reason, prefixed with "http1: ".
func (e *Error) Error() string { return "http1: " + e.Reason }

// Unwrap returns the error's class: [ErrSyntax], [ErrFraming], [ErrHost],
// [ErrTooLarge], [ErrVersion], [ErrInvalidHeader] or [io.ErrUnexpectedEOF].
func (e *Error) Unwrap() error { return e.class }

func syntaxErr(reason string) *Error  { return &Error{400, reason, ErrSyntax} }
func framingErr(reason string) *Error { return &Error{400, reason, ErrFraming} }

var (
	errBareCR         = syntaxErr("bare CR")
	errBareLF         = syntaxErr("LF without CR")
	errEmptyLines     = syntaxErr("too many empty lines before the request line")
	errMethod         = syntaxErr("invalid method")
	errTarget         = syntaxErr("invalid request target")
	errRequestLine    = syntaxErr("malformed request line")
	errHTTP09         = syntaxErr("HTTP/0.9 request (no version)")
	errVersionToken   = syntaxErr("malformed HTTP version")
	errStatusLine     = syntaxErr("malformed status line")
	errFieldName      = syntaxErr("invalid header field name")
	errSpaceColon     = syntaxErr("whitespace between header field name and colon")
	errFieldValue     = syntaxErr("invalid character in header field value")
	errObsFold        = syntaxErr("obsolete line folding")
	errLeadingSpace   = syntaxErr("whitespace before the first header field")
	errNoHost         = &Error{400, "HTTP/1.1 request without Host", ErrHost}
	errTwoHosts       = &Error{400, "repeated Host header", ErrHost}
	errBadHost        = &Error{400, "invalid Host header", ErrHost}
	errCLTE           = framingErr("both Content-Length and Transfer-Encoding")
	errCLBad          = framingErr("malformed Content-Length")
	errCLRepeated     = framingErr("repeated Content-Length")
	errTEBad          = framingErr("Transfer-Encoding other than a final chunked")
	errTE10           = framingErr("Transfer-Encoding in an HTTP/1.0 message")
	errChunkSize      = framingErr("invalid chunk size")
	errChunkExt       = framingErr("invalid chunk extension")
	errChunkOverrun   = framingErr("chunk data not followed by CRLF")
	errVersion        = &Error{505, "HTTP major version other than 1", ErrVersion}
	errURITooLong     = &Error{414, "request line too long", ErrTooLarge}
	errStatusTooLong  = &Error{400, "status line too long", ErrTooLarge}
	errHeadersTooLong = &Error{431, "header section too large", ErrTooLarge}
	errTooManyHeaders = &Error{431, "too many header fields", ErrTooLarge}
	errChunkLineLong  = &Error{400, "chunk size line too long", ErrTooLarge}
	errBodyTooLarge   = &Error{413, "body too large", ErrTooLarge}
	errEOF            = &Error{400, "connection closed in the middle of a message", io.ErrUnexpectedEOF}
	errFinished       = syntaxErr("input after Finish")
	errAfterClose     = syntaxErr("data after a message that closes the connection")
)
