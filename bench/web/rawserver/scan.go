//go:build linux

package main

import "bytes"

// end is the blank line that ends a request's head.
const end = "\r\n\r\n"

// scan counts the request heads that end in b. state is how many bytes
// of end the previous read ended with (0 to 3); scan returns the count
// and the state to pass with the next read, so that a blank line split
// across reads is counted once.
func scan(state int, b []byte) (count, next int) {
	// Finish a blank line begun in the previous read byte by byte, then
	// jump from one blank line to the next with bytes.Index.
	i := 0
	for ; i < len(b) && state > 0; i++ {
		state = step(state, b[i])
		if state == len(end) {
			count, state = count+1, 0
		}
	}
	if state > 0 {
		return count, state // b ended inside that blank line
	}
	rest := b[i:]
	for {
		j := bytes.Index(rest, []byte(end))
		if j < 0 {
			break
		}
		count++
		rest = rest[j+len(end):]
	}
	// rest holds no blank line: the state is its longest suffix that is
	// a prefix of one.
	for k := min(len(end)-1, len(rest)); k > 0; k-- {
		if string(rest[len(rest)-k:]) == end[:k] {
			return count, k
		}
	}
	return count, 0
}

// step advances the match of end by one byte.
func step(state int, c byte) int {
	if c == end[state] {
		return state + 1
	}
	// Of the bytes matched so far plus c, only a lone '\r' can begin
	// end again.
	if c == '\r' {
		return 1
	}
	return 0
}
