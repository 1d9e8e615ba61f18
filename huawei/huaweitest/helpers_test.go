package huaweitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// newTestServer starts a server with short jobs and closes it at the end.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := NewServer()
	s.SetJobDuration(50 * time.Millisecond)
	t.Cleanup(s.Close)
	return s
}

// raw is one hand-built request, signed with the SDK's own signer.
type raw struct {
	method, path string
	query        url.Values
	body         string
	ak, sk       string            // "" = the server's
	headers      map[string]string // added before signing
	after        func(*http.Request)
	ctx          context.Context
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any // nil when the body is not a JSON object
}

func (a answer) str(key string) string {
	v, _ := a.json[key].(string)
	return v
}

// do signs r with core/auth/signer and sends it.
func do(t *testing.T, s *Server, r raw) (answer, error) {
	t.Helper()
	o := s.Options()
	if r.ak == "" {
		r.ak = o.AK
	}
	if r.sk == "" {
		r.sk = o.SK
	}
	b := request.NewHttpRequestBuilder().WithEndpoint(s.URL()).WithPath(r.path).WithMethod(r.method).
		AddHeaderParam("Content-Type", "application/json").
		AddHeaderParam("User-Agent", "huaweitest").
		AddHeaderParam("X-Project-Id", o.ProjectID)
	for k, vs := range r.query {
		for _, v := range vs {
			b.AddQueryParam(k, reflect.ValueOf(v))
		}
	}
	for k, v := range r.headers {
		b.AddHeaderParam(k, v)
	}
	if r.body != "" {
		b.WithBody("body", r.body)
	}
	req := b.Build()
	signed, err := signer.Sign(req, r.ak, r.sk)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	for k, v := range signed {
		req.AddHeaderParam(k, v)
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	if r.ctx != nil {
		hr = hr.WithContext(r.ctx)
	}
	if r.after != nil {
		r.after(hr)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: data}
	var m map[string]any
	if json.Unmarshal(data, &m) == nil {
		a.json = m
	}
	return a, nil
}

// mustDo is do that fails the test on a transport error.
func mustDo(t *testing.T, s *Server, r raw) answer {
	t.Helper()
	a, err := do(t, s, r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	return a
}

func hssPath(s *Server, rest string) string { return "/v5/" + s.Options().ProjectID + rest }

func romaPath(s *Server, rest string) string {
	o := s.Options()
	return "/v2/" + o.ProjectID + "/instances/" + o.ROMAInstanceID + rest
}

// sdkBody encodes v as the SDK encodes request bodies: json.Encoder without
// HTML escaping, so with a trailing newline.
func sdkBody(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// decode unmarshals a 200 answer into v, an SDK response model.
func decode(t *testing.T, a answer, v any) {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("answer = %d %s", a.status, a.body)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decoding %s into %T: %v", a.body, v, err)
	}
}

// waitFor polls cond every few milliseconds until it holds or 5s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
