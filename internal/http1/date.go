package http1

import "time"

// TimeFormat is the IMF-fixdate layout of the Date header (RFC 9110
// §5.6.7).
const TimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// Date is a cached Date header value, formatted at most once per second.
// It holds no clock and starts no goroutine: its owner (one per event
// loop) calls Update with the time it already has, say once per loop
// iteration, and reads Bytes for each response. Not safe for concurrent
// use. The zero Date is empty until the first Update.
type Date struct {
	sec int64
	set bool
	b   [len(TimeFormat)]byte
}

// Update sets the value to now unless it is already of now's second, and
// reports whether the value changed.
func (d *Date) Update(now time.Time) bool {
	s := now.Unix()
	if d.set && s == d.sec {
		return false
	}
	now.UTC().AppendFormat(d.b[:0], TimeFormat)
	d.sec, d.set = s, true
	return true
}

// Bytes returns the value, such as "Sun, 06 Nov 1994 08:49:37 GMT". The
// slice is d's own: valid until the next Update changes it.
func (d *Date) Bytes() []byte {
	if !d.set {
		return nil
	}
	return d.b[:]
}
