package route

import "testing"

func TestRedirectTrailingSlash(t *testing.T) {
	r := newTestRouter(t)
	r.RedirectTrailingSlash = true
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/a/", "Redirect /a"},
		{"HEAD", "/a/", "Redirect /a"},
		{"OPTIONS", "/a/", "Redirect /a"},
		{"POST", "/a/", "NotFound"}, // /a does not take POST
		{"GET", "/b", "Redirect /b/"},
		{"GET", "/a", "a"},
		{"GET", "/b/", "b/"},
		{"GET", "/caf%C3%A9/", "Redirect /caf%C3%A9"},
		{"GET", "/users/7/", "Redirect /users/7"},
		{"GET", "/users/7//", "NotFound"},
		{"GET", "/zzz/", "NotFound"},
		{"GET", "/zzz", "NotFound"},
		{"GET", "/users/%zz/", "BadPath"},
		{"GET", "/", "root"},
		{"DELETE", "/users/", "NotFound"},
		{"DELETE", "/users", "MethodNotAllowed GET, HEAD, OPTIONS, POST"},
	} {
		var p Params
		res := r.Lookup(tc.method, tc.path, &p)
		if got := describe(res, &p); got != tc.want {
			t.Errorf("%s %s = %s, want %s", tc.method, tc.path, got, tc.want)
		}
		if res.Kind == Redirect && p.Len() != 0 {
			t.Errorf("%s %s: redirect left %d params", tc.method, tc.path, p.Len())
		}
	}
	r.RedirectTrailingSlash = false
	var p Params
	if got := describe(r.Lookup("GET", "/a/", &p), &p); got != "NotFound" {
		t.Errorf("without RedirectTrailingSlash GET /a/ = %s", got)
	}
}
