package huaweitest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAuthentication(t *testing.T) {
	s := newTestServer(t)
	path := hssPath(s, "/vulnerability/scan-policy")
	stale := time.Now().Add(-20 * time.Minute).UTC().Format(sdkDateLayout)
	tests := []struct {
		name     string
		req      raw
		status   int
		code     string
		msgParts []string
	}{
		{name: "good signature", req: raw{method: "GET", path: path}, status: 200},
		{name: "good signature with query", req: raw{method: "GET", path: hssPath(s, "/image/scanner-policies"),
			query: map[string][]string{"type": {"cycle"}, "global_image_type": {"registry"}, "enterprise_project_id": {"all_granted_eps"}}}, status: 200},
		{name: "good signature with body", req: raw{method: "POST", path: romaPath(s, "/assets/export"),
			body: `{"apps":[{"id":"app-order-0001"}],"tasks":[{"id":"task-fdi-0002"}]}`}, status: 200},
		{name: "unsigned payload", req: raw{method: "GET", path: path, body: "not hashed",
			headers: map[string]string{"Content-Type": "text/plain"}}, status: 200},
		{name: "extra signed header", req: raw{method: "GET", path: path, headers: map[string]string{"region": "cn-north-4"}}, status: 200},
		{name: "wrong SK", req: raw{method: "GET", path: path, sk: "not-the-secret"},
			status: 401, code: "APIGW.0301", msgParts: []string{"Incorrect IAM authentication information", "verify aksk signature fail"}},
		{name: "unknown AK", req: raw{method: "GET", path: path, ak: "NOSUCHAK"},
			status: 401, code: "APIGW.0301", msgParts: []string{"Incorrect IAM authentication information", "ak:NOSUCHAK", "ak not exist"}},
		{name: "missing Authorization", req: raw{method: "GET", path: path, after: func(r *http.Request) { r.Header.Del("Authorization") }},
			status: 401, code: "APIGW.0301", msgParts: []string{"Authorization"}},
		{name: "garbled Authorization", req: raw{method: "GET", path: path, after: func(r *http.Request) { r.Header.Set("Authorization", "Basic eDp5") }},
			status: 401, code: "APIGW.0301"},
		{name: "stale X-Sdk-Date", req: raw{method: "GET", path: path, headers: map[string]string{"X-Sdk-Date": stale}},
			status: 401, code: "APIGW.0301", msgParts: []string{"15 minutes"}},
		{name: "missing X-Sdk-Date", req: raw{method: "GET", path: path, after: func(r *http.Request) { r.Header.Del("X-Sdk-Date") }},
			status: 401, code: "APIGW.0301", msgParts: []string{"X-Sdk-Date"}},
		{name: "query changed after signing", req: raw{method: "GET", path: path, after: func(r *http.Request) { r.URL.RawQuery = "enterprise_project_id=x" }},
			status: 401, code: "APIGW.0301", msgParts: []string{"verify aksk signature fail"}},
		{name: "signed header changed after signing", req: raw{method: "GET", path: path, after: func(r *http.Request) { r.Header.Set("User-Agent", "other") }},
			status: 401, code: "APIGW.0301"},
		{name: "X-Project-Id differs from path", req: raw{method: "GET", path: path, headers: map[string]string{"X-Project-Id": "other-project"}},
			status: 403, code: "APIGW.0302"},
		{name: "unknown project", req: raw{method: "GET", path: "/v5/0123456789abcdef/vulnerability/scan-policy",
			headers: map[string]string{"X-Project-Id": "0123456789abcdef"}},
			status: 403, code: "APIGW.0302"},
		{name: "unknown ROMA instance", req: raw{method: "GET", path: "/v2/" + s.Options().ProjectID + "/instances/nope/assets/jobs/j1"},
			status: 404, code: "ROMA.00110002", msgParts: []string{"instance does not exist", "nope"}},
		{name: "unknown API", req: raw{method: "GET", path: hssPath(s, "/no/such/api")}, status: 404, code: "APIGW.0101"},
		{name: "wrong method", req: raw{method: "DELETE", path: path}, status: 404, code: "APIGW.0101"},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			a := mustDo(t, s, tt.req)
			if a.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", a.status, tt.status, a.body)
			}
			if a.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id header")
			}
			if tt.code == "" {
				return
			}
			if got := a.str("error_code"); got != tt.code {
				t.Errorf("error_code = %q, want %q", got, tt.code)
			}
			msg := a.str("error_msg")
			for _, p := range tt.msgParts {
				if !strings.Contains(msg, p) {
					t.Errorf("error_msg %q does not contain %q", msg, p)
				}
			}
			if o := s.Options(); strings.Contains(string(a.body), o.SK) {
				t.Error("the answer contains the secret key")
			}
		})
	}
}

// TestCanonicalRequestMatchesSDKVectors checks the re-implemented signature
// against the SDK's own test vectors (core/auth/signer/signer_test.go).
func TestCanonicalRequestMatchesSDKVectors(t *testing.T) {
	tests := []struct {
		name, method, target, body, want string
	}{
		{name: "GET with query", method: "GET", target: "https://example.huaweicloud.com/path?limit=1",
			want: "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{name: "POST with JSON body", method: "POST", target: "https://example.huaweicloud.com/path?key=value",
			body: "{\"Name\":\"test\",\"Id\":1}\n",
			want: "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("X-Sdk-Date", "20060102T150405Z")
			got := signature("SecretKey", r, []byte(tt.body), []string{"x-sdk-date"}, "20060102T150405Z")
			if got != tt.want {
				t.Errorf("signature = %s, want %s", got, tt.want)
			}
		})
	}
}
