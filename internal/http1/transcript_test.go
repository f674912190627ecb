package http1

import (
	"bytes"
	"fmt"
	"slices"
	"unsafe"
)

// A message as a test sees it: copies of everything the parser reported.
type message struct {
	method, target string
	minor, status  int
	reason         string
	headers        []string // "name: value"
	body           []byte
	trailers       []string
	upgrade        bool
	complete       bool
}

// transcript is everything a parser reported for one input.
type transcript struct {
	msgs []message
	err  error
}

func (t transcript) String() string {
	var b bytes.Buffer
	for _, m := range t.msgs {
		fmt.Fprintf(&b, "%+v\n", m)
	}
	fmt.Fprintf(&b, "err=%v", t.err)
	return b.String()
}

func fields(hs Headers) []string {
	var out []string
	for _, h := range hs {
		out = append(out, string(h.Name)+": "+string(h.Value))
	}
	return out
}

// runOpts says how to drive the parser.
type runOpts struct {
	mode        Mode
	cfg         Config
	finish      bool     // call Finish at the end of the input
	stopUpgrade bool     // stop after a message that switches protocols
	methods     []string // responses: the request method of each response
}

// run feeds input to a fresh parser in the pieces that cuts give (offsets
// into input, ascending) and records what it reports. Each piece is a
// copy overwritten after it is fed, as a connection's read buffer is. It
// panics if the parser breaks Feed's contract (consumed more than it got,
// returned body bytes from outside the input, EventNone before the input
// ran out, a head that changed before its message ended).
func run(o runOpts, input []byte, cuts []int) transcript {
	var p Parser
	p.Init(o.mode, o.cfg)
	var t transcript
	var cur *message
	setMethod := func() {
		if o.mode == Responses && len(t.msgs) < len(o.methods) {
			p.SetRequestMethod(o.methods[len(t.msgs)])
		}
	}
	setMethod()
	handle := func(ev Event, body []byte) (stop bool) {
		switch ev {
		case EventHead:
			t.msgs = append(t.msgs, message{})
			cur = &t.msgs[len(t.msgs)-1]
			if o.mode == Requests {
				r := p.Request()
				cur.method, cur.target, cur.minor = string(r.Method), string(r.Target), r.Minor
				cur.headers, cur.upgrade = fields(r.Headers), r.Upgrade
			} else {
				r := p.Response()
				cur.status, cur.reason, cur.minor = r.Status, string(r.Reason), r.Minor
				cur.headers, cur.upgrade = fields(r.Headers), r.Upgrade
			}
		case EventBody:
			if len(body) == 0 {
				panic("empty body event")
			}
			cur.body = append(cur.body, body...)
		case EventEnd:
			// The head's slices must still hold what they held at
			// EventHead, though the input they came from is gone.
			if got := p.Response().Headers; o.mode == Requests {
				got = p.Request().Headers
				if string(p.Request().Target) != cur.target || !slices.Equal(fields(got), cur.headers) {
					panic("request head changed before the message ended")
				}
			} else if !slices.Equal(fields(got), cur.headers) {
				panic("response head changed before the message ended")
			}
			cur.complete = true
			cur.trailers = fields(p.Trailers())
			setMethod()
			return o.stopUpgrade && cur.upgrade
		}
		return false
	}
	prev := 0
	for i := 0; i <= len(cuts); i++ {
		end := len(input)
		if i < len(cuts) {
			end = cuts[i]
		}
		// Feed a copy, spoiled once fed, as a read buffer is reused.
		scratch := append([]byte(nil), input[prev:end]...)
		piece := scratch
		prev = end
		for {
			n, ev, body, err := p.Feed(piece)
			if n < 0 || n > len(piece) {
				panic(fmt.Sprintf("Feed consumed %d of %d bytes", n, len(piece)))
			}
			if len(body) > 0 && !within(body, piece[:n]) {
				panic("body bytes outside the consumed input")
			}
			if err != nil {
				t.err = err
				return t
			}
			if ev == EventNone && n != len(piece) {
				panic("EventNone with input left")
			}
			piece = piece[n:]
			if handle(ev, body) {
				return t
			}
			if ev == EventNone {
				break
			}
		}
		for i := range scratch {
			scratch[i] = 'X'
		}
	}
	if o.finish {
		ev, err := p.Finish()
		if err != nil {
			t.err = err
		} else if ev == EventEnd {
			handle(ev, nil)
		}
	}
	return t
}

// within reports whether b lies inside in.
func within(b, in []byte) bool {
	if len(in) == 0 {
		return false
	}
	bs, be := uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b))
	is, ie := uintptr(unsafe.Pointer(unsafe.SliceData(in))), uintptr(len(in))
	return bs >= is && bs+be <= is+ie
}
