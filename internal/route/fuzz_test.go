package route

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// refRoute is a route of testRoutes as the reference matcher sees it:
// its segments and, per segment, its rank among the candidates at that
// position (lower wins), derived from the documented precedence rather
// than from the trie.
type refRoute struct {
	method, pattern, label string
	segs                   []segment
	rank                   []int
}

// newReference ranks testRoutes: static 0; a regexp 1+its order of first
// appearance among routes with the same preceding segments; {name} 1000;
// a tail 2000+its order of appearance likewise.
func newReference(t testing.TB) []refRoute {
	var refs []refRoute
	seen := map[string][]string{} // shape before a position + kind -> texts in order
	for _, tr := range testRoutes {
		segs, err := parsePattern(tr.pattern)
		if err != nil {
			t.Fatal(err)
		}
		ref := refRoute{method: tr.method, pattern: tr.pattern, label: tr.label, segs: segs}
		shape := ""
		for _, s := range segs {
			key := shape + "|" + string('0'+rune(s.kind))
			if !slices.Contains(seen[key], s.text) {
				seen[key] = append(seen[key], s.text)
			}
			order := slices.Index(seen[key], s.text)
			ref.rank = append(ref.rank, []int{0, 1 + order, 1000, 2000 + order}[s.kind])
			shape += "/" + string('0'+rune(s.kind)) + s.text
		}
		refs = append(refs, ref)
	}
	return refs
}

// match reports whether the raw path matches ref and the decoded values.
func (ref refRoute) match(path string) ([]string, bool) {
	raw := strings.Split(path[1:], "/")
	var vals []string
	for i, s := range ref.segs {
		if i >= len(raw) {
			return nil, false
		}
		if s.kind == segTail {
			v, _ := url.PathUnescape(strings.Join(raw[i:], "/"))
			if v == "" && s.text == ".+" {
				return nil, false
			}
			return append(vals, v), true
		}
		v, _ := url.PathUnescape(raw[i])
		switch s.kind {
		case segStatic:
			if v != s.text {
				return nil, false
			}
			continue
		case segParam:
			if v == "" {
				return nil, false
			}
		case segRegexp:
			if !regexp.MustCompile("^(?:" + s.text + ")$").MatchString(v) {
				return nil, false
			}
		}
		vals = append(vals, v)
	}
	return vals, len(raw) == len(ref.segs)
}

// reference computes the expected describe() of a lookup from refs.
func reference(refs []refRoute, method, path string, redirect bool) string {
	if !strings.HasPrefix(path, "/") {
		if _, err := url.PathUnescape(path); err != nil {
			return "BadPath"
		}
		return "NotFound"
	}
	if _, err := url.PathUnescape(path); err != nil {
		return "BadPath"
	}
	got := referenceMatch(refs, method, path)
	if got != "NotFound" || !redirect || len(path) < 2 {
		return got
	}
	alt := path + "/"
	if strings.HasSuffix(path, "/") {
		alt = path[:len(path)-1]
	}
	if res := referenceMatch(refs, method, alt); res != "NotFound" && !strings.HasPrefix(res, "MethodNotAllowed") {
		return "Redirect " + alt
	}
	return got
}

