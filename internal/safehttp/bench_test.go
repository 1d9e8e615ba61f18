package safehttp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/cloudexport/cloudexport/internal/safehttp"
)

// BenchmarkOversizedAnswer measures what refusing a 1 GiB streamed answer
// costs with the real 16 MiB cap: B/op shows the cap is what gets
// allocated, not the answer.
//
//	go test -run='^$' -bench=OversizedAnswer -benchtime=3x ./internal/safehttp
func BenchmarkOversizedAnswer(b *testing.B) {
	var written atomic.Int64
	srv := httptest.NewServer(streamer(1<<30, &written))
	defer srv.Close()
	for name, wrap := range map[string]func(http.RoundTripper, int64) http.RoundTripper{
		"BufferAnswers": safehttp.BufferAnswers, "LimitBodies": safehttp.LimitBodies,
	} {
		b.Run(name, func(b *testing.B) {
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: wrap(tr, safehttp.MaxAnswer)}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				resp, err := c.Get(srv.URL)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err == nil {
					b.Fatal("a 1 GiB answer was accepted")
				}
			}
		})
	}
}
