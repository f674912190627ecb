package web_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

// lineWriter hands each written line to a channel.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

func TestAccessLogger(t *testing.T) {
	lines := make(lineWriter, 4)
	logger, err := web.NewAccessLogger(lines, "")
	if err != nil {
		t.Fatal(err)
	}
	app := web.NewApp()
	app.Get("/hi", func(t *aio.Task, r *web.Request) (*web.Response, error) { return web.Text("hello"), nil })
	addr := serveFor(t, app, web.AccessLog(logger.Log))
	rawGet(t, addr, "/hi?x=1", "User-Agent: probe/1", "Referer: http://ref/")
	rawGet(t, addr, "/missing")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^127\.0\.0\.1 \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /hi\?x=1 HTTP/1\.1" 200 \d+ "http://ref/" "probe/1"\n$`),
		regexp.MustCompile(`^127\.0\.0\.1 \[.*\] "GET /missing HTTP/1\.1" 404 \d+ "-" "-"\n$`),
	}
	for i, re := range want {
		select {
		case line := <-lines:
			if !re.MatchString(line) {
				t.Errorf("line %d: %q does not match %s", i, line, re)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("line %d never logged", i)
		}
	}
}
