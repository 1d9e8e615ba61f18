package huawei_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/provider"
)

// Test credentials for the fake. The SK must never show up in errors.
const (
	testAK      = "TESTAKEXAMPLE"
	testSK      = "test-secret-key-never-shown"
	testProject = "proj0123"
	testInst    = "inst-1"
)

// wire is one request as it reached the fake, reduced to what a
// translation decides.
type wire struct {
	Method string
	Path   string
	Query  url.Values
	Body   any // decoded JSON; nil for none
}

// fake is an HTTP-boundary fake of both services.
type fake struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []*http.Request
	bodies  [][]byte
	handler func(w http.ResponseWriter, r *http.Request, body []byte)
}

// newFake starts a fake answering with handler (nil = 200 {}).
func newFake(t testing.TB, handler func(w http.ResponseWriter, r *http.Request, body []byte)) *fake {
	t.Helper()
	f := &fake{handler: handler}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Clone(r.Context()))
		f.bodies = append(f.bodies, body)
		f.mu.Unlock()
		if f.handler == nil {
			answer(w, 200, `{}`)
			return
		}
		f.handler(w, r, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// options reaches the fake with tiny retry backoffs.
func (f *fake) options() huawei.Options {
	return huawei.Options{
		Region:         "cn-north-4",
		ProjectID:      testProject,
		AK:             testAK,
		SK:             testSK,
		ROMAInstanceID: testInst,
		Endpoints:      map[string]string{"hss": f.srv.URL, "roma": f.srv.URL},
		Retry:          testRetry,
	}
}

// testRetry is the retry policy of the tests: three tries, tiny backoffs.
var testRetry = provider.RetryPolicy{MaxAttempts: 3, Backoff: provider.Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond}}

func (f *fake) provider(t *testing.T) *huawei.Provider {
	t.Helper()
	p, err := huawei.New(f.options())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// last returns the last request and its body.
func (f *fake) last(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		t.Fatal("no request reached the fake")
	}
	return f.reqs[len(f.reqs)-1], f.bodies[len(f.bodies)-1]
}

// lastWire returns the last request as a wire.
func (f *fake) lastWire(t *testing.T) wire {
	t.Helper()
	r, body := f.last(t)
	w := wire{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &w.Body); err != nil {
			t.Fatalf("body is not JSON: %v: %s", err, body)
		}
	}
	if len(w.Query) == 0 {
		w.Query = nil
	}
	return w
}

func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// js decodes a JSON literal for expectations.
func js(s string) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	return v
}
