package tencenttest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rewriteBody is a RoundTripper that changes the body after the SDK signed it.
type rewriteBody struct{ next http.RoundTripper }

func (rw rewriteBody) RoundTrip(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	b = bytes.Replace(b, []byte(SeedImageID), []byte(SeedSmallImageID), 1)
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.ContentLength = int64(len(b))
	return rw.next.RoundTrip(r2)
}

// setHeader is a RoundTripper that sets one header after signing.
type setHeader struct {
	next       http.RoundTripper
	key, value string
}

func (sh setHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	if sh.value == "" {
		r2.Header.Del(sh.key)
	} else {
		r2.Header.Set(sh.key, sh.value)
	}
	return sh.next.RoundTrip(r2)
}

func TestSignature(t *testing.T) {
	s := newTestServer(t)
	tmpID, tmpKey, tmpToken := s.TemporaryCredentials()
	base := s.srv.Client().Transport
	tests := []struct {
		name  string
		tweak func(*clientConfig)
		want  string // vendor code, "" = success
	}{
		{"good signature", func(*clientConfig) {}, ""},
		{"unsigned payload", func(c *clientConfig) { c.unsignedPayload = true }, ""},
		{"temporary key with its token", func(c *clientConfig) { c.secretID, c.secretKey, c.token = tmpID, tmpKey, tmpToken }, ""},
		{"wrong secret key", func(c *clientConfig) { c.secretKey = "not-the-key" }, "AuthFailure.SignatureFailure"},
		{"unknown secret id", func(c *clientConfig) { c.secretID = "AKIDunknown" }, "AuthFailure.SecretIdNotFound"},
		{"temporary key without token", func(c *clientConfig) { c.secretID, c.secretKey = tmpID, tmpKey }, "AuthFailure.TokenFailure"},
		{"temporary key with wrong token", func(c *clientConfig) { c.secretID, c.secretKey, c.token = tmpID, tmpKey, "wrong" }, "AuthFailure.TokenFailure"},
		{"permanent key with a token", func(c *clientConfig) { c.token = "unexpected" }, "AuthFailure.TokenFailure"},
		{"body changed after signing", func(c *clientConfig) { c.transport = rewriteBody{base} }, "AuthFailure.SignatureFailure"},
		{"content type changed after signing", func(c *clientConfig) {
			c.transport = setHeader{base, "Content-Type", "application/json; charset=utf-8"}
		}, "AuthFailure.SignatureFailure"},
		{"no authorization", func(c *clientConfig) { c.transport = setHeader{base, "Authorization", ""} }, "AuthFailure.InvalidAuthorization"},
		{"other algorithm", func(c *clientConfig) {
			c.transport = setHeader{base, "Authorization", "HMAC-SHA1 Credential=x"}
		}, "AuthFailure.InvalidAuthorization"},
		{"stale timestamp header", func(c *clientConfig) {
			c.transport = setHeader{base, "X-TC-Timestamp", "1600000000"}
		}, "AuthFailure.SignatureExpire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, s, tt.tweak)
			_, err := send(context.Background(), c, "tcss", "CreateComponentExportJob", map[string]any{"ImageID": SeedImageID})
			if got := codeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}
}

func (s *Server) setClock(f func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = f
}

func TestSignatureExpire(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	for _, skew := range []time.Duration{6 * time.Minute, -6 * time.Minute} {
		s.setClock(func() time.Time { return time.Now().Add(skew) })
		_, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil)
		if got := codeOf(err); got != "AuthFailure.SignatureExpire" {
			t.Errorf("server clock %v off: code = %q, want AuthFailure.SignatureExpire", skew, got)
		}
	}
	s.setClock(func() time.Time { return time.Now().Add(4 * time.Minute) })
	if _, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil); err != nil {
		t.Errorf("server clock 4m off: %v, want success", err)
	}
}

func TestSecretsNotRecorded(t *testing.T) {
	s := newTestServer(t)
	id, key, token := s.TemporaryCredentials()
	c := newClient(t, s, func(c *clientConfig) { c.secretID, c.secretKey, c.token = id, key, token })
	mustSend(t, c, "tcss", "DescribeImageRegistryTimingScanTask", nil, nil)
	rec, ok := s.LastRequest("DescribeImageRegistryTimingScanTask")
	if !ok {
		t.Fatal("no request recorded")
	}
	for k, vs := range rec.Header {
		for _, v := range vs {
			if strings.Contains(v, key) || strings.Contains(v, token) || strings.Contains(v, "Signature=") {
				t.Errorf("recorded header %s carries a secret", k)
			}
		}
	}
	if got := rec.Header.Get("X-TC-Version"); got != TCSSVersion {
		t.Errorf("recorded X-TC-Version = %q, want %q", got, TCSSVersion)
	}
}

func TestGatewayErrors(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	tests := []struct {
		name, service, action string
		params                any
		want                  string
	}{
		{"unknown action", "tcss", "DescribeNothing", nil, "InvalidAction"},
		{"cvm action on tcss", "tcss", "ExportImages", nil, "InvalidAction"},
		{"unknown product", "cam", "ListUsers", nil, "InvalidAction"},
		{"unknown body key", "tcss", "DescribeExportJobResult", map[string]any{"JobId": "x", "jobid": "y"}, "UnknownParameter"},
		{"wrong JSON type", "tcss", "CreateComponentExportJob", map[string]any{"ImageID": SeedImageID, "Limit": "ten"}, "InvalidParameter"},
		{"negative limit", "tcss", "CreateComponentExportJob", map[string]any{"ImageID": SeedImageID, "Limit": -1}, "InvalidParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := send(context.Background(), c, tt.service, tt.action, tt.params)
			if got := codeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}

	t.Run("wrong version", func(t *testing.T) {
		c := newClient(t, s, func(cc *clientConfig) {
			cc.transport = setHeader{s.srv.Client().Transport, "X-TC-Version", CVMVersion}
		})
		_, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil)
		if got := codeOf(err); got != "NoSuchVersion" {
			t.Errorf("code = %q, want NoSuchVersion", got)
		}
	})
	t.Run("GET", func(t *testing.T) {
		resp, err := s.srv.Client().Get(s.URL() + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"Code":"UnsupportedProtocol"`) {
			t.Errorf("GET / = %d %s, want 200 with UnsupportedProtocol", resp.StatusCode, b)
		}
	})
}
