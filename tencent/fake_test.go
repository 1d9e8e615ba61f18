package tencent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/provider"
)

// fake is an HTTP-boundary fake of the Tencent API 3.0 endpoints: it answers
// by X-TC-Action with a canned Response object (or a handler) and records
// every request. It checks nothing but the action; signature checks are the
// emulator's job (tencenttest).
type fake struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	answers  map[string][]answer // queued answers per action; the last one repeats
	requests []recorded
}

type recorded struct {
	action string
	header http.Header
	body   []byte
}

// answer is one canned answer: a Response object, a vendor error code, or a
// raw HTTP reply.
type answer struct {
	response  any    // the Response object (RequestId is added)
	errorCode string // a vendor error
	status    int    // raw reply status (with raw body); 0 = 200
	raw       string // raw body; used when status != 0 or raw != ""
	handler   func(w http.ResponseWriter, r *http.Request)
}

func newFake(t testing.TB) *fake {
	f := &fake{t: t, answers: map[string][]answer{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// on queues answers for action.
func (f *fake) on(action string, as ...answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[action] = append(f.answers[action], as...)
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// lastRequest returns the last request recorded for action.
func (f *fake) lastRequest(action string) (recorded, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.requests) - 1; i >= 0; i-- {
		if f.requests[i].action == action {
			return f.requests[i], true
		}
	}
	return recorded{}, false
}

// last returns the last body sent for action, decoded.
func (f *fake) last(action string) (any, bool) {
	r, ok := f.lastRequest(action)
	if !ok {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		f.t.Fatalf("body of %s is not JSON: %v", action, err)
	}
	return v, true
}

// lastHeader returns the headers last sent for action, or nil.
func (f *fake) lastHeader(action string) http.Header {
	r, _ := f.lastRequest(action)
	return r.header
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	action := r.Header.Get("X-TC-Action")
	f.mu.Lock()
	f.requests = append(f.requests, recorded{action: action, header: r.Header.Clone(), body: body})
	q := f.answers[action]
	var a answer
	switch len(q) {
	case 0:
		a = answer{errorCode: "InvalidAction"}
	case 1:
		a = q[0]
	default:
		a = q[0]
		f.answers[action] = q[1:]
	}
	f.mu.Unlock()

	switch {
	case a.handler != nil:
		a.handler(w, r)
	case a.status != 0 || a.raw != "":
		st := a.status
		if st == 0 {
			st = 200
		}
		w.WriteHeader(st)
		_, _ = io.WriteString(w, a.raw)
	case a.errorCode != "":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
			"Error":     map[string]string{"Code": a.errorCode, "Message": "fake " + a.errorCode},
			"RequestId": "req-err",
		}})
	default:
		raw, _ := json.Marshal(a.response)
		m := map[string]any{}
		_ = json.Unmarshal(raw, &m)
		m["RequestId"] = "req-ok"
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"Response": m})
	}
}

// options returns provider options pointed at the fake, with static
// credentials and tiny retry backoffs.
func (f *fake) options() Options {
	return Options{
		Region:    "ap-guangzhou",
		SecretID:  "AKIDfakeid",
		SecretKey: "fake-secret-key",
		Endpoints: map[string]string{"tcss": f.srv.URL, "cvm": f.srv.URL, "cwp": f.srv.URL},
		Retry:     provider.RetryPolicy{MaxAttempts: 3, Backoff: provider.Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond}},
	}
}

func (f *fake) provider() *Provider {
	f.t.Helper()
	p, err := New(f.options())
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return p
}
