package web

import "testing"

func TestStaticName(t *testing.T) {
	for in, want := range map[string]string{
		"":             ".",
		"/":            ".",
		"a.txt":        "a.txt",
		"/a/b.txt":     "a/b.txt",
		"a//b/./c":     "a/b/c",
		"..":           "",
		"a/../b":       "",
		"/../etc/pass": "",
		"a/..":         "",
		"a\\..\\b":     "",
		"a\x00b":       "",
		"...":          "...",
		"..a":          "..a",
	} {
		got, ok := staticName(in)
		if ok != (want != "") || got != want {
			t.Errorf("staticName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
