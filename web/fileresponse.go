package web

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"

	"github.com/aio-go/aio"
)

// ErrPreconditionFailed (412) answers a request whose If-Match or
// If-Unmodified-Since does not hold.
var ErrPreconditionFailed = &HTTPError{Status: 412}

// ServeFile answers r with the file at name (aiohttp's FileResponse): GET
// and HEAD with the content type of the name's extension, Last-Modified,
// an ETag made of the file's size and modification time, and
// Accept-Ranges. It honours If-None-Match and If-Modified-Since (304),
// If-Match and If-Unmodified-Since (412), and a Range of one span, or of
// several that merge into one, with If-Range (206, or 416 when the range
// lies past the end); several disjoint ranges get the whole file, as
// RFC 9110 allows. The body goes out with sendfile(2) on a plain
// connection, so its bytes never pass through user space.
//
// A missing file answers 404, a directory or other non-regular file 404,
// a file the server may not read 403. The file is opened and examined on
// the loop's executor, so a slow disk does not stall the loop.
//
// Call it from r's handler and return what it returns.
//
// Cancellation: if t is cancelled while the file is opened the file is
// closed and ServeFile returns an error matching [aio.ErrCancelled]; if it
// is cancelled while the body is sent, the connection is closed (the
// client has received part of the file only).
func ServeFile(t *aio.Task, r *Request, name string) (*Response, error) {
	return serveFile(t, r, path.Ext(name), func() (*os.File, error) { return os.Open(name) })
}

// serveRootFile serves name under root, which refuses names that lead
// out of it.
func serveRootFile(t *aio.Task, r *Request, root *os.Root, name string) (*Response, error) {
	return serveFile(t, r, path.Ext(name), func() (*os.File, error) { return root.Open(name) })
}

// openedFile is a file opened on the executor, with its information.
type openedFile struct {
	f  *os.File
	st os.FileInfo
}

func serveFile(t *aio.Task, r *Request, ext string, open func() (*os.File, error)) (*Response, error) {
	of, err := aio.ToThread(t, func() (openedFile, error) {
		f, err := open()
		if err != nil {
			return openedFile{}, err
		}
		st, err := f.Stat()
		if err == nil && !st.Mode().IsRegular() {
			err = fs.ErrNotExist
		}
		if err != nil {
			f.Close()
			return openedFile{}, err
		}
		return openedFile{f, st}, nil
	})
	if err != nil {
		return nil, fileError(err)
	}
	defer of.f.Close()
	return sendOpened(t, r, ext, of)
}

// fileError turns an error opening a file into the HTTP error that
// answers it; cancellation passes through.
func fileError(err error) error {
	switch {
	case errors.Is(err, aio.ErrCancelled):
		return err
	case errors.Is(err, fs.ErrPermission):
		return ErrForbidden
	}
	return ErrNotFound
}

func sendOpened(t *aio.Task, r *Request, ext string, of openedFile) (*Response, error) {
	size, mod := of.st.Size(), of.st.ModTime()
	v := validators{etag: fileETag(mod, size), modTime: mod}
	s := NewStreamResponse(200)
	s.Header.Set("ETag", v.etag)
	s.Header.Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	switch preconditions(r.Method(), r.HeaderValue, v) {
	case http.StatusNotModified:
		s.Status, s.ContentLength = http.StatusNotModified, 0
		return finishEmpty(t, r, s)
	case http.StatusPreconditionFailed:
		return nil, ErrPreconditionFailed
	}
	ct := mime.TypeByExtension(ext)
	if ct == "" {
		ct = "application/octet-stream"
	}
	s.Header.Set("Content-Type", ct)
	s.Header.Set("Accept-Ranges", "bytes")
	span := byteRange{0, size}
	if h := r.HeaderValue("Range"); h != "" && r.Method() == "GET" && ifRangeAllows(r.HeaderValue("If-Range"), v) {
		switch rg, outcome := parseRange(h, size); outcome {
		case rangePartial:
			span, s.Status = rg, http.StatusPartialContent
			s.Header.Set("Content-Range", rg.contentRange(size))
		case rangeUnsatisfiable:
			s.Status, s.ContentLength = http.StatusRequestedRangeNotSatisfiable, 0
			s.Header.Del("Content-Type")
			s.Header.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
			return finishEmpty(t, r, s)
		}
	}
	s.ContentLength = span.length
	if err := s.Prepare(t, r); err != nil {
		return nil, err
	}
	if !s.noBody {
		if err := s.sendFile(t, of.f, span); err != nil {
			return nil, err
		}
	}
	return s.Finish(t)
}

// finishEmpty sends s, which has no body.
func finishEmpty(t *aio.Task, r *Request, s *StreamResponse) (*Response, error) {
	if err := s.Prepare(t, r); err != nil {
		return nil, err
	}
	return s.Finish(t)
}

// fileChunk is how much of a file the copying fallback reads at a time.
const fileChunk = 64 << 10

// sendFile sends span of f as the body: with the transport's SendFile on
// a plain socket, by reading and writing otherwise (TLS).
func (s *StreamResponse) sendFile(t *aio.Task, f *os.File, span byteRange) error {
	if err := s.Flush(); err != nil {
		return err
	}
	if err := s.waitHead(t); err != nil { // what follows writes to the transport
		return err
	}
	s.written += span.length
	if st, ok := s.c.tr.(*aio.SocketTransport); ok {
		n, err := st.SendFile(t, f, span.start, span.length)
		s.resp.sent += n
		if err == nil && n < span.length {
			err = io.ErrUnexpectedEOF // the file shrank under us
		}
		return err
	}
	buf := make([]byte, min(fileChunk, span.length))
	for off := span.start; off < span.start+span.length; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), span.start+span.length-off)], off)
		if n > 0 {
			if werr := s.c.tr.Write(buf[:n]); werr != nil {
				return werr
			}
			s.resp.sent += int64(n)
			off += int64(n)
			if derr := s.Drain(t); derr != nil {
				return derr
			}
		}
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}
