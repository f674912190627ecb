package route

import "testing"

func TestRedirectTrailingSlash(t *testing.T) {
	r := newTestRouter(t)
	r.RedirectTrailingSlash = true
	checkLookups(t, r, []lookupCase{
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
	})
	r.RedirectTrailingSlash = false
	checkLookups(t, r, []lookupCase{{"GET", "/a/", "NotFound"}})
}
