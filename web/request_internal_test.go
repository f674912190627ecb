package web

import (
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/http1"
)

// begin resets every field of a Request in place: a request served
// after another one on the same exchange sees nothing of it. The list of
// fields is spelled out so that a field added to Request fails this test
// until begin and the list know it.
func TestRequestBeginResetsEveryField(t *testing.T) {
	known := []string{"c", "head", "task", "app", "method", "target", "rawPath", "rawQuery",
		"ps", "miss", "header", "hasHeader", "query", "path", "hasPath", "values", "start", "body"}
	typ := reflect.TypeFor[Request]()
	var got []string
	for i := range typ.NumField() {
		got = append(got, typ.Field(i).Name)
	}
	if !reflect.DeepEqual(got, known) {
		t.Fatalf("Request's fields are %v; begin and this test know %v", got, known)
	}
	app := NewApp()
	c := &conn{ls: &loopState{cfg: &config{app: app}}}
	r := &Request{
		miss:      missed{Allow: "GET"},
		hasHeader: true,
		query:     url.Values{"a": {"b"}},
		path:      "/old",
		hasPath:   true,
		values:    map[any]any{"k": 1},
		start:     time.Unix(1, 0),
	}
	r.header.Add("X-Old", "1")
	r.body.t = new(aio.Task) // the task of the request before
	head := &http1.Request{Method: []byte("GET"), Target: []byte("/new?x=1")}
	r.begin(c, head, time.Time{})
	switch {
	case r.miss != (missed{}), r.hasHeader, r.query != nil, r.path != "", r.hasPath,
		len(r.values) != 0, !r.start.IsZero(), r.header.Get("X-Old") != "",
		r.body.r != r, r.body.t != nil, r.task != nil:
		t.Fatalf("begin left state of the request before: %+v", r)
	case r.method != "GET" || r.rawPath != "/new" || r.rawQuery != "x=1" || r.app != app || r.c != c || r.head != head:
		t.Fatalf("begin did not take the new request: %+v", r)
	}
}
