package web_test

import (
	"bufio"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/web"
)

func TestEventStream(t *testing.T) {
	badErr := make(chan error, 1)
	app := web.NewApp()
	app.Get("/events", func(t *aio.Task, r *web.Request) (*web.Response, error) {
		es, err := web.NewEventStream(t, r)
		if err != nil {
			return nil, err
		}
		badErr <- es.Send(t, web.ServerSentEvent{Event: "a\nb"})
		if err := es.Comment(t, "keep-alive"); err != nil {
			return nil, err
		}
		for _, ev := range []web.ServerSentEvent{
			{ID: "1", Data: "one"},
			{Event: "multi", Data: "two\nlines"},
		} {
			if err := es.Send(t, ev); err != nil {
				return nil, err
			}
		}
		return es.Close(t)
	})
	resp, err := http.Get("http://" + serveFor(t, app) + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("head: %v", resp.Header)
	}
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	want := ": keep-alive||id: 1|data: one||event: multi|data: two|data: lines|"
	if got := strings.Join(lines, "|"); got != want {
		t.Errorf("stream\n got %q\nwant %q", got, want)
	}
	if err := <-badErr; !errors.Is(err, web.ErrBadEvent) {
		t.Errorf("Send of a bad event: %v", err)
	}
}
