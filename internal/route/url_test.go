package route

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestURL(t *testing.T) {
	r := newTestRouter(t)
	for _, tc := range []struct {
		name   string
		params []string
		want   string
	}{
		{"root", nil, "/"},
		{"users", nil, "/users"},
		{"b/", nil, "/b/"},
		{"user", []string{"id", "42"}, "/users/42"},
		{"user", []string{"id", "a/b"}, "/users/a%2Fb"},
		{"user", []string{"id", ".."}, "/users/%2E%2E"},
		{"user", []string{"id", "."}, "/users/%2E"},
		{"user", []string{"id", "..."}, "/users/..."},
		{"user", []string{"id", "été"}, "/users/%C3%A9t%C3%A9"},
		{"user", []string{"id", "a b?c#d%e"}, "/users/a%20b%3Fc%23d%25e"},
		{"user", []string{"id", "a+b:c@d=e;f,g!h$i&j'k(l)m*n~o_p-q.r"}, "/users/a+b:c@d=e;f,g!h$i&j'k(l)m*n~o_p-q.r"},
		{"user", []string{"id", "\xff\x00"}, "/users/%FF%00"},
		{"post", []string{"pid", "2", "id", "1"}, "/users/1/posts/2"},
		{"order-n", []string{"n", "007"}, "/orders/007"},
		{"static", []string{"path", ""}, "/static/"},
		{"static", []string{"path", "a/b c/../."}, "/static/a/b%20c/%2E%2E/%2E"},
		{"static", []string{"path", "/x//"}, "/static//x//"},
		{"files", []string{"p", "x"}, "/files/x"},
		{"cafe", nil, "/caf%C3%A9"},
		{"double", nil, "//double"},
	} {
		got, err := r.URL(tc.name, tc.params...)
		if err != nil || got != tc.want {
			t.Errorf("URL(%q, %q) = %q, %v; want %q", tc.name, tc.params, got, err, tc.want)
		}
	}
}

func TestURLErrors(t *testing.T) {
	r := newTestRouter(t)
	for _, tc := range []struct {
		name   string
		params []string
		want   error
	}{
		{"nope", nil, ErrNoRoute},
		{"user", nil, ErrParam},
		{"user", []string{"id"}, ErrParam},
		{"user", []string{"id", ""}, ErrParam},
		{"user", []string{"id", "1", "x", "2"}, ErrParam},
		{"user", []string{"id", "1", "id", "2"}, ErrParam},
		{"users", []string{"id", "1"}, ErrParam},
		{"post", []string{"id", "1"}, ErrParam},
		{"order-n", []string{"n", "12a"}, ErrParam},
		{"order-n", []string{"n", ""}, ErrParam},
		{"order-code", []string{"code", "ABCD"}, ErrParam},
		{"files", []string{"p", ""}, ErrParam},
	} {
		got, err := r.URL(tc.name, tc.params...)
		if !errors.Is(err, tc.want) || got != "" {
			t.Errorf("URL(%q, %q) = %q, %v; want %v", tc.name, tc.params, got, err, tc.want)
		}
	}
}

// randomValue returns a string mixing the bytes that need care: '/',
// '%', '.', spaces, multi-byte UTF-8, invalid UTF-8 and plain letters.
func randomValue(rng *rand.Rand) string {
	pieces := []string{"/", "%", ".", "..", " ", "é", "日本", "\xff", "\x00", "a", "Z", "0", "+", "?", "#", "%2F", "~", ":", "@"}
	n := rng.IntN(6)
	var b []byte
	for range n {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return string(b)
}

// Building a URL and looking it up gives the route and the values back,
// for random values (a seeded loop: failures reproduce).
func TestURLRoundTrip(t *testing.T) {
	var r Router[string]
	for _, tc := range []struct{ pattern, label string }{
		{"/u/{id}", "one"},
		{"/u/{id}/p/{pid}", "two"},
		{"/t/{path:.*}", "tail"},
		{"/n/{n:[0-9/é]+}", "regexp"},
		{"/m/{a}/{rest:.+}", "var+tail"},
	} {
		rt, _ := r.Add("GET", tc.pattern, tc.label)
		rt.Name(tc.label)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var p Params
	checked := 0
	for range 20000 {
		label := []string{"one", "two", "tail", "regexp", "var+tail"}[rng.IntN(5)]
		var params []string
		for _, v := range map[string][]string{
			"one": {"id"}, "two": {"id", "pid"}, "tail": {"path"}, "regexp": {"n"}, "var+tail": {"a", "rest"},
		}[label] {
			params = append(params, v, randomValue(rng))
		}
		u, err := r.URL(label, params...)
		if err != nil {
			if !errors.Is(err, ErrParam) {
				t.Fatalf("URL(%q, %q): %v", label, params, err)
			}
			continue // an empty value, or one the regexp refuses
		}
		res := r.Lookup("GET", u, &p)
		if res.Kind != Found || res.Handler != label {
			t.Fatalf("URL(%q, %q) = %q, which looks up as %s", label, params, u, describe(res, &p))
		}
		var got []string
		for i := range p.Len() {
			n, v := p.At(i)
			got = append(got, n, v)
		}
		if !slices.Equal(got, params) {
			t.Fatalf("URL(%q, %q) = %q, which looks up with params %q", label, params, u, got)
		}
		checked++
	}
	if checked < 10000 {
		t.Errorf("only %d of 20000 random URLs could be built", checked)
	}
}
