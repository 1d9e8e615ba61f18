package safehttp_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
)

func TestCheck(t *testing.T) {
	p := &safehttp.Policy{
		Hosts:     []string{"*.cos.*.myqcloud.com", "*.cos.accelerate.myqcloud.com", "*.file.myqcloud.com", "*.cos.*.tencentcos.cn"}, // as the Tencent adapter passes
		Endpoints: []string{"http://127.0.0.1:9000", "https://tcss.internal.example:8443/base"},
		Allow:     func(u *url.URL) bool { return u.Hostname() == "mirror.corp.example" },
	}
	type result struct {
		Trusted bool
		Code    errs.Code
		Host    bool // the error names the host
	}
	ok, trusted := result{}, result{Trusted: true}
	deny := result{Code: errs.PermissionDenied, Host: true}
	bad := result{Code: errs.InvalidArgument}
	for raw, want := range map[string]result{
		"https://yunjing.cos.ap-guangzhou.myqcloud.com/export/x.xlsx?sign=q": ok,
		"https://b-1250000000.cos.ap-beijing.tencentcos.cn/a":                ok,
		"https://b-1250000000.cos-internal.ap-beijing.tencentcos.cn/a":       deny, // intranet: only through Allow
		"https://b-1250000000.file.myqcloud.com/a":                           ok,
		"https://B-1.COS.ACCELERATE.MYQCLOUD.COM./a":                         ok,
		"http://169.254.169.254/latest/meta-data/iam":                        deny, // the metadata URL of issue 11
		"https://169.254.169.254/latest/meta-data/":                          deny,
		"http://yunjing.cos.ap-guangzhou.myqcloud.com/x":                     deny, // plain http
		"https://yunjing.cos.ap-guangzhou.myqcloud.com.evil.example/x":       deny,
		"https://a.b.cos.ap-guangzhou.myqcloud.com/x":                        deny, // one label too many
		"https://cos.ap-guangzhou.myqcloud.com/x":                            deny, // one too few
		"https://evil.example/x":                                             deny,
		"https://user:pw@yunjing.cos.ap-guangzhou.myqcloud.com/x":            deny,
		"http://127.0.0.1:9000/download/f1":                                  trusted,
		"https://127.0.0.1:9000/download/f1":                                 trusted, // https to an http endpoint's host is no downgrade
		"http://127.0.0.1:9001/download/f1":                                  deny,    // another port
		"https://tcss.internal.example:8443/x":                               trusted,
		"http://tcss.internal.example:8443/x":                                deny, // downgrade from the endpoint's https
		"https://mirror.corp.example/x":                                      trusted,
		"ftp://yunjing.cos.ap-guangzhou.myqcloud.com/x":                      bad,
		"/relative":    bad,
		"https://[::1": bad,
	} {
		t.Run(raw, func(t *testing.T) {
			u, tr, err := p.Check(raw)
			got := result{Trusted: tr, Code: errs.CodeOf(err)}
			if err != nil {
				got.Host = u == nil && strings.Contains(err.Error(), "host")
				if want.Host {
					pu, _ := url.Parse(raw)
					got.Host = strings.Contains(err.Error(), `"`+pu.Hostname()+`"`)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Check(%q) (-want +got):\n%s\nerr: %v", raw, diff, err)
			}
		})
	}
}

func TestZeroPolicyAllowsNothing(t *testing.T) {
	var p safehttp.Policy
	if _, _, err := p.Check("https://yunjing.cos.ap-guangzhou.myqcloud.com/x"); errs.CodeOf(err) != errs.PermissionDenied {
		t.Fatalf("zero Policy allowed a URL: %v", err)
	}
}

// A name the policy allows that resolves to a loopback address (what DNS
// rebinding would do to a vendor name) is refused when the connection is
// dialled, on the resolved address. The base client's dialer sends every
// name to the loopback server, standing in for such DNS (as newer httptest
// clients do for *.example.com; Go 1.23's does not).
func TestClientRefusesLoopbackAtDialTime(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	srv.Config.ErrorLog = quietLog()
	srv.StartTLS()
	defer srv.Close()
	const target = "https://files.example.com/file"

	p := &safehttp.Policy{Hosts: []string{"*.example.com"}}
	if _, trusted, err := p.Check(target); err != nil || trusted {
		t.Fatalf("Check(%q) = %v, %v; want allowed, untrusted", target, trusted, err)
	}
	tr := srv.Client().Transport.(*http.Transport).Clone()
	srvAddr := srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srvAddr)
	}
	c := p.Client(&http.Client{Transport: tr})
	_, err := c.Get(target)
	var pe *errs.Error
	if !errors.As(err, &pe) || pe.Code != errs.PermissionDenied || !strings.Contains(pe.Message, `"files.example.com"`) || !strings.Contains(pe.Message, "127.0.0.1") {
		t.Fatalf("Get = %v; want PermissionDenied naming files.example.com and 127.0.0.1", err)
	}
	if hits.Load() != 0 {
		t.Errorf("the server got %d requests", hits.Load())
	}

	// The same through a plain transport, where the check is the dialer's
	// Control hook: "localhost" resolves to a loopback address.
	u, _ := url.Parse(srv.URL)
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: srv.Client().Transport.(*http.Transport).TLSClientConfig}}
	lp := &safehttp.Policy{Hosts: []string{"localhost"}}
	_, err = lp.Client(plain).Get("https://localhost:" + u.Port() + "/file")
	if !errors.As(err, &pe) || pe.Code != errs.PermissionDenied || !strings.Contains(pe.Message, `"localhost"`) {
		t.Fatalf("Get through a plain transport = %v; want PermissionDenied naming localhost", err)
	}
	if hits.Load() != 0 {
		t.Errorf("the server got %d requests", hits.Load())
	}

	// The same host as a configured endpoint is reachable.
	p.Endpoints = []string{"https://files.example.com"}
	c2 := p.Client(&http.Client{Transport: tr})
	resp, err := c2.Get(target)
	if err != nil {
		t.Fatalf("Get from a configured endpoint: %v", err)
	}
	resp.Body.Close()
	c2.CloseIdleConnections()
	if hits.Load() != 1 {
		t.Errorf("the server got %d requests, want 1", hits.Load())
	}
}

