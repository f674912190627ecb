package route

import (
	"errors"
	"testing"
)

// lookupAll checks GET requests for paths against wanted descriptions.
func lookupAll(t *testing.T, r *Router[string], cases map[string]string) {
	t.Helper()
	var list []lookupCase
	for path, want := range cases {
		list = append(list, lookupCase{"GET", path, want})
	}
	checkLookups(t, r, list)
}

func mustAdd(t *testing.T, r *Router[string], method, pattern, label string) *Route[string] {
	t.Helper()
	rt, err := r.Add(method, pattern, label)
	if err != nil {
		t.Fatal(err)
	}
	if label != "" {
		if err := rt.Name(label); err != nil {
			t.Fatal(err)
		}
	}
	return rt
}

func TestMount(t *testing.T) {
	var app, admin Router[string]
	mustAdd(t, &app, "GET", "/", "home")
	mustAdd(t, &app, "GET", "/admin-not", "other")
	mustAdd(t, &admin, "GET", "/", "index")
	mustAdd(t, &admin, "GET", "/items/{id}", "item")
	if err := app.Mount("/admin", &admin); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, &admin, "GET", "/later", "later") // added after mounting
	lookupAll(t, &app, map[string]string{
		"/":                "home",
		"/admin/":          "index",
		"/admin":           "NotFound",
		"/admin/items/3":   `item id="3"`,
		"/admin/later":     "later",
		"/admin-not":       "other",
		"/items/3":         "NotFound",
		"/admin/items/%41": `item id="A"`,
	})
	// The sub-router keeps answering its own paths.
	lookupAll(t, &admin, map[string]string{"/items/3": `item id="3"`, "/later": "later", "/admin/later": "NotFound"})
	for _, tc := range []struct {
		name   string
		params []string
		want   string
	}{
		{"item", []string{"id", "x/y"}, "/admin/items/x%2Fy"},
		{"later", nil, "/admin/later"},
		{"index", nil, "/admin/"},
	} {
		if got, err := admin.URL(tc.name, tc.params...); err != nil || got != tc.want {
			t.Errorf("admin.URL(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := app.URL("item", "id", "1"); !errors.Is(err, ErrNoRoute) {
		t.Errorf("the parent sees the sub-router's name: %v", err)
	}
}

func TestMountNested(t *testing.T) {
	// Mount the inner router first, then its parent: order does not matter.
	var root, api, v1 Router[string]
	mustAdd(t, &v1, "GET", "/things/{id:[0-9]+}", "thing")
	if err := api.Mount("/v1", &v1); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, &api, "GET", "/status", "status")
	if err := root.Mount("/api", &api); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, &v1, "POST", "/things", "create") // reaches root through api
	lookupAll(t, &root, map[string]string{
		"/api/v1/things/7": `thing id="7"`,
		"/api/status":      "status",
		"/api/v1/things":   "MethodNotAllowed OPTIONS, POST",
		"/v1/things/7":     "NotFound",
	})
	lookupAll(t, &api, map[string]string{"/v1/things/7": `thing id="7"`})
	if got, err := v1.URL("thing", "id", "7"); err != nil || got != "/api/v1/things/7" {
		t.Errorf("v1.URL = %q, %v", got, err)
	}
	if got, err := api.URL("status"); err != nil || got != "/api/status" {
		t.Errorf("api.URL = %q, %v", got, err)
	}
	var other, caf Router[string]
	mustAdd(t, &caf, "GET", "/x", "x")
	if err := other.Mount("/a/café", &caf); err != nil {
		t.Fatal(err)
	}
	if got, err := caf.URL("x"); err != nil || got != "/a/caf%C3%A9/x" {
		t.Errorf("caf.URL = %q, %v", got, err)
	}
	lookupAll(t, &other, map[string]string{"/a/caf%C3%A9/x": "x"})
}

func TestMountErrors(t *testing.T) {
	var app, sub Router[string]
	mustAdd(t, &app, "GET", "/admin/x", "")
	mustAdd(t, &sub, "GET", "/y", "")
	for _, prefix := range []string{"", "admin", "/admin/", "/", "/{x}", "/a/{x:[0-9]+}", "/{"} {
		if err := app.Mount(prefix, &sub); !errors.Is(err, ErrMount) {
			t.Errorf("Mount(%q): %v", prefix, err)
		}
	}
	if err := app.Mount("/nil", nil); !errors.Is(err, ErrMount) {
		t.Errorf("Mount of nil: %v", err)
	}
	if err := app.Mount("/app", &app); !errors.Is(err, ErrMount) {
		t.Errorf("Mount of itself: %v", err)
	}

	// A clash refuses the whole mount.
	mustAdd(t, &sub, "GET", "/x", "")
	if err := app.Mount("/admin", &sub); !errors.Is(err, ErrConflict) {
		t.Errorf("clashing Mount: %v", err)
	}
	lookupAll(t, &app, map[string]string{"/admin/y": "NotFound"})
	if err := app.Mount("/other", &sub); err != nil {
		t.Fatalf("the refused Mount left sub mounted: %v", err)
	}
	if err := app.Mount("/third", &sub); !errors.Is(err, ErrMount) {
		t.Errorf("second Mount: %v", err)
	}
	if err := sub.Mount("/loop", &app); !errors.Is(err, ErrMount) {
		t.Errorf("cycle: %v", err)
	}

	// A route added to a mounted router that clashes in the parent is
	// refused in the sub-router too.
	mustAdd(t, &app, "GET", "/other/z", "")
	if _, err := sub.Add("GET", "/z", ""); !errors.Is(err, ErrConflict) {
		t.Errorf("Add clashing in the parent: %v", err)
	}
	lookupAll(t, &sub, map[string]string{"/z": "NotFound"})
	if _, err := sub.Add("POST", "/z", "post"); err != nil {
		t.Errorf("Add of another method: %v", err)
	}
}
