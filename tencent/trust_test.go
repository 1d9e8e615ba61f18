package tencent

// Issue 11's holes on Tencent, each reproduced through the adapter against
// an HTTP server speaking the API 3.0 format (the fake): what a hostile or
// broken endpoint answers must end as a typed error, with nothing replayed,
// nothing held in memory beyond the cap and nothing left running.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// succeeded answers DescribeExportJobResult with SUCCESS and rawURL.
func succeeded(rawURL string) answer {
	return answer{response: map[string]any{"ExportStatus": "SUCCESS", "ExportProgress": 100, "DownloadURL": rawURL}}
}

// pollFile polls componentsJob on p and returns its one file.
func pollFile(t *testing.T, p *Provider) export.File {
	t.Helper()
	st, err := p.PollJob(context.Background(), componentsJob)
	if err != nil || len(st.Files) != 1 {
		t.Fatalf("PollJob = %+v, %v; want one file", st, err)
	}
	return st.Files[0]
}

// wantRefusal checks that err is code, naming host.
func wantRefusal(t *testing.T, err error, code provider.Code, host string) {
	t.Helper()
	var e *provider.Error
	if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Message, `"`+host+`"`) {
		t.Fatalf("err = %v; want %v naming host %q", err, code, host)
	}
}

// A DownloadURL pointing at the instance metadata service is never fetched,
// over http or https, whatever the answer says.
func TestDownloadRefusesMetadataURL(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	for _, raw := range []string{
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"https://169.254.169.254/latest/meta-data/",
		"https://metadata.tencentyun.com/latest/meta-data/",
		"http://169.254.0.23/meta-data/",
	} {
		f.on(actionDescribeExportJobResult, succeeded(raw))
		file := pollFile(t, p)
		_, err := p.Download(context.Background(), componentsJob, file)
		u, _ := url.Parse(raw)
		wantRefusal(t, err, provider.PermissionDenied, u.Hostname())
		f.answers[actionDescribeExportJobResult] = nil
	}
}

// A host the caller allowed by pattern that resolves to a loopback address
// is refused when dialled: the check sees the address DNS returned, so a
// name cannot smuggle a private address in.
func TestDownloadRefusesAllowedNameOnLoopback(t *testing.T) {
	var conns atomic.Int32
	files := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	files.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	files.StartTLS()
	defer files.Close()
	f := newFake(t)
	opts := f.options()
	opts.DownloadHosts = []string{"localhost"}
	tr := &http.Transport{TLSClientConfig: files.Client().Transport.(*http.Transport).TLSClientConfig}
	defer tr.CloseIdleConnections()
	opts.HTTPClient = &http.Client{Transport: tr}
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(files.URL)
	_, err = p.Download(context.Background(), componentsJob, export.File{URL: "https://localhost:" + u.Port() + "/r.xlsx?sign=s3cr3t"})
	wantRefusal(t, err, provider.PermissionDenied, "localhost")
	if conns.Load() != 0 {
		t.Errorf("%d connections reached the loopback server", conns.Load())
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error quotes the URL's query: %v", err)
	}
}

// A 302 from the download host to another host is not followed.
func TestDownloadRefusesCrossHostRedirect(t *testing.T) {
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { other.Add(1) }))
	defer elsewhere.Close()
	eu, _ := url.Parse(elsewhere.URL)
	f := newFake(t)
	// The fake is a configured endpoint, so a file on its host is
	// trusted; it redirects to another host ("localhost", another port).
	f.on("", answer{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+eu.Port()+"/stolen", http.StatusFound)
	}})
	p := f.provider()
	_, err := p.Download(context.Background(), componentsJob, export.File{URL: f.srv.URL + "/result.xlsx?sign=s3cr3t"})
	wantRefusal(t, err, provider.PermissionDenied, "localhost")
	if other.Load() != 0 {
		t.Errorf("the redirect was followed: %d requests reached the other host", other.Load())
	}
}

// A 307 from the API endpoint to another host is not followed: with the
// caller's own plain *http.Client, the signed body and X-TC-Token never
// reach the other host, and the caller's client is left as it was.
func TestAPIRedirectIsNotFollowed(t *testing.T) {
	var leaked atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
	}))
	defer elsewhere.Close()
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/", http.StatusTemporaryRedirect)
	}})
	caller := &http.Client{}
	opts := f.options()
	opts.Token = "session-token-never-replayed"
	opts.HTTPClient = caller
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.PollJob(context.Background(), componentsJob)
	var e *provider.Error
	if !errors.As(err, &e) || e.Code != provider.FailedPrecondition || e.HTTPStatus != http.StatusTemporaryRedirect || !strings.Contains(e.Message, "redirect") {
		t.Fatalf("err = %v; want FailedPrecondition naming the redirect", err)
	}
	if leaked.Load() != 0 {
		t.Errorf("the signed request was replayed to the other host %d times", leaked.Load())
	}
	if caller.CheckRedirect != nil || caller.Transport != nil || caller.Jar != nil {
		t.Errorf("the caller's client was changed: %+v", caller)
	}
	if strings.Contains(err.Error(), "session-token") {
		t.Errorf("the error quotes the token: %v", err)
	}
}

// counter counts the bytes a handler managed to write.
type counter struct {
	w http.ResponseWriter
	n *atomic.Int64
}

