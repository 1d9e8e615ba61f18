package safehttp_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
)

const testCap = 1 << 20 // 1 MiB keeps the tests light; MaxAnswer is 16 MiB

// streamer answers with n bytes of JSON-ish filler written in 32 KiB chunks
// without a Content-Length, and records how much it managed to write.
func streamer(n int64, written *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		for sent := int64(0); sent < n; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			written.Add(int64(len(chunk)))
		}
	})
}

func wantTooBig(t *testing.T, err error) {
	t.Helper()
	var pe *errs.Error
	if !errors.As(err, &pe) || pe.Code != errs.Internal || !strings.Contains(pe.Message, "larger than the "+strconv.Itoa(testCap)) {
		t.Fatalf("err = %v; want Internal naming the %d-byte cap", err, testCap)
	}
}

// Issue 11: a 1 GiB answer was read whole and accepted. Now the read stops
// at the cap: the handler manages to write only the cap plus what socket
// buffers hold, and the caller gets an error, not a truncated success.
func TestBufferAnswersRefuses1GiBAtTheCap(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(streamer(1<<30, &written))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: safehttp.BufferAnswers(tr, testCap)}
	resp, err := c.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
	}
	wantTooBig(t, err)
	srv.Close() // waits for the handler to give up
	if w := written.Load(); w > 64<<20 {
		t.Errorf("the handler wrote %d bytes before the client hung up; want about the cap", w)
	}
}

func TestLimitBodiesRefuses1GiBAtTheCap(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(streamer(1<<30, &written))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: safehttp.LimitBodies(tr, testCap)}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body) // never Close: the wrapper must
	wantTooBig(t, err)
	if n != testCap {
		t.Errorf("read %d bytes before the error; want exactly the cap %d", n, testCap)
	}
	srv.Close()
	if w := written.Load(); w > 64<<20 {
		t.Errorf("the handler wrote %d bytes; want about the cap", w)
	}
}

func TestDeclaredLengthOverTheCapIsRefusedUpFront(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		w.WriteHeader(200)
		w.Write([]byte("{"))
	}))
	defer srv.Close()
	for name, wrap := range map[string]func(http.RoundTripper, int64) http.RoundTripper{
		"BufferAnswers": safehttp.BufferAnswers, "LimitBodies": safehttp.LimitBodies,
	} {
		t.Run(name, func(t *testing.T) {
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			_, err := (&http.Client{Transport: wrap(tr, testCap)}).Get(srv.URL)
			wantTooBig(t, err)
		})
	}
}

// bomb is 64 MiB of zeros compressed to about 64 KiB.
func bomb(t *testing.T, deflate bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	if deflate {
		w, _ = flate.NewWriter(&buf, flate.BestCompression)
	} else {
		w, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	}
	zeros := make([]byte, 1<<20)
	for range 64 {
		w.Write(zeros)
	}
	w.Close()
	return buf.Bytes()
}

// Issue 11: 1 MiB of gzip on the wire became gigabytes in memory. The cap
// counts decompressed bytes whether Go's transport decompresses (it asked
// for gzip), or the caller asked itself (the transport leaves the body
// compressed, and an SDK would inflate it above any transport cap), or the
// server sends deflate unasked (the Tencent SDK inflates it).
func TestCapsCountDecompressedBytes(t *testing.T) {
	gz, raw := bomb(t, false), bomb(t, true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := gz
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Query().Get("enc") == "deflate" {
			body = raw
			w.Header().Set("Content-Encoding", "deflate")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, query    string
		acceptEncoding string
	}{
		{"transparent gzip", "", ""},
		{"caller asked for gzip", "", "gzip"},
		{"deflate unasked", "?enc=deflate", ""},
	} {
		for name, wrap := range map[string]func(http.RoundTripper, int64) http.RoundTripper{
			"BufferAnswers": safehttp.BufferAnswers, "LimitBodies": safehttp.LimitBodies,
		} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				tr := &http.Transport{}
				defer tr.CloseIdleConnections()
				req, _ := http.NewRequest("GET", srv.URL+tc.query, nil)
				if tc.acceptEncoding != "" {
					req.Header.Set("Accept-Encoding", tc.acceptEncoding)
				}
				resp, err := (&http.Client{Transport: wrap(tr, testCap)}).Do(req)
				if err == nil {
					if enc := resp.Header.Get("Content-Encoding"); enc != "" {
						t.Errorf("Content-Encoding %q left on a decoded body", enc)
					}
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				wantTooBig(t, err)
			})
		}
	}
}

