package web

import (
	"github.com/aio-go/aio"
	"os"
)

// staticHandler serves the files under root: the route's tail variable
// "path", percent-decoded by the router, names the file. A name that
// could lead out of the root (a ".." segment, an encoded one or an
// encoded slash included, as the router decodes them first) answers 404
// before the file system is touched, and root refuses symbolic links
// that lead out of it.
func staticHandler(root *os.Root) Handler {
	return func(t *aio.Task, r *Request) (*Response, error) {
		name, ok := staticName(r.Param("path"))
		if !ok {
			return nil, ErrNotFound
		}
		return serveRootFile(t, r, root, name)
	}
}
