package web

import (
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/route"
)

func nop(t *aio.Task, r *Request) (*Response, error) { return nil, nil }

// Routing a static or {var} path through an App's router allocates
// nothing, mounted Apps included.
func TestDispatchLookupZeroAllocs(t *testing.T) {
	app, api := NewApp(), NewApp()
	for _, p := range []string{"/", "/a/b/c", "/users/{id}", "/users/{id}/posts/{post:[0-9]+}", "/files/{path:.*}"} {
		app.Get(p, nop)
	}
	api.Get("/v1/{thing}", nop)
	app.Mount("/api", api)
	if err := app.freeze(); err != nil {
		t.Fatal(err)
	}
	var ps route.Params
	for _, path := range []string{"/a/b/c", "/users/42", "/users/42/posts/7", "/files/x/y.txt", "/api/v1/x", "/users/J%C3%BCrgen"} {
		if a := testing.AllocsPerRun(100, func() {
			if res := app.m.Lookup("GET", path, &ps); res.Kind != route.Found {
				t.Fatalf("%s: %v", path, res.Kind)
			}
		}); a != 0 {
			t.Errorf("lookup %s: %v allocations", path, a)
		}
	}
}
