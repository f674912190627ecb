package web

import (
	"errors"
	"testing"
	"time"
)

func TestAppendEvent(t *testing.T) {
	cases := []struct {
		e    ServerSentEvent
		want string
	}{
		{ServerSentEvent{Data: "hi"}, "data: hi\n\n"},
		{ServerSentEvent{Data: ""}, "data: \n\n"},
		{ServerSentEvent{ID: "7", Event: "tick", Data: "a\nb\r\nc\rd", Retry: 1500 * time.Millisecond},
			"id: 7\nevent: tick\nretry: 1500\ndata: a\ndata: b\ndata: c\ndata: d\n\n"},
		{ServerSentEvent{Data: "end\n"}, "data: end\ndata: \n\n"},
	}
	for _, c := range cases {
		got, err := appendEvent(nil, c.e)
		if err != nil || string(got) != c.want {
			t.Errorf("appendEvent(%+v) = %q, %v; want %q", c.e, got, err, c.want)
		}
	}
	for _, e := range []ServerSentEvent{{ID: "a\nb"}, {ID: "a\x00"}, {Event: "x\ry"}} {
		if _, err := appendEvent(nil, e); !errors.Is(err, ErrBadEvent) {
			t.Errorf("appendEvent(%+v): err %v, want ErrBadEvent", e, err)
		}
	}
	if got := string(appendComment(nil, "ping\npong")); got != ": ping\n: pong\n\n" {
		t.Errorf("appendComment = %q", got)
	}
	if got := string(appendComment(nil, "")); got != ":\n\n" {
		t.Errorf("appendComment(\"\") = %q", got)
	}
}
