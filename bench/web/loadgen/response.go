//go:build linux

package main

import (
	"bytes"
	"errors"
	"strconv"
)

var (
	errStatusLine    = errors.New("malformed status line")
	errContentLength = errors.New("response without a valid Content-Length")
	errHeadTooLong   = errors.New("response head over 8 KiB")
)

// maxHead bounds a response head, so that a server sending garbage
// fails the run instead of growing the buffer.
const maxHead = 8 << 10

// parseResponse measures the first HTTP/1.1 response in b. It returns
// the response's length (head and body) and status code once b holds all
// of it, n == 0 while it is incomplete, and an error if it is malformed.
// Only Content-Length framing is understood: every server of bench/web
// answers GET / with a fixed-length body.
func parseResponse(b []byte) (n, status int, err error) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		if len(b) > maxHead {
			return 0, 0, errHeadTooLong
		}
		return 0, 0, nil
	}
	head := b[:end]
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	// "HTTP/1.1 200 OK": the code is the three digits after the first space.
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, 0, errStatusLine
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil || status < 100 {
		return 0, 0, errStatusLine
	}
	length := -1
	for len(rest) > 0 {
		var field []byte
		field, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(field, []byte(":"))
		if !ok || !bytes.EqualFold(name, []byte("Content-Length")) {
			continue
		}
		v, err := strconv.Atoi(string(bytes.TrimSpace(value)))
		if err != nil || v < 0 || length >= 0 && v != length {
			return 0, 0, errContentLength
		}
		length = v
	}
	if length < 0 {
		return 0, 0, errContentLength
	}
	total := end + 4 + length
	if len(b) < total {
		return 0, status, nil
	}
	return total, status, nil
}
