package route

import (
	"fmt"
	"strings"
	"testing"
)

// testRoutes is a router exercising every rule; handlers are the route's
// label.
var testRoutes = []struct{ method, pattern, label string }{
	{"GET", "/", "root"},
	{"GET", "/users", "users"},
	{"POST", "/users", "create"},
	{"GET", "/users/new", "new"},
	{"GET", "/users/{id}", "user"},
	{"PUT", "/users/{id}", "put"},
	{"DELETE", "/users/{id}", "delete"},
	{"GET", "/users/{id}/posts/{pid}", "post"},
	{"GET", "/users/{uid}/edit", "edit"},
	{"GET", "/orders/{n:[0-9]+}", "order-n"},
	{"GET", "/orders/{slug}", "order-slug"},
	{"GET", "/orders/{code:[A-Z]{3}}", "order-code"},
	{"GET", "/split/{s:a/b}", "split"},
	{"GET", "/static/{path:.*}", "static"},
	{"GET", "/static/fixed", "fixed"},
	{"GET", "/static/{dir}/{file}", "static2"},
	{"GET", "/files/{p:.+}", "files"},
	{"GET", "/a", "a"},
	{"GET", "/b/", "b/"},
	{"*", "/any", "any"},
	{"GET", "/any", "any-get"},
	{"OPTIONS", "/opt", "opt-options"},
	{"GET", "/opt", "opt-get"},
	{"GET", "/café", "cafe"},
	{"GET", "/100%", "percent"},
	{"POST", "/mixed/static", "mixed-post"},
	{"GET", "/mixed/{x}", "mixed-var"},
	{"POST", "/m2/static", "m2-post"},
	{"PUT", "/m2/{x}", "m2-put"},
	{"GET", "//double", "double"},
	{"*", "/star/{x}", "star"},
	{"POST", "/m3/static", "m3-post"},
	{"PUT", "/m3/{x:[a-z]+}", "m3-put"},
	{"PATCH", "/m3/{x}", "m3-patch"},
	{"HEAD", "/h", "h-head"},
	{"GET", "/h", "h-get"},
}

func newTestRouter(t testing.TB) *Router[string] {
	t.Helper()
	var r Router[string]
	for _, tr := range testRoutes {
		rt, err := r.Add(tr.method, tr.pattern, tr.label)
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.Name(tr.label); err != nil {
			t.Fatal(err)
		}
	}
	return &r
}

// describe renders a result and its params for comparison.
func describe(res Result[string], p *Params) string {
	switch res.Kind {
	case Found:
		var b strings.Builder
		b.WriteString(res.Handler)
		if res.HeadFallback {
			b.WriteString(" (HEAD)")
		}
		for i := range p.Len() {
			n, v := p.At(i)
			fmt.Fprintf(&b, " %s=%q", n, v)
		}
		if res.Route.Handler() != res.Handler {
			b.WriteString(" ROUTE MISMATCH")
		}
		return b.String()
	case MethodNotAllowed, AutoOptions:
		return res.Kind.String() + " " + res.Allow
	case Redirect:
		return "Redirect " + res.Location
	}
	return res.Kind.String()
}

// A lookupCase is a request and the describe() of its lookup.
type lookupCase struct{ method, path, want string }

// checkLookups looks every case up in r. Params are empty unless a route
// was found.
func checkLookups(t *testing.T, r *Router[string], cases []lookupCase) {
	t.Helper()
	for _, tc := range cases {
		var p Params
		res := r.Lookup(tc.method, tc.path, &p)
		if got := describe(res, &p); got != tc.want {
			t.Errorf("%s %s = %s, want %s", tc.method, tc.path, got, tc.want)
		}
		if res.Kind != Found && p.Len() != 0 {
			t.Errorf("%s %s: %v with %d params", tc.method, tc.path, res.Kind, p.Len())
		}
	}
}

