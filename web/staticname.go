package web

import "strings"

// staticName turns the tail of a static route's path, already
// percent-decoded, into a name relative to the served directory. It
// refuses (ok false) any name with a ".." segment, a NUL, or a
// backslash, before the file system is touched; opening the name
// through an [os.Root] then refuses symbolic links that lead out of the
// directory. Empty and "." segments are dropped, so "" and "/" name the
// directory itself (".").
func staticName(p string) (name string, ok bool) {
	if strings.ContainsAny(p, "\x00\\") {
		return "", false
	}
	var b strings.Builder
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
			continue
		case "..":
			return "", false
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(seg)
	}
	if b.Len() == 0 {
		return ".", true
	}
	return b.String(), true
}