func (c counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// A 1 GiB answer is refused at the cap (16 MiB decompressed): an Internal
// error, never a success with a 1 GiB JobId, and the server's write is cut
// short because the adapter stops reading.
func TestHugeAnswerIsRefused(t *testing.T) {
	var written atomic.Int64
	const total = 1 << 30
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		cw := counter{w, &written}
		if _, err := io.WriteString(cw, `{"Response":{"ExportStatus":"SUCCESS","DownloadURL":"`); err != nil {
			return
		}
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for written.Load() < total {
			if _, err := cw.Write(chunk); err != nil {
				return
			}
		}
	}})
	p := f.provider()
	_, err := p.PollJob(context.Background(), componentsJob)
	if !errors.Is(err, provider.ErrInternal) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v; want Internal: the answer is larger than the cap", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("%d requests; an over-cap answer is not retried", n)
	}
	f.srv.Close() // wait for the handler
	if n := written.Load(); n >= total/4 {
		t.Errorf("the server wrote %d bytes; the adapter should have stopped reading at the cap", n)
	}
}

// gzipBomb returns the parts of an endless gzip stream of a JSON answer
// whose DownloadURL is "aaaa…": head once, then unit (1 MiB of "a" in
// about a kilobyte) repeated.
func gzipBomb(t *testing.T) (head, unit []byte) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	mib := bytes.Repeat([]byte("a"), 1<<20)
	io.WriteString(zw, `{"Response":{"ExportStatus":"SUCCESS","DownloadURL":"`)
	zw.Write(mib)
	if err := zw.Flush(); err != nil {
		t.Fatal(err)
	}
	head = append([]byte(nil), buf.Bytes()...)
	buf.Reset()
	zw.Write(mib) // decoded after a window of "a", so it repeats
	zw.Flush()
	unit = append([]byte(nil), buf.Bytes()...)
	return head, unit
}

// A gzip bomb (about 1 KiB on the wire per MiB decoded) is refused at the
// cap counted in decompressed bytes, and the server's write is cut short.
func TestGzipBombIsRefused(t *testing.T) {
	head, unit := gzipBomb(t)
	var written atomic.Int64
	const total = 1 << 30 // on the wire: about 1 TiB decoded
	f := newFake(t)
	f.on(actionDescribeExportJobResult, answer{handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		cw := counter{w, &written}
		if _, err := cw.Write(head); err != nil {
			return
		}
		for written.Load() < total {
			if _, err := cw.Write(unit); err != nil {
				return
			}
		}
	}})
	p := f.provider()
	_, err := p.PollJob(context.Background(), componentsJob)
	if !errors.Is(err, provider.ErrInternal) || !strings.Contains(err.Error(), "decompressed") {
		t.Fatalf("err = %v; want Internal: the answer is larger than the cap (decompressed)", err)
	}
	f.srv.Close()
	if n := written.Load(); n >= total/4 {
		t.Errorf("the server wrote %d compressed bytes; the adapter should have stopped at the decompressed cap", n)
	}
}

// An answer whose body fails mid-read (shorter than its Content-Length, or
// stalled until ctx ends) leaves no goroutine or connection behind: the
// body is closed beneath the SDK, which never closes it.
func TestFailedBodyLeavesNothingRunning(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	release := make(chan struct{})
	f := newFake(t)
	f.on(actionDescribeExportJobResult,
		answer{handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, `{"Response":{"ExportStatus":`)
		}},
		answer{handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, `{"Response":{"ExportStatus":`)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}})
	p := f.provider()
	_, err := p.PollJob(context.Background(), componentsJob)
	if !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("truncated answer: %v; want Unavailable", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.PollJob(ctx, componentsJob); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("stalled answer: %v; want ctx's error", err)
	}
	close(release)
	f.srv.Close()
}

// BenchmarkOversizedAnswer measures what refusing a 1 GiB TCSS answer
// costs through the adapter: the bytes allocated per call stay near the
// 16 MiB cap, not the answer's size.
//
//	go test -run '^$' -bench OversizedAnswer -benchtime 5x ./tencent/
func BenchmarkOversizedAnswer(b *testing.B) {
	f := newFake(b)
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	f.on(actionDescribeExportJobResult, answer{handler: func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"Response":{"ExportStatus":"SUCCESS","DownloadURL":"`)
		for n := 0; n < 1<<30; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}})
	p := f.provider()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.PollJob(context.Background(), componentsJob); !errors.Is(err, provider.ErrInternal) {
			b.Fatalf("err = %v; want Internal", err)
		}
	}
}

// A JobId the vendor answers with is checked like one a caller hands back:
// a 1 MiB JobId is Internal, never a job that could not be polled.
func TestHugeJobIDAnswerIsRefused(t *testing.T) {
	f := newFake(t)
	f.on(actionCreateComponentExportJob, answer{response: map[string]any{"JobId": strings.Repeat("a", 1<<20)}})
	_, err := f.provider().CreateExportJob(context.Background(), export.Request{Target: export.Components{ImageID: "sha256:0123"}})
	if !errors.Is(err, provider.ErrInternal) || !strings.Contains(err.Error(), "Job.ID: 1048576 bytes") || len(err.Error()) > 1024 {
		t.Fatalf("err = %.300v; want a short Internal error naming Job.ID", err)
	}
}
