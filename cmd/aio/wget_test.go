package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWgetHelp(t *testing.T) {
	for _, args := range [][]string{{"wget", "-h"}, {"wget", "--help"}, {"help", "wget"}} {
		out, errs, code := runCommand(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: aio wget") || !strings.Contains(out, "examples:") {
			t.Errorf("aio %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
	if out, _, _ := runCommand(t, "help"); !strings.Contains(out, "  wget ") {
		t.Errorf("aio help does not list wget: %q", out)
	}
}

func TestWgetBadCommandLine(t *testing.T) {
	for _, args := range [][]string{
		{"wget"},
		{"wget", "-x", "http://127.0.0.1/"},
		{"wget", "-c", "0", "http://127.0.0.1/"},
		{"wget", "-c", "1001", "http://127.0.0.1/"},
		{"wget", "-timeout", "-1s", "http://127.0.0.1/"},
		{"wget", "-timeout", "soon", "http://127.0.0.1/"},
	} {
		out, errs, code := runCommand(t, args...)
		if code != 2 || out != "" || !strings.HasPrefix(errs, "aio: wget: ") || strings.Count(errs, "\n") != 1 {
			t.Errorf("aio %s: exit %d, stdout %q, stderr %q; want 2 and one line", strings.Join(args, " "), code, out, errs)
		}
	}
}

func wgetServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/moved":
			http.Redirect(w, r, "/dir/page", http.StatusFound)
		default:
			w.Header().Set("X-Path", r.URL.Path)
			io.WriteString(w, "body of "+r.URL.Path)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestWgetMany: every URL is fetched and printed; the failures are
// reported and make the exit status 1, without stopping the others.
func TestWgetMany(t *testing.T) {
	srv := wgetServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/"
	ln.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	good, missing, moved := srv.URL+"/a", srv.URL+"/missing", srv.URL+"/moved"
	out, errs, code := runCommand(t, "wget", good, missing, refused, moved, host+"/bare")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{
		good + " header > HTTP/1.1 200 OK\n",
		good + " header > X-Path: /a\n",
		good + " header > Content-Length: 10\n",
		missing + " header > HTTP/1.1 404 Not Found\n",
		moved + " header > HTTP/1.1 302 Found\n",
		moved + " header > Location: /dir/page\n",
		host + "/bare header > HTTP/1.1 200 OK\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 3 || !strings.Contains(errs, "aio: wget "+missing+": server answered 404 Not Found") ||
		!strings.Contains(errs, "aio: wget "+refused+": ") || !strings.Contains(errs, "refused") ||
		!strings.Contains(errs, "aio: wget: 2 of the URLs failed") {
		t.Errorf("stderr:\n%s", errs)
	}
	// Following the redirect.
	out, _, code = runCommand(t, "wget", "-L", moved)
	if code != 0 || !strings.Contains(out, moved+" header > HTTP/1.1 200 OK\n") || !strings.Contains(out, "X-Path: /dir/page") {
		t.Errorf("-L: exit %d, stdout %q", code, out)
	}
}

func TestWgetSave(t *testing.T) {
	srv := wgetServer(t)
	dir := t.TempDir()
	out, errs, code := runCommand(t, "wget", "-O", dir, "-c", "1", srv.URL+"/x/page", srv.URL+"/y/page", srv.URL+"/", srv.URL+"/moved")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, errs, out)
	}
	got := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		got[e.Name()] = string(b)
	}
	if len(got) != 4 || got["index.html"] != "body of /" || got["moved"] == "" ||
		fmt.Sprint(got["page"] != "" && got["page.1"] != "" && got["page"] != got["page.1"]) != "true" {
		t.Errorf("saved files: %q", got)
	}
	if _, errs, code := runCommand(t, "wget", "-O", filepath.Join(dir, "absent"), srv.URL+"/a"); code != 1 || !strings.Contains(errs, "no such file") {
		t.Errorf("-O to a missing directory: exit %d, stderr %q", code, errs)
	}
}

// TestWgetConcurrency: -c bounds the requests the server sees at once.
func TestWgetConcurrency(t *testing.T) {
	var mu sync.Mutex
	active, peak, total := 0, 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		active++
		total++
		peak = max(peak, active)
		mu.Unlock()
		time.Sleep(50 * time.Millisecond) // overlap the requests
		mu.Lock()
		active--
		mu.Unlock()
	}))
	defer srv.Close()
	var urls []string
	for i := range 6 {
		urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
	}
	_, errs, code := runCommand(t, append([]string{"wget", "-c", "2"}, urls...)...)
	mu.Lock()
	defer mu.Unlock()
	if code != 0 || total != 6 || peak > 2 {
		t.Errorf("exit %d (%s), %d requests, %d at once; want 6, at most 2", code, errs, total, peak)
	}
}

func TestWgetName(t *testing.T) {
	for in, want := range map[string]string{
		"http://h":            "index.html",
		"http://h/":           "index.html",
		"http://h/a/":         "index.html",
		"http://h/a/b.txt":    "b.txt",
		"http://h/a/..":       "index.html",
		"http://h/a%2Fb?x=1":  "b",
		"http://h/x/page.php": "page.php",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := wgetName(u); got != want {
			t.Errorf("wgetName(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestWgetHTTPS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	out, errs, code := runCommand(t, "wget", "-k", srv.URL+"/s")
	if code != 0 || !strings.Contains(out, srv.URL+"/s header > HTTP/1.1 200 OK\n") {
		t.Errorf("-k: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	_, errs, code = runCommand(t, "wget", srv.URL+"/s")
	if code != 1 || !strings.Contains(errs, "certificate") {
		t.Errorf("without -k: exit %d, stderr %q", code, errs)
	}
}