func TestLookup(t *testing.T) {
	checkLookups(t, newTestRouter(t), []lookupCase{
		{"GET", "/", "root"},
		{"GET", "/users", "users"},
		{"POST", "/users", "create"},
		{"DELETE", "/users", "MethodNotAllowed GET, HEAD, OPTIONS, POST"},
		{"HEAD", "/users", "users (HEAD)"},
		{"OPTIONS", "/users", "AutoOptions GET, HEAD, OPTIONS, POST"},
		{"get", "/users", "MethodNotAllowed GET, HEAD, OPTIONS, POST"},
		{"OPTIONS", "/users/7", "AutoOptions DELETE, GET, HEAD, OPTIONS, PUT"},
		// Static before variable, with backtracking into the variable.
		{"GET", "/users/new", "new"},
		{"GET", "/users/42", `user id="42"`},
		{"PUT", "/users/new", `put id="new"`},
		{"GET", "/users/new/edit", `edit uid="new"`},
		{"GET", "/users/1/posts/2", `post id="1" pid="2"`},
		{"GET", "/users/", "NotFound"},
		{"GET", "/users/1/", "NotFound"},
		{"GET", "/users/1/posts", "NotFound"},
		{"GET", "/users//edit", "NotFound"},
		// Regexp variables in the order added, then {name}.
		{"GET", "/orders/12", `order-n n="12"`},
		{"GET", "/orders/ABC", `order-code code="ABC"`},
		{"GET", "/orders/ABCD", `order-slug slug="ABCD"`},
		{"GET", "/orders/12a", `order-slug slug="12a"`},
		{"GET", "/orders/%31%32", `order-n n="12"`},
		{"GET", "/split/a%2Fb", `split s="a/b"`},
		{"GET", "/split/a/b", "NotFound"},
		// Tails: last, below static and {name}.
		{"GET", "/static/", `static path=""`},
		{"GET", "/static", "NotFound"},
		{"GET", "/static/x", `static path="x"`},
		{"GET", "/static/fixed", "fixed"},
		{"GET", "/static/fixed/x", `static2 dir="fixed" file="x"`},
		{"GET", "/static/a/b", `static2 dir="a" file="b"`},
		{"GET", "/static/a/b/c", `static path="a/b/c"`},
		{"GET", "/static/a/", `static path="a/"`},
		{"GET", "/static/a%2Fb", `static path="a/b"`},
		{"GET", "/static/%2e%2e/%2e%2e/etc", `static path="../../etc"`},
		{"GET", "/files/", "NotFound"},
		{"GET", "/files/x/y", `files p="x/y"`},
		// Trailing slash: distinct paths.
		{"GET", "/a", "a"},
		{"GET", "/a/", "NotFound"},
		{"GET", "/b", "NotFound"},
		{"GET", "/b/", "b/"},
		{"GET", "//double", "double"},
		{"GET", "/double", "NotFound"},
		// Methods: explicit before "*", HEAD prefers GET.
		{"GET", "/any", "any-get"},
		{"POST", "/any", "any"},
		{"OPTIONS", "/any", "any"},
		{"HEAD", "/any", "any-get (HEAD)"},
		{"OPTIONS", "/opt", "opt-options"},
		{"HEAD", "/opt", "opt-get (HEAD)"},
		{"BREW", "/star/x", `star x="x"`},
		// A route not taking the method does not hide one that does;
		// when none does, the Allow lists merge.
		{"GET", "/mixed/static", `mixed-var x="static"`},
		{"GET", "/m2/static", "MethodNotAllowed OPTIONS, POST, PUT"},
		{"OPTIONS", "/m2/static", "AutoOptions OPTIONS, POST, PUT"},
		{"GET", "/m2/other", "MethodNotAllowed OPTIONS, PUT"},
		{"GET", "/m3/static", "MethodNotAllowed OPTIONS, PATCH, POST, PUT"},
		{"PATCH", "/m3/static", `m3-patch x="static"`},
		{"HEAD", "/h", "h-head"},
		{"POST", "/h", "MethodNotAllowed GET, HEAD, OPTIONS"},
		{"OPTIONS", "/opt/", "NotFound"},
		{"POST", "/opt", "MethodNotAllowed GET, HEAD, OPTIONS"},
		// Decoding.
		{"GET", "/caf%C3%A9", "cafe"},
		{"GET", "/caf%c3%a9", "cafe"},
		{"GET", "/café", "cafe"},
		{"GET", "/c%61f%C3%A9", "cafe"},
		{"GET", "/us%65rs", "users"},
		{"GET", "/users/a%2Fb", `user id="a/b"`},
		{"GET", "/users/a%2fb/edit", `edit uid="a/b"`},
		{"GET", "/users%2Fnew", "NotFound"},
		{"GET", "/users/%2e%2e", `user id=".."`},
		{"GET", "/users/..", `user id=".."`},
		{"GET", "/users/%C3%A9t%C3%A9", `user id="été"`},
		{"GET", "/users/%ff%00", `user id="\xff\x00"`},
		{"GET", "/users/%25", `user id="%"`},
		{"GET", "/users/%2a%2A%3c%3C%7e%7E%4f%4F%4a", `user id="**<<~~OOJ"`},
		{"GET", "/users/%2525", `user id="%25"`},
		{"GET", "/users/a+b", `user id="a+b"`},
		{"GET", "/users/%zz", "BadPath"},
		{"GET", "/users/%2", "BadPath"},
		{"GET", "/users/%", "BadPath"},
		{"GET", "/nowhere/%g0", "BadPath"},
		{"GET", "/users/%%41", "BadPath"},
		{"GET", "/users/%4g", "BadPath"},
		// A literal '%' in a pattern is matched by its escape only.
		{"GET", "/100%25", "percent"},
		{"GET", "/100%", "BadPath"},
		// Not a path.
		{"OPTIONS", "*", "NotFound"},
		{"GET", "", "NotFound"},
		{"GET", "users", "NotFound"},
	})
}

