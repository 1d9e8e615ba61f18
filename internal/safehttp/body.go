package safehttp

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// Caps on answer bodies, in decompressed bytes.
const (
	// MaxAnswer caps one API answer: the Huawei adapter's existing cap,
	// now the same on both clouds. The largest answers read (a TCSS
	// schedule with its image list, a ROMA job with its reasons) are a few
	// KiB.
	MaxAnswer = 16 << 20

	// MaxDownload caps one downloaded result file. A 100000-row container
	// export is a few MiB; the cap leaves a wide margin.
	MaxDownload = 1 << 30
)

// tooBig is the error for an answer over its cap.
func tooBig(max int64) *errs.Error {
	return &errs.Error{Code: errs.Internal, Message: fmt.Sprintf("the answer body is larger than the %d bytes (decompressed) this library reads; refusing it rather than truncating it", max)}
}

// BufferAnswers returns a RoundTripper that sends through rt
// (http.DefaultTransport when nil) and reads each answer body whole, at
// most max decompressed bytes, before returning it as an in-memory body with
// no Content-Encoding. The underlying body is always closed before
// RoundTrip returns. A body over max, a read error, an encoding other than
// gzip or deflate, or the request's context ending is returned by RoundTrip
// as an error (Internal for size and encoding, the read or context error
// otherwise), so an SDK above sees a transport error with this one as its
// cause, never a half-read body. A max <= 0 (or over 1 TiB) means MaxAnswer.
func BufferAnswers(rt http.RoundTripper, max int64) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if max <= 0 || max > 1<<40 {
		max = MaxAnswer
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		// The reader and the body it leaves are one allocation.
		buf := &buffered{}
		body := &buf.lim
		body.init(req.Context(), resp, max)
		defer body.Close()
		if resp.ContentLength > max && !resp.Uncompressed && resp.Header.Get("Content-Encoding") == "" {
			return nil, tooBig(max)
		}
		b, err := readAll(body, resp.ContentLength, max)
		if err != nil {
			return nil, err
		}
		buf.b = b
		buf.Reset(b)
		resp.Body = buf
		resp.ContentLength = int64(len(b))
		return resp, nil
	})
}

// buffered is an answer body held in memory.
type buffered struct {
	bytes.Reader
	b   []byte
	lim limited // what read it, closed once it was read
}

// Close does nothing: the body is memory.
func (*buffered) Close() error { return nil }

// Buffered returns the whole answer body BufferAnswers read, and true, when
// body is such a body that has not been read from yet; else nil and false.
// The slice must not be changed.
func Buffered(body io.ReadCloser) ([]byte, bool) {
	if b, ok := body.(*buffered); ok && int64(b.Len()) == b.Size() {
		return b.b, true
	}
	return nil, false
}

// noWatch is the stop function of a body whose context cannot end.
func noWatch() bool { return false }

// readAll reads r (a *limited, which fails past max) whole. Its buffer
// starts at the declared length when there is one and never grows past
// max+1, so an oversized answer costs at most about twice the cap in
// allocations, never its own size.
func readAll(r io.Reader, declared, max int64) ([]byte, error) {
	size := int64(32 << 10)
	if declared >= 0 && !(declared > max) {
		size = declared + 1 // +1 to see EOF without growing
	}
	b := make([]byte, 0, min(size, max+1))
	for {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(2*int64(cap(b)), max+1))
			copy(nb, b)
			b = nb
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// LimitBodies returns a RoundTripper that sends through rt
// (http.DefaultTransport when nil) and streams each answer body through a
// reader that fails with an Internal error past max decompressed bytes, and
// that closes the underlying body itself at EOF, on any read error, on
// reaching the cap and when the request's context ends, whether or not the
// caller ever calls Close. An answer whose Content-Length already exceeds
// max is refused by RoundTrip. A max <= 0 (or over 1 TiB) means MaxDownload.
func LimitBodies(rt http.RoundTripper, max int64) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if max <= 0 || max > 1<<40 {
		max = MaxDownload
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		if resp.ContentLength > max && !resp.Uncompressed && resp.Header.Get("Content-Encoding") == "" {
			resp.Body.Close()
			return nil, tooBig(max)
		}
		resp.Body = newLimited(req.Context(), resp, max)
		return resp, nil
	})
}

