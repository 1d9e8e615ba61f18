package huawei

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
)

// newHTTPRequest must build what the SDK's ConvertRequest builds from the
// same signed request: the emulator checks signatures, but it reads the
// query as parsed values, so a different spelling of the same values would
// pass it and could still fail at the real gateway.
func TestHTTPRequestIsSDKs(t *testing.T) {
	cred, err := auth.NewBasicCredentialsBuilder().WithAk("AKEXAMPLE").WithSk("SKEXAMPLE").WithProjectId("0123456789abcdef0123456789abcdef").SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	token, err := auth.NewBasicCredentialsBuilder().WithAk("AKEXAMPLE").WithSk("SKEXAMPLE").WithSecurityToken("tok").WithProjectId("0123456789abcdef0123456789abcdef").SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	eps := map[string]endpoint{}
	for svc, raw := range map[string]string{"hss": "https://hss.cn-north-4.myhuaweicloud.com", "roma": "http://127.0.0.1:8080/prefix", "odd": "http://[::1]:"} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		eps[svc] = endpoint{origin: u.Scheme + "://" + u.Host, scheme: u.Scheme, host: u.Host, path: u.Path}
	}
	q := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	calls := []call{
		{service: "hss", method: http.MethodPost, project: "0123456789abcdef0123456789abcdef", path: "/v5/0123456789abcdef0123456789abcdef/container/export-task",
			query: q("export_size", "100000", "enterprise_project_id", "all_granted_eps"), body: `{"status":"Running","export_headers":[["a","b c"]]}`},
		{service: "hss", method: http.MethodGet, project: "0123456789abcdef0123456789abcdef", path: "/v5/0123456789abcdef0123456789abcdef/export-task/abc"},
		{service: "hss", method: http.MethodPost, project: "0123456789abcdef0123456789abcdef", path: "/v5/x/vul/export",
			query: q("vul_name", "a b+c&d=e/f?g", "empty", "", "unicode", "日本 ü", "category", "host", "z", "~-._*'()!$,;:@")},
		{service: "hss", method: http.MethodGet, project: "fedcba9876543210fedcba9876543210", path: "/v5/fedcba9876543210fedcba9876543210/export-task/x",
			query: url.Values{"multi": {"first", "second"}, "none": {}, "only": {""}}},
		{service: "roma", method: http.MethodPost, project: "0123456789abcdef0123456789abcdef", path: "/v2/p/instances/i/assets/export",
			body: `{"apps":[{"id":"x"}]}`, contentType: contentJSONUTF8},
		{service: "odd", method: http.MethodGet, project: "0123456789abcdef0123456789abcdef", path: "/a%2Fb c"},
	}
	for _, cr := range []*auth.BasicCredentials{cred, token} {
		p := &Provider{cred: cr, endpoints: eps}
		for _, c := range calls {
			signed, err := p.sign(c)
			if err != nil {
				t.Fatal(err)
			}
			want, err := signed.ConvertRequest()
			if err != nil {
				t.Fatal(err)
			}
			got := newHTTPRequest(context.Background(), eps[c.service], c, signed.GetHeaderParams())
			if got.Method != want.Method || got.URL.String() != want.URL.String() || got.Host != want.Host ||
				got.URL.RequestURI() != want.URL.RequestURI() || got.ContentLength != want.ContentLength {
				t.Errorf("%s %s:\ngot  %s %s host %q len %d\nwant %s %s host %q len %d", c.method, c.path,
					got.Method, got.URL, got.Host, got.ContentLength, want.Method, want.URL, want.Host, want.ContentLength)
			}
			if d := cmp.Diff(want.Header, got.Header); d != "" {
				t.Errorf("%s %s: headers (-sdk +ours):\n%s", c.method, c.path, d)
			}
			if (got.Body == http.NoBody) != (want.Body == http.NoBody) {
				t.Errorf("%s %s: NoBody %v, SDK's %v", c.method, c.path, got.Body == http.NoBody, want.Body == http.NoBody)
			}
			for _, r := range []*http.Request{got, want} {
				b, err := io.ReadAll(r.Body)
				if err != nil || string(b) != c.body {
					t.Errorf("%s %s: body %q (%v), want %q", c.method, c.path, b, err, c.body)
				}
				rb, err := r.GetBody()
				if err != nil {
					t.Fatal(err)
				}
				if b, _ := io.ReadAll(rb); string(b) != c.body {
					t.Errorf("%s %s: GetBody gives %q, want %q", c.method, c.path, b, c.body)
				}
			}
		}
	}
}
