package web

import (
	"testing"

	"github.com/aio-go/aio"
)

func nop(t *aio.Task, r *Request) (*Response, error) { return nil, nil }

// Looking up a static or {var} path allocates nothing.
func TestLookupZeroAllocs(t *testing.T) {
	tb := newTable()
	for _, p := range []string{"/", "/a/b/c", "/users/{id}", "/users/{id}/posts/{post:[0-9]+}", "/files/{path:.*}"} {
		if err := tb.add("GET", p, "", nop); err != nil {
			t.Fatal(err)
		}
	}
	var ps params
	for _, path := range []string{"/a/b/c", "/users/42", "/users/42/posts/7", "/files/x/y.txt"} {
		if a := testing.AllocsPerRun(100, func() {
			if h, _ := tb.lookup("GET", path, &ps); h == nil {
				t.Fatalf("%s not found", path)
			}
		}); a != 0 {
			t.Errorf("lookup %s: %v allocations", path, a)
		}
	}
}

func TestLookupParams(t *testing.T) {
	tb := newTable()
	tb.add("GET", "/users/{id:[0-9]+}", "", nop)
	tb.add("POST", "/users/{name}", "", nop)
	tb.add("GET", "/files/{path:.*}", "", nop)
	tb.add("GET", "/opt/{rest:.+}", "", nop)
	cases := []struct {
		method, path string
		found        bool
		allow        string
		params       map[string]string
	}{
		{"GET", "/users/42", true, "", map[string]string{"id": "42"}},
		{"GET", "/users/bob", false, "POST", nil},
		{"POST", "/users/bob", true, "", map[string]string{"name": "bob"}},
		{"PUT", "/users/42", false, "GET, HEAD, POST", nil},
		{"HEAD", "/users/42", true, "", map[string]string{"id": "42"}},
		{"GET", "/users/", false, "", nil},
		{"GET", "/users/42/x", false, "", nil},
		{"GET", "/files/", true, "", map[string]string{"path": ""}},
		{"GET", "/files/a/b%2Fc%zz", true, "", map[string]string{"path": "a/b%2Fc%zz"}},
		{"GET", "/files/a/b%2Fc", true, "", map[string]string{"path": "a/b/c"}},
		{"POST", "/users/J%C3%BCrgen", true, "", map[string]string{"name": "Jürgen"}},
		{"GET", "/opt/", false, "", nil},
		{"GET", "/opt/x/y", true, "", map[string]string{"rest": "x/y"}},
		{"GET", "*", false, "", nil},
	}
	for _, c := range cases {
		var ps params
		h, allow := tb.lookup(c.method, c.path, &ps)
		if (h != nil) != c.found || allow != c.allow {
			t.Errorf("%s %s: found %v allow %q; want %v %q", c.method, c.path, h != nil, allow, c.found, c.allow)
			continue
		}
		if ps.n != len(c.params) {
			t.Errorf("%s %s: %d params, want %v", c.method, c.path, ps.n, c.params)
		}
		for k, v := range c.params {
			if got, _ := ps.get(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", c.method, c.path, k, got, v)
			}
		}
	}
}
