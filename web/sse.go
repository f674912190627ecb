package web

import "github.com/aio-go/aio"

// An EventStream is a text/event-stream response: server-sent events
// (the aiohttp-sse package's EventSourceResponse). [NewEventStream]
// sends the head; [EventStream.Send] sends each event at once, and
// [EventStream.Close] ends the stream and returns the response for the
// handler to return:
//
//	es, err := web.NewEventStream(t, r)
//	if err != nil {
//		return nil, err
//	}
//	for i := range 3 {
//		if err := es.Send(t, web.ServerSentEvent{Data: strconv.Itoa(i)}); err != nil {
//			return nil, err // the client went away
//		}
//		aio.Sleep(t, time.Second)
//	}
//	return es.Close(t)
//
// An EventStream is used by its handler's task only.
type EventStream struct {
	s   *StreamResponse
	buf []byte
}

// NewEventStream starts a text/event-stream response to r: status 200,
// Cache-Control no-cache, chunked (or until the connection closes, for
// an HTTP/1.0 client).
//
// Cancellation: NewEventStream does not suspend.
func NewEventStream(t *aio.Task, r *Request) (*EventStream, error) {
	s := NewStreamResponse(200)
	s.Header.Set("Content-Type", "text/event-stream")
	s.Header.Set("Cache-Control", "no-cache")
	s.Header.Set("X-Accel-Buffering", "no") // tell nginx not to hold events back
	if err := s.Prepare(t, r); err != nil {
		return nil, err
	}
	return &EventStream{s: s}, nil
}

// Send sends ev now, and waits while the connection's write buffer is
// above its high-water mark. It returns [ErrBadEvent] for an ID or
// Event holding a line break (nothing is sent), and the connection's
// error once the client has gone.
//
// Cancellation: if t is cancelled while Send waits for the buffer to
// drain, Send returns an error matching [aio.ErrCancelled]; ev was sent.
func (es *EventStream) Send(t *aio.Task, ev ServerSentEvent) error {
	b, err := appendEvent(es.buf[:0], ev)
	if err != nil {
		return err
	}
	es.buf = b
	return es.write(t, b)
}

// Comment sends a comment line, which clients ignore: send one now and
// then to keep an idle stream open through proxies that drop quiet
// connections.
//
// Cancellation: as for [EventStream.Send].
func (es *EventStream) Comment(t *aio.Task, text string) error {
	es.buf = appendComment(es.buf[:0], text)
	return es.write(t, es.buf)
}

func (es *EventStream) write(t *aio.Task, b []byte) error {
	if err := es.s.Write(t, b); err != nil {
		return err
	}
	return es.s.Drain(t)
}

// Close ends the stream and returns the response for the handler to
// return.
//
// Cancellation: Close does not suspend.
func (es *EventStream) Close(t *aio.Task) (*Response, error) {
	return es.s.Finish(t)
}
