package route

import (
	"strings"
	"testing"
)

// newAPIRouter returns a typical REST API of 50 routes: ten resources
// with list, create, read, update and delete, some nested, one with a
// numeric id constraint.
func newAPIRouter(tb testing.TB) *Router[int] {
	var r Router[int]
	n := 0
	add := func(method, pattern string) {
		if _, err := r.Add(method, pattern, n); err != nil {
			tb.Fatal(err)
		}
		n++
	}
	for _, res := range []string{"users", "teams", "projects", "issues", "comments", "labels", "milestones", "releases", "hooks"} {
		base := "/api/v1/" + res
		add("GET", base)
		add("POST", base)
		add("GET", base+"/{id}")
		add("PATCH", base+"/{id}")
		add("DELETE", base+"/{id}")
	}
	add("GET", "/api/v1/orders/{id:[0-9]+}")
	add("GET", "/api/v1/users/{id}/repos/{repo}/issues/{number}")
	add("GET", "/health")
	add("GET", "/static/{path:.*}")
	add("GET", "/")
	if n != 50 {
		tb.Fatalf("%d routes", n)
	}
	return &r
}

var apiPaths = map[string]string{
	"Static":  "/api/v1/milestones",
	"Root":    "/",
	"Health":  "/health",
	"Var":     "/api/v1/users/12345/repos/aio/issues/42",
	"Regexp":  "/api/v1/orders/987654",
	"Decoded": "/api/v1/users/caf%C3%A9/repos/a%2Fb/issues/1",
	"Miss":    "/api/v1/milestone/x/y",
	"Tail":    "/static/css/site/main.css",
}

func benchLookup(b *testing.B, path string, want Kind) {
	r := newAPIRouter(b)
	var p Params
	if k := r.Lookup("GET", path, &p).Kind; k != want {
		b.Fatalf("%s: %v", path, k)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Lookup("GET", path, &p)
	}
}

func BenchmarkLookupStatic(b *testing.B)  { benchLookup(b, apiPaths["Static"], Found) }
func BenchmarkLookupRoot(b *testing.B)    { benchLookup(b, apiPaths["Root"], Found) }
func BenchmarkLookupHealth(b *testing.B)  { benchLookup(b, apiPaths["Health"], Found) }
func BenchmarkLookupVar(b *testing.B)     { benchLookup(b, apiPaths["Var"], Found) }
func BenchmarkLookupRegexp(b *testing.B)  { benchLookup(b, apiPaths["Regexp"], Found) }
func BenchmarkLookupDecoded(b *testing.B) { benchLookup(b, apiPaths["Decoded"], Found) }
func BenchmarkLookupTail(b *testing.B)    { benchLookup(b, apiPaths["Tail"], Found) }
func BenchmarkLookupMiss(b *testing.B)    { benchLookup(b, apiPaths["Miss"], NotFound) }

// Lookup allocates nothing for a match or a miss once the Params buffer
// has grown, including when values are percent-decoded.
func TestLookupAllocs(t *testing.T) {
	r := newAPIRouter(t)
	var p Params
	for name, path := range apiPaths {
		r.Lookup("GET", path, &p) // grow the buffer
		if n := testing.AllocsPerRun(100, func() { r.Lookup("GET", path, &p) }); n != 0 {
			t.Errorf("%s: Lookup(%q) allocates %v times", name, path, n)
		}
	}
	r.Lookup("GET", apiPaths["Decoded"], &p)
	if p.Get("id") != "café" || p.Get("repo") != "a/b" || p.Get("number") != "1" {
		t.Errorf("decoded params: %q %q %q", p.Get("id"), p.Get("repo"), p.Get("number"))
	}
	// Undecoded values are substrings of the path.
	path := apiPaths["Var"]
	r.Lookup("GET", path, &p)
	if v := p.Get("repo"); !strings.Contains(path, v) || v != "aio" {
		t.Errorf("repo = %q", v)
	}
}
