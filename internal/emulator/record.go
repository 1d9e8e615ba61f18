package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

// Recorded is one request as an emulator received it, with credentials
// removed, so tests can assert exactly what went on the wire.
type Recorded struct {
	Action string
	Method string
	Path   string
	Query  url.Values
	Header http.Header // without Authorization and security-token headers
	Body   []byte
}

// Record stores r (whose body has already been read into body) as the last
// request for action.
func (b *Base) Record(action string, r *http.Request, body []byte) {
	h := r.Header.Clone()
	for k := range h {
		lk := strings.ToLower(k)
		if lk == "authorization" || strings.Contains(lk, "token") {
			delete(h, k)
		}
	}
	rec := Recorded{Action: action, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: h, Body: append([]byte(nil), body...)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last == nil {
		b.last = map[string]Recorded{}
	}
	b.last[action] = rec
}

// LastRequest returns the last request recorded for action.
func (b *Base) LastRequest(action string) (Recorded, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.last[action]
	return r, ok
}