// What a branch decodes is released when the walk backs out of it, so a
// Params' buffer holds one path's worth of decoded bytes, however many
// branches the walk tries.
func TestDecodeBufferBounded(t *testing.T) {
	var r Router[string]
	for _, pattern := range []string{
		"/{a}/{b}/{c}/end1",
		"/{a}/{b:[a-z]}/{c}/end2",
		"/{a:[a-z]}/{b}/{c}/end3",
		"/{a:[a-z]}/{b:[a-z]}/{c}/end4",
	} {
		if _, err := r.Add("GET", pattern, pattern); err != nil {
			t.Fatal(err)
		}
	}
	long := strings.Repeat("%41", 4000)
	var p Params
	if res := r.Lookup("GET", "/a/b/"+long+"/zzz", &p); res.Kind != NotFound {
		t.Fatalf("got %v", res.Kind)
	}
	if c := cap(p.buf); c >= 2*4000 {
		t.Errorf("buffer grew to %d bytes for a %d-byte decoded segment", c, 4000)
	}
	res := r.Lookup("GET", "/a/b/"+long+"/end4", &p)
	if res.Kind != Found || p.Get("c") != strings.Repeat("A", 4000) {
		t.Errorf("got %v, c of %d bytes", res.Kind, len(p.Get("c")))
	}

	// A tail decodes the rest of the path afresh, after releasing the
	// segment decoded for the other candidates.
	var tail Router[string]
	tail.Add("GET", "/{t:.*}", "tail")
	var q Params
	if res := tail.Lookup("GET", "/"+long, &q); res.Kind != Found || len(q.Get("t")) != 4000 {
		t.Fatalf("got %v, t of %d bytes", res.Kind, len(q.Get("t")))
	}
	if c := cap(q.buf); c >= 2*4000 {
		t.Errorf("tail: buffer grew to %d bytes for a %d-byte decoded path", c, 4000)
	}
}
