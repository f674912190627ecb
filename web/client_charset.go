package web

import (
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"
)

// clientDecodeText decodes body by the charset of contentType: UTF-8 when
// it names none. The single-byte charsets of the web's past that servers
// still name are converted by table; others are refused.
func clientDecodeText(body []byte, contentType string) (string, error) {
	charset := "utf-8"
	if contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
			charset = strings.ToLower(params["charset"])
		}
	}
	switch charset {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return string(body), nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819":
		return clientSingleByte(body, nil), nil
	case "windows-1252", "cp1252":
		return clientSingleByte(body, &clientCP1252), nil
	}
	return "", fmt.Errorf("%w: %q", ErrClientCharset, charset)
}

// clientSingleByte converts a single-byte encoding to UTF-8: bytes below
// 0x80 are ASCII, 0x80-0x9f come from high (nil: ISO-8859-1's C1 controls),
// the rest are ISO-8859-1's, which are Unicode's first 256 code points.
func clientSingleByte(b []byte, high *[32]rune) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xa0 && high != nil:
			sb.WriteRune(high[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// clientCP1252 is windows-1252's 0x80-0x9f; the five bytes it leaves
// undefined decode to U+FFFD.
var clientCP1252 = [32]rune{
	'€', utf8.RuneError, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', utf8.RuneError, 'Ž', utf8.RuneError,
	utf8.RuneError, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', utf8.RuneError, 'ž', 'Ÿ',
}