// limited is a capped, self-closing answer body.
type limited struct {
	raw  io.ReadCloser // the transport's body
	r    io.Reader     // raw, or a decompressor reading it
	left int64         // bytes still allowed
	max  int64
	err  error // sticky
	once sync.Once
	stop func() bool // ends the context watch; guarded by mu
	mu   sync.Mutex
}

// newLimited wraps resp.Body, decoding a Content-Encoding the transport left
// in place, and fixes resp's headers to describe the decoded body.
func newLimited(ctx context.Context, resp *http.Response, max int64) *limited {
	l := &limited{}
	l.init(ctx, resp, max)
	return l
}

// init sets up l, a zero limited, as newLimited describes.
func (l *limited) init(ctx context.Context, resp *http.Response, max int64) {
	raw := resp.Body // captured: callers replace resp.Body with l
	l.raw, l.r, l.left, l.max = raw, raw, max, max
	l.stop = noWatch
	if ctx.Done() != nil { // a context that can end is watched
		// Under mu: on a ctx that has already ended the watch runs at once,
		// on its own goroutine, and closeRaw reads stop.
		l.mu.Lock()
		l.stop = context.AfterFunc(ctx, func() { l.fail(ctx.Err()) })
		l.mu.Unlock()
	}
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		l.r = &lazy{open: func() (io.Reader, error) { return gzip.NewReader(raw) }}
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped; some servers send it raw (and
		// the Tencent SDK reads it raw): accept both.
		br := bufio.NewReader(raw)
		l.r = &lazy{open: func() (io.Reader, error) {
			if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
				return zlib.NewReader(br)
			}
			return flate.NewReader(br), nil
		}}
	default:
		l.fail(&errs.Error{Code: errs.Internal, Message: fmt.Sprintf("the answer uses Content-Encoding %q, whose decoded size this library cannot bound", enc)})
	}
	if enc != "" && enc != "identity" {
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	}
}

// lazy opens its decoder on first read, so a bad header surfaces as a read
// error the limited body handles like any other.
type lazy struct {
	open func() (io.Reader, error)
	r    io.Reader
}

func (z *lazy) Read(p []byte) (int, error) {
	if z.r == nil {
		r, err := z.open()
		if err != nil {
			return 0, err
		}
		z.r = r
	}
	return z.r.Read(p)
}

// fail records err (the first one wins) and closes the underlying body.
func (l *limited) fail(err error) {
	l.mu.Lock()
	if l.err == nil {
		l.err = err
	}
	l.mu.Unlock()
	l.closeRaw()
}

func (l *limited) closeRaw() {
	l.once.Do(func() {
		l.mu.Lock()
		stop := l.stop
		l.mu.Unlock()
		stop()
		l.raw.Close()
	})
}

func (l *limited) sticky() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Read reads at most the bytes still allowed, plus one to detect an
// oversized body without reading it.
func (l *limited) Read(p []byte) (int, error) {
	if err := l.sticky(); err != nil {
		return 0, err
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		n = int(l.left)
		l.left = 0
		l.fail(tooBig(l.max))
		return n, l.sticky()
	}
	l.left -= int64(n)
	switch {
	case err == io.EOF:
		// Sticky, so that a read after the end is io.EOF again (as
		// io.Reader asks), not the closed body's error: readers that
		// spool a download read once more after EOF.
		l.fail(io.EOF)
	case err != nil:
		if se := l.sticky(); se != nil {
			err = se // the context's error, not the closed body's
		}
		l.fail(err)
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
			errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrHeader) || errors.As(err, new(flate.CorruptInputError)) {
			err = &errs.Error{Code: errs.Unavailable, Message: "the answer body ended early or is corrupt", Err: err}
		}
	}
	return n, err
}

// Close closes the underlying body (once).
func (l *limited) Close() error {
	l.fail(errClosed)
	return nil
}

var errClosed = errors.New("safehttp: read on a closed body")
