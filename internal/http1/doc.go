// Package http1 is the HTTP/1.1 message parser and writer shared by aio's
// web server and client. It imports only the standard library.
//
// # Parsing
//
// A [Parser] reads one connection's messages (requests for a server,
// responses for a client) from whatever slices of input the connection
// delivers: [Parser.Feed] consumes some of its input and reports one
// [Event] (a head, body bytes, a message's end, or "need more"). Any
// split of the same bytes gives the same events, so a protocol callback
// can feed each read as it arrives, and no goroutine or blocking read is
// involved. Steady-state parsing allocates nothing.
//
// Lifetime: the head's slices live in the parser's buffer until the first
// Feed after that message's [EventEnd]; body slices are the caller's
// input, valid as long as it is.
//
// The head's bytes are copied into the parser's own reusable buffer as
// they come (one copy per line), so they outlive the caller's read buffer
// and a head split across reads is contiguous. Body bytes of any framing
// are handed out as sub-slices of the input, never copied.
//
// The parser is strict to RFC 9112 and RFC 9110: instead of guessing at a
// malformed or ambiguous message it returns an [*Error] carrying the
// status to answer (400, 413, 414, 431, 505), after which the server
// closes the connection. It refuses Content-Length with
// Transfer-Encoding, repeated or malformed Content-Length, a
// Transfer-Encoding other than a final chunked, malformed chunk sizes and
// extensions, chunk data longer than its size, obsolete line folding,
// whitespace before a field's colon, control characters in fields, bare
// CR and bare LF, bad method, target or version tokens, HTTP/0.9, and an
// HTTP/1.1 request without exactly one valid Host. [Config] sets the
// limits. Errors fall into classes tested with [errors.Is]: [ErrSyntax],
// [ErrFraming], [ErrHost], [ErrTooLarge], [ErrVersion].
//
// It is checked against the llhttp test corpus (every deliberate
// difference is listed in the tests with its reason), fuzzed for split
// invariance and against net/http's ReadRequest.
//
// # Writing
//
// A [Writer] builds a response (or request) head and body as a list of
// byte slices for one writev, in a buffer it reuses: no allocation per
// message in steady state. It refuses header fields that would split the
// message. [Date] caches the Date header's value, reformatted at most
// once a second by its owner (one per event loop).
package http1