func TestClientLeavesBaseUnchanged(t *testing.T) {
	tr := &http.Transport{}
	base := &http.Client{Transport: tr}
	p := &safehttp.Policy{Hosts: []string{"localhost"}}
	c := p.Client(base)
	if base.Transport != tr || base.CheckRedirect != nil || tr.DialContext != nil || tr.Proxy != nil {
		t.Errorf("Client changed its base client or transport")
	}
	if c == base || c.Transport == tr {
		t.Errorf("Client returned the base client or transport itself")
	}
}

// A download whose host redirects elsewhere is stopped before anything is
// sent to the other host, even when both hosts are configured endpoints.
func TestDownloadRefusesCrossHostRedirect(t *testing.T) {
	var other atomic.Int32
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	defer dst.Close()
	du, _ := url.Parse(dst.URL)
	dstURL := "http://localhost:" + du.Port() + "/elsewhere"
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			w.Write([]byte("ok"))
			return
		}
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, "/same", http.StatusFound)
			return
		}
		http.Redirect(w, r, dstURL, http.StatusFound)
	}))
	defer src.Close()

	p := &safehttp.Policy{Endpoints: []string{src.URL, dstURL}}
	c := p.Client(nil)
	defer c.CloseIdleConnections()
	_, err := c.Get(src.URL + "/file")
	var pe *errs.Error
	if !errors.As(err, &pe) || pe.Code != errs.PermissionDenied || !strings.Contains(pe.Message, `"localhost"`) {
		t.Fatalf("Get = %v; want PermissionDenied naming localhost", err)
	}
	if other.Load() != 0 {
		t.Errorf("the other host got %d requests", other.Load())
	}

	// A redirect on the same host is followed.
	resp, err := c.Get(src.URL + "/hop")
	if err != nil {
		t.Fatalf("same-host redirect: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" {
		t.Errorf("same-host redirect body %q", b)
	}

	// The caller's own redirect policy is not used: these rules decide.
	refuseAll := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errors.New("caller refuses") }}
	c2 := p.Client(refuseAll)
	defer c2.CloseIdleConnections()
	resp, err = c2.Get(src.URL + "/hop")
	if err != nil {
		t.Fatalf("same-host redirect with the caller's CheckRedirect refusing all: %v; want it followed", err)
	}
	resp.Body.Close()
}

func TestClientChecksLiteralHostsUnderCustomTransports(t *testing.T) {
	var sent atomic.Int32
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	p := &safehttp.Policy{Allow: func(u *url.URL) bool { return u.Hostname() == "mirror.example" }}
	c := p.Client(&http.Client{Transport: rt})
	req, _ := http.NewRequestWithContext(context.Background(), "GET", "https://[fe80::1]/x", nil)
	if _, err := c.Do(req); errs.CodeOf(err) != errs.PermissionDenied {
		t.Errorf("Do(link-local literal) = %v; want PermissionDenied", err)
	}
	if sent.Load() != 0 {
		t.Errorf("the transport was asked %d times", sent.Load())
	}
}

func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestPatternProblem(t *testing.T) {
	for p, want := range map[string]string{
		"files.example.com":               "",
		"*.cos.ap-guangzhou.myqcloud.com": "",
		"my_bucket.example.com":           "",
		"localhost":                       "",
		"https://files.example.com":       "without the scheme",
		"files.example.com/x":             "without a path",
		"files.example.com:443":           "without a port",
		"[::1]":                           "without a port",
		"10.0.0.8":                        "IP address",
		"":                                "0 bytes",
		"*.com":                           "whole domain",
		"files.*.com":                     "whole domain",
		"a..b":                            `label ""`,
		"bad host.example.com":            `label "bad host"`,
	} {
		got := safehttp.PatternProblem(p)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("PatternProblem(%q) = %q; want %q", p, got, want)
		}
	}
}
