package route

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestAddErrors(t *testing.T) {
	tooMany := strings.Repeat("/{v}", MaxParams+1)
	for i := range MaxParams + 1 {
		tooMany = strings.Replace(tooMany, "{v}", fmt.Sprintf("{v%d}", i), 1)
	}
	for _, tc := range []struct {
		method, pattern string
		want            error
	}{
		{"", "/x", ErrMethod},
		{"GE T", "/x", ErrMethod},
		{"GET/", "/x", ErrMethod},
		{"GET", "", ErrPattern},
		{"GET", "x", ErrPattern},
		{"GET", "/{", ErrPattern},
		{"GET", "/}", ErrPattern},
		{"GET", "/{a}}", ErrPattern},
		{"GET", "/a{b}", ErrPattern},
		{"GET", "/{b}.json", ErrPattern},
		{"GET", "/{a}{b}", ErrPattern},
		{"GET", "/{a:x}{b}", ErrPattern},
		{"GET", "/ab:{c}", ErrPattern},
		{"GET", "/{a:x}}", ErrPattern},
		{"GET", "/}{a}", ErrPattern},
		{"GET", "/{a:{}/x", ErrPattern},
		{"GET", "/{}", ErrPattern},
		{"GET", "/{1a}", ErrPattern},
		{"GET", "/{a-b}", ErrPattern},
		{"GET", "/{a:}", ErrPattern},
		{"GET", "/{a:(}", ErrPattern},
		{"GET", "/{a:[0-9}", ErrPattern},
		{"GET", "/{a}/{a}", ErrPattern},
		{"GET", "/{a}/{a:[0-9]+}", ErrPattern},
		{"GET", "/{p:.*}/x", ErrPattern},
		{"GET", "/{p:.+}/", ErrPattern},
		{"GET", tooMany, ErrPattern},
		// Clashes with newTestRouter's routes.
		{"GET", "/users", ErrConflict},
		{"GET", "/users/{other}", ErrConflict},
		{"PUT", "/users/{x}", ErrConflict},
		{"GET", "/orders/{x:[0-9]+}", ErrConflict},
		{"GET", "/static/{rest:.*}", ErrConflict},
		{"*", "/any", ErrConflict},
		{"GET", "/any", ErrConflict},
	} {
		r := newTestRouter(t)
		rt, err := r.Add(tc.method, tc.pattern, "new")
		if !errors.Is(err, tc.want) || rt != nil {
			t.Errorf("Add(%q, %q) = %v, %v; want %v", tc.method, tc.pattern, rt, err, tc.want)
		}
		// A refused route changes nothing.
		var p Params
		if got := describe(r.Lookup("PATCH", "/users", &p), &p); got != "MethodNotAllowed GET, HEAD, OPTIONS, POST" {
			t.Errorf("after refused Add(%q, %q): PATCH /users = %s", tc.method, tc.pattern, got)
		}
	}
}

func TestAddAccepts(t *testing.T) {
	r := newTestRouter(t)
	for _, tc := range []struct{ method, pattern, path, want string }{
		{"PATCH", "/users/{x}", "/users/5", `new x="5"`},            // new method, same shape
		{"GET", "/orders/{x:[a-z]+}", "/orders/abc", `new x="abc"`}, // third regexp, tried before {slug}
		{"GET", "/static/{rest:.+}", "/static/", `static path=""`},
		{"GET", "/y/{id:[0-9]{2}}", "/y/12", `new id="12"`},
		{"M-SEARCH", "/upnp", "/upnp", "new"},
		{"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", "/1/2/3/4/5/6/7/8",
			`new a="1" b="2" c="3" d="4" e="5" f="6" g="7" h="8"`},
	} {
		if _, err := r.Add(tc.method, tc.pattern, "new"); err != nil {
			t.Errorf("Add(%q, %q): %v", tc.method, tc.pattern, err)
			continue
		}
		var p Params
		if got := describe(r.Lookup(tc.method, tc.path, &p), &p); got != tc.want {
			t.Errorf("after Add(%q, %q): %s %s = %s, want %s", tc.method, tc.pattern, tc.method, tc.path, got, tc.want)
		}
	}
}

func TestName(t *testing.T) {
	var r Router[string]
	a, _ := r.Add("GET", "/a", "a")
	b, _ := r.Add("GET", "/b", "b")
	if err := a.Name(""); !errors.Is(err, ErrName) {
		t.Errorf("empty name: %v", err)
	}
	if err := a.Name("first"); err != nil {
		t.Fatal(err)
	}
	if err := a.Name("again"); !errors.Is(err, ErrName) {
		t.Errorf("renaming: %v", err)
	}
	if err := b.Name("first"); !errors.Is(err, ErrName) {
		t.Errorf("taken name: %v", err)
	}
	if a.Named() != "first" || b.Named() != "" {
		t.Errorf("Named() = %q, %q", a.Named(), b.Named())
	}
	if a.Method() != "GET" || a.Pattern() != "/a" || a.Handler() != "a" || a.String() != "GET /a" {
		t.Errorf("accessors: %q %q %q %q", a.Method(), a.Pattern(), a.Handler(), a.String())
	}
	if _, err := r.URL("again"); !errors.Is(err, ErrNoRoute) {
		t.Errorf("URL of an unknown name: %v", err)
	}
}

func TestKindString(t *testing.T) {
	if s := BadPath.String(); s != "BadPath" {
		t.Errorf("BadPath.String() = %q", s)
	}
	if s := Kind(42).String(); s != "Kind(42)" {
		t.Errorf("Kind(42).String() = %q", s)
	}
}

func TestParams(t *testing.T) {
	r := newTestRouter(t)
	var p Params
	r.Lookup("GET", "/users/1%2F/posts/b", &p)
	if p.Get("id") != "1/" || p.Get("pid") != "b" || p.Get("nope") != "" || p.Len() != 2 {
		t.Errorf("Get: %q %q %q, Len %d", p.Get("id"), p.Get("pid"), p.Get("nope"), p.Len())
	}
	for _, i := range []int{-1, 2} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%d) did not panic", i)
				}
			}()
			p.At(i)
		}()
	}
	p.Reset()
	if p.Len() != 0 || p.Get("id") != "" {
		t.Errorf("after Reset: Len %d, id %q", p.Len(), p.Get("id"))
	}
	// A nil Params is allowed.
	if res := r.Lookup("GET", "/users/%41", nil); res.Kind != Found || res.Handler != "user" {
		t.Errorf("nil Params: %v", describe(res, &p))
	}
}
