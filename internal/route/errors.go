package route

import "errors"

// Errors returned by [Router.Add], [Router.Mount], [Route.Name] and the URL
// builders, for [errors.Is]. Each returned error wraps one of these with
// the detail (the pattern, method, name or parameter at fault).
var (
	// ErrPattern: the pattern is malformed (see the package comment for
	// the grammar), a regular expression does not compile, a variable
	// name repeats, a tail variable is not last, or the pattern has more
	// than MaxParams variables.
	ErrPattern = errors.New("route: invalid pattern")
	// ErrMethod: the method is neither "*" nor an HTTP token.
	ErrMethod = errors.New("route: invalid method")
	// ErrConflict: a route with the same method and the same pattern
	// shape (variable names aside) already exists in the router or in a
	// router it is mounted in.
	ErrConflict = errors.New("route: conflicting route")
	// ErrName: the route name is empty, already taken in its router, or
	// the route already has a name.
	ErrName = errors.New("route: invalid or duplicate route name")
	// ErrMount: the prefix is not "/..." without a trailing '/' or holds
	// a variable, or the sub-router is already mounted, is the router
	// itself, or contains it.
	ErrMount = errors.New("route: invalid mount")
	// ErrNoRoute: no route has the name given to [Router.URL].
	ErrNoRoute = errors.New("route: no route with that name")
	// ErrParam: a URL parameter is missing, unknown, repeated, given
	// without a value, or fails its variable's constraint.
	ErrParam = errors.New("route: invalid URL parameter")
)