func referenceMatch(refs []refRoute, method, path string) string {
	type cand struct {
		ref  refRoute
		vals []string
	}
	var cands []cand
	for _, ref := range refs {
		if vals, ok := ref.match(path); ok {
			cands = append(cands, cand{ref, vals})
		}
	}
	// Candidates with equal ranks share a trie node: group them, best first.
	slices.SortStableFunc(cands, func(a, b cand) int { return slices.Compare(a.ref.rank, b.ref.rank) })
	var allow []string
	for i := 0; i < len(cands); {
		j := i
		for j < len(cands) && slices.Equal(cands[j].ref.rank, cands[i].ref.rank) {
			j++
		}
		group := cands[i:j]
		i = j
		pick := func(m string) *cand {
			for k := range group {
				if group[k].ref.method == m {
					return &group[k]
				}
			}
			return nil
		}
		c, head := pick(method), false
		if c == nil && method == "HEAD" {
			c, head = pick("GET"), pick("GET") != nil
		}
		if c == nil {
			c = pick("*")
		}
		if c != nil {
			out := c.ref.label
			if head {
				out += " (HEAD)"
			}
			k := 0
			for _, s := range c.ref.segs {
				if s.kind != segStatic {
					out += fmt.Sprintf(" %s=%q", s.name, c.vals[k])
					k++
				}
			}
			return out
		}
		for _, c := range group {
			allow = append(allow, c.ref.method, "OPTIONS")
			if c.ref.method == "GET" {
				allow = append(allow, "HEAD")
			}
		}
	}
	if allow == nil {
		return "NotFound"
	}
	slices.Sort(allow)
	kind := "MethodNotAllowed "
	if method == "OPTIONS" {
		kind = "AutoOptions "
	}
	return kind + strings.Join(slices.Compact(allow), ", ")
}

var fuzzMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"}

// FuzzLookup checks Lookup against the reference matcher, with and
// without RedirectTrailingSlash, and that rebuilding the matched route's
// URL from the params finds it again with the same params.
func FuzzLookup(f *testing.F) {
	for _, path := range []string{
		"/", "/users", "/users/", "/users/new", "/users/new/edit", "/users/1/posts/2",
		"/users/a%2Fb", "/users/%2e%2e", "/users/%zz", "/users/%", "/caf%C3%A9", "/café",
		"/orders/12", "/orders/ABC", "/orders/%41BC", "/split/a%2fb", "/static/", "/static/a/b/c",
		"/static/fixed/x", "/static/a%2Fb", "/files/", "/files/x%2F", "/a/", "/b", "//double",
		"/any", "/opt", "/mixed/static", "/m2/static", "/star/x/", "*", "", "/users/%ff%00",
	} {
		for m := range fuzzMethods {
			f.Add(uint8(m), path)
		}
	}
	refs := newReference(f)
	plain := newTestRouter(f)
	redirecting := newTestRouter(f)
	redirecting.RedirectTrailingSlash = true
	f.Fuzz(func(t *testing.T, m uint8, path string) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		var p Params
		for _, r := range []*Router[string]{plain, redirecting} {
			res := r.Lookup(method, path, &p)
			got := describe(res, &p)
			if want := reference(refs, method, path, r.RedirectTrailingSlash); got != want {
				t.Fatalf("%s %q (redirect %v) = %s, reference says %s", method, path, r.RedirectTrailingSlash, got, want)
			}
			if res.Kind == Found {
				checkRebuilt(t, r, method, path, res, &p)
			}
		}
	})
}

// checkRebuilt checks that the URL built from a match's params matches the
// same route with the same params. The one allowed exception: a tail
// value with '/' from %2F is rebuilt with a raw '/', whose extra segments
// may now reach a route of higher precedence.
func checkRebuilt(t *testing.T, r *Router[string], method, path string, res Result[string], p *Params) {
	var params []string
	for i := range p.Len() {
		n, v := p.At(i)
		params = append(params, n, strings.Clone(v))
	}
	u, err := res.Route.URL(params...)
	if err != nil {
		t.Fatalf("%s %q matched %s, whose URL(%q) fails: %v", method, path, res.Route, params, err)
	}
	var q Params
	again := r.Lookup(method, u, &q)
	var got []string
	for i := range q.Len() {
		n, v := q.At(i)
		got = append(got, n, v)
	}
	if again.Kind == Found && again.Route == res.Route && slices.Equal(got, params) {
		return
	}
	tail := res.Route.segs[len(res.Route.segs)-1].kind == segTail
	if again.Kind == Found && tail && strings.Contains(strings.ToUpper(path), "%2F") {
		return
	}
	t.Fatalf("%s %q matched %s with %q; its URL %q gives %s", method, path, res.Route, params, u, describe(again, &q))
}
