// Package route is the HTTP request router of aio's web server: it maps a
// method and a raw request path to a handler, with aiohttp's routing
// semantics. It imports only the standard library and is generic over the
// handler type: a [Router][H] stores values of any type H.
//
// # Patterns
//
// A pattern is '/'-separated segments, starting with '/'. Each segment is
// either literal text or exactly one variable:
//
//	/users            static segment, matched against the decoded path segment
//	/users/{id}       variable: any non-empty segment
//	/orders/{n:[0-9]+}  variable with a regular expression, matching the whole decoded segment
//	/static/{path:.*} tail variable: the rest of the path, '/' included, maybe empty
//	/files/{path:.+}  tail variable that must not be empty
//
// Only {name:.*} and {name:.+} are tails, and only as the last segment.
// A segment mixing text and a variable ("/{name}.json") is refused. The
// regular expression may contain braces ("{id:[0-9]{4}}"); it is compiled
// by [Router.Add], which reports a bad one, a repeated variable name, more
// than [MaxParams] variables or a route clashing with an existing one as
// an error, never a panic. Methods are case-sensitive; "*" means any.
//
// # Precedence
//
// Lookup walks the path segment by segment. At each segment the
// candidates are tried in this order: a static segment, then the
// regexp variables in the order they were first added at that position,
// then the {name} variable, then tail variables. When the rest of the
// path matches no route taking the method below a candidate, the next
// candidate is tried, so /users/new and /users/{id}/edit both serve
// /users/new/edit, and a route that does not take the method does not
// hide one below that does (aiohttp likewise tries the next resource).
// The first route that takes the method wins; when routes match the path
// but none takes the method, the result is [MethodNotAllowed] with the
// union of their methods. A HEAD request falls back to the GET route
// (Result.HeadFallback) and OPTIONS without an OPTIONS route is
// [AutoOptions]. For one pattern, an explicit method wins over "*", and
// for HEAD the GET route wins over "*".
//
// # Decoding
//
// The path is given raw, percent-encoded. Segments are split on the raw
// '/' only, then decoded: %2F in a {name} value decodes to '/' inside
// that value ("/users/a%2Fb" gives id "a/b") and never starts a new
// segment; in a tail value raw '/' and %2F both become '/'. Static
// segments compare decoded ("/caf%C3%A9" matches the pattern "/café"),
// and a regular expression sees the decoded value. A '%' not followed by
// two hex digits anywhere in the path makes the result [BadPath] (answer
// 400). Decoded bytes need not be UTF-8. The router removes no dot
// segments: "%2e%2e" is a value ".." like any other, so a handler that
// maps values to files must check them. [Route.URL] is the inverse: it
// encodes values so that Lookup returns them unchanged.
//
// # Trailing slash
//
// As in aiohttp, /a and /a/ are different paths; a pattern matches only
// the form it is written in. With [Router.RedirectTrailingSlash] set, a
// lookup that finds no route for the path but finds one taking the
// method for the other form reports [Redirect] with that path; the server
// answers 308 Permanent Redirect (for every method, as aiohttp's
// normalize_path_middleware does, so the method and body survive).
//
// # Mounting
//
// [Router.Mount] is aiohttp's add_subapp: every route of the sub-router
// answers under a static prefix, and the sub-router's named routes build
// URLs that include it.
//
// # Allocation and lifetimes
//
// [Router.Lookup] allocates nothing when it finds a route or none, given a
// [Params] the caller reuses: values are substrings of the path when they
// needed no decoding, and otherwise live in a buffer inside the Params
// that grows to the largest decoded size once. They stay valid until that
// Params is used again (or the path's memory is reused): copy them to keep
// them. Configure a router before serving; then Lookup and URL may run on
// many goroutines at once.
package route