func TestSmallCompressedAnswersDecode(t *testing.T) {
	const want = `{"Response":{"JobId":"j1","RequestId":"r"}}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(want))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	}))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Client{Transport: safehttp.BufferAnswers(tr, testCap)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != want || resp.ContentLength != int64(len(want)) {
		t.Errorf("body %q (length %d); want %q", b, resp.ContentLength, want)
	}
}

func TestUnknownEncodingIsRefused(t *testing.T) {
	rt := fakeRT(func() io.ReadCloser { return io.NopCloser(strings.NewReader("xx")) }, "br")
	_, err := (&http.Client{Transport: safehttp.BufferAnswers(rt, testCap)}).Get("http://vendor.invalid/")
	if errs.CodeOf(err) != errs.Internal || !strings.Contains(err.Error(), `"br"`) {
		t.Fatalf("err = %v; want Internal naming br", err)
	}
}

// trackedBody fails after a few bytes, like a truncated answer, and records
// whether it was closed.
type trackedBody struct {
	r      io.Reader
	closed atomic.Bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}
func (b *trackedBody) Close() error { b.closed.Store(true); return nil }

func fakeRT(body func() io.ReadCloser, encoding string) roundTripFunc {
	return func(r *http.Request) (*http.Response, error) {
		h := http.Header{}
		if encoding != "" {
			h.Set("Content-Encoding", encoding)
		}
		return &http.Response{StatusCode: 200, Header: h, Body: body(), ContentLength: -1, Request: r}, nil
	}
}

// Issue 11: when a Tencent answer failed mid-read the SDK never closed it.
// The wrappers close the underlying body themselves, with no Close call.
func TestTruncatedBodyIsClosedWithoutClose(t *testing.T) {
	for name, wrap := range map[string]func(http.RoundTripper, int64) http.RoundTripper{
		"BufferAnswers": safehttp.BufferAnswers, "LimitBodies": safehttp.LimitBodies,
	} {
		t.Run(name, func(t *testing.T) {
			tb := &trackedBody{r: strings.NewReader(`{"Response":`)}
			rt := fakeRT(func() io.ReadCloser { return tb }, "")
			resp, err := (&http.Client{Transport: wrap(rt, testCap)}).Get("http://vendor.invalid/")
			if err == nil {
				_, err = io.ReadAll(resp.Body) // like the SDK: read, and on error, return without Close
			}
			if errs.CodeOf(err) != errs.Unavailable || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("err = %v; want Unavailable wrapping unexpected EOF", err)
			}
			if !tb.closed.Load() {
				t.Errorf("the truncated body was left open")
			}
		})
	}
}

// A real connection whose answer stalls: when the context ends, the body is
// closed and the connection torn down even though nobody reads or closes.
func TestBodyClosedWhenContextEnds(t *testing.T) {
	release := make(chan struct{})
	connClosed := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"Response":`))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			select {
			case connClosed <- struct{}{}:
			default:
			}
		}
	}
	srv.Start()
	defer srv.Close()
	defer close(release)

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := (&http.Client{Transport: safehttp.LimitBodies(tr, testCap)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := resp.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	cancel() // and never read or Close again
	select {
	case <-connClosed:
	case <-time.After(30 * time.Second):
		t.Fatal("the connection was still open 30s after the context ended")
	}
	if _, err := resp.Body.Read(buf); !errors.Is(err, context.Canceled) {
		t.Errorf("Read after the context ended = %v; want context.Canceled", err)
	}
}

// A body read to its end keeps answering io.EOF, as io.Reader asks: the
// row reader spools a zip download and reads once more after the end,
// which got "read on closed response body" when EOF closed the body.
func TestReadAfterEOFIsEOF(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "PK whole file")
	}))
	defer srv.Close()
	resp, err := (&http.Client{Transport: safehttp.LimitBodies(http.DefaultTransport, testCap)}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "PK whole file" {
		t.Fatalf("ReadAll = %q, %v; want the whole body", b, err)
	}
	for i := 0; i < 2; i++ {
		if n, err := resp.Body.Read(make([]byte, 8)); n != 0 || err != io.EOF {
			t.Errorf("read %d after EOF = %d, %v; want 0, io.EOF", i+1, n, err)
		}
	}
}

// A transport may answer although the request's context has already ended
// (a stub, or a real one that lost the race with cancel). The body's context
// watch then fires at once, on its own goroutine, while the body is still
// being set up, and closes the underlying body though nobody reads or
// closes it. Setting up must not race that goroutine: go test -race (which
// CI runs) reports a data race here when it does.
func TestBodyOfAnAlreadyEndedContextIsClosed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	closed := make(chan struct{})
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://127.0.0.1/x", nil)
	if _, err := safehttp.LimitBodies(answerAnyway{closed}, testCap).RoundTrip(req); err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	<-closed // the body is never read or closed here: the watch closes it
}

// answerAnyway answers every request, whatever its context, with a body
// that closes closed when it is closed.
type answerAnyway struct{ closed chan struct{} }

func (a answerAnyway) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: closeSignal{strings.NewReader("x"), a.closed}, ContentLength: 1, Request: req}, nil
}

type closeSignal struct {
	io.Reader
	closed chan struct{}
}

func (c closeSignal) Close() error { close(c.closed); return nil }

// A corrupt deflate answer is coded like a corrupt gzip one (Unavailable),
// not handed back as a bare decompressor error with no code.
func TestCorruptDeflateIsUnavailable(t *testing.T) {
	for name, body := range map[string]string{
		"zlib checksum": "\x78\x9c\x4b\x04\x00\x00\x00\x00\x00", // "a", bad Adler-32
		"raw corrupt":   "\xff\xff\xff\xff",
	} {
		t.Run(name, func(t *testing.T) {
			rt := fakeRT(func() io.ReadCloser { return io.NopCloser(strings.NewReader(body)) }, "deflate")
			resp, err := (&http.Client{Transport: safehttp.LimitBodies(rt, testCap)}).Get("http://vendor.invalid/")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if errs.CodeOf(err) != errs.Unavailable {
				t.Errorf("err = %v (code %v); want Unavailable", err, errs.CodeOf(err))
			}
		})
	}
}
