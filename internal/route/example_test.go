package route_test

import (
	"fmt"

	"github.com/aio-go/aio/internal/route"
)

func Example() {
	type handler func(id string) string
	var r route.Router[handler]
	r.Add("GET", "/users", func(string) string { return "all users" })
	user, _ := r.Add("GET", "/users/{id}", func(id string) string { return "user " + id })
	user.Name("user")

	var params route.Params // reuse one per connection: lookups then allocate nothing
	for _, req := range []struct{ method, path string }{
		{"GET", "/users/caf%C3%A9"},
		{"HEAD", "/users"},
		{"DELETE", "/users"},
		{"GET", "/nowhere"},
		{"GET", "/users/%zz"},
	} {
		res := r.Lookup(req.method, req.path, &params)
		switch res.Kind {
		case route.Found:
			fmt.Printf("%s %s: %s (head fallback %v)\n", req.method, req.path, res.Handler(params.Get("id")), res.HeadFallback)
		case route.MethodNotAllowed:
			fmt.Printf("%s %s: 405, Allow: %s\n", req.method, req.path, res.Allow)
		case route.BadPath:
			fmt.Printf("%s %s: 400\n", req.method, req.path)
		default:
			fmt.Printf("%s %s: %v\n", req.method, req.path, res.Kind)
		}
	}
	u, _ := r.URL("user", "id", "a/b c")
	fmt.Println(u)
	// Output:
	// GET /users/caf%C3%A9: user café (head fallback false)
	// HEAD /users: all users (head fallback true)
	// DELETE /users: 405, Allow: GET, HEAD, OPTIONS
	// GET /nowhere: NotFound
	// GET /users/%zz: 400
	// /users/a%2Fb%20c
}

func ExampleRouter_Mount() {
	var app, admin route.Router[string]
	app.Add("GET", "/", "home")
	page, _ := admin.Add("GET", "/pages/{slug}", "admin page")
	page.Name("page")
	if err := app.Mount("/admin", &admin); err != nil {
		fmt.Println(err)
	}
	var params route.Params
	res := app.Lookup("GET", "/admin/pages/intro", &params)
	fmt.Println(res.Handler, params.Get("slug"))
	u, _ := admin.URL("page", "slug", "intro")
	fmt.Println(u)
	// Output:
	// admin page intro
	// /admin/pages/intro
}
