package web

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// A ServerSentEvent is one event of a text/event-stream response (the
// HTML Living Standard's server-sent events). Data may hold several
// lines; each is sent as its own data field and the browser joins them
// with "\n". Zero fields are left out.
type ServerSentEvent struct {
	ID    string        // sets the client's last event id; no CR, LF or NUL
	Event string        // the event type; no CR or LF; "" means "message"
	Data  string        // the payload
	Retry time.Duration // the client's reconnection delay, sent in milliseconds
}

// ErrBadEvent is returned when a [ServerSentEvent]'s ID or Event holds a
// character that would end its field early.
var ErrBadEvent = errors.New("web: server-sent event field holds a line break")

// appendEvent appends the wire form of e to b.
func appendEvent(b []byte, e ServerSentEvent) ([]byte, error) {
	if strings.ContainsAny(e.ID, "\r\n\x00") || strings.ContainsAny(e.Event, "\r\n") {
		return b, ErrBadEvent
	}
	if e.ID != "" {
		b = append(append(append(b, "id: "...), e.ID...), '\n')
	}
	if e.Event != "" {
		b = append(append(append(b, "event: "...), e.Event...), '\n')
	}
	if e.Retry > 0 {
		b = append(strconv.AppendInt(append(b, "retry: "...), e.Retry.Milliseconds(), 10), '\n')
	}
	data := e.Data
	for {
		i := strings.IndexAny(data, "\r\n")
		if i < 0 {
			b = append(append(append(b, "data: "...), data...), '\n')
			break
		}
		b = append(append(append(b, "data: "...), data[:i]...), '\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	return append(b, '\n'), nil
}

// appendComment appends an SSE comment line, which clients ignore: used
// to keep an idle stream's connection open through proxies.
func appendComment(b []byte, text string) []byte {
	for line := range strings.Lines(text) {
		b = append(append(b, ": "...), strings.TrimRight(line, "\r\n")...)
		b = append(b, '\n')
	}
	if text == "" {
		b = append(b, ":\n"...)
	}
	return append(b, '\n')
}
