package safehttp_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/safehttp"
)

// tencentSend calls the real Tencent common SDK against srv, with the
// wrappers installed as its transport (WithHttpTransport: the SDK owns its
// http.Client and follows redirects itself), and returns Send's error.
func tencentSend(t *testing.T, srv string) error {
	t.Helper()
	u, _ := url.Parse(srv)
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "http"
	cpf.HttpProfile.Endpoint = u.Host
	cred := common.NewTokenCredential("AKIDtest", "secret", "session-token")
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := common.NewCommonClient(cred, "ap-guangzhou", cpf).
		WithHttpTransport(safehttp.BufferAnswers(safehttp.RefuseRedirects(tr), testCap))
	req := tchttp.NewCommonRequest("tcss", "2020-11-01", "DescribeExportJobResult")
	if err := req.SetActionParameters(map[string]any{"JobId": "j1"}); err != nil {
		t.Fatal(err)
	}
	return c.Send(req, tchttp.NewCommonResponse())
}

// The SDK wraps a transport error as the cause of its ClientError.NetworkError,
// so the typed error the wrappers return survives errors.As: the adapter's
// classification can read the code.
func TestTencentSDKSeesTypedRefusals(t *testing.T) {
	var other atomic.Int32
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	defer dst.Close()
	du, _ := url.Parse(dst.URL)
	var written atomic.Int64
	big := streamer(1<<30, &written)
	deflated := bomb(t, true) // the SDK itself would inflate this, above any transport cap
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch caseOf(r) {
		case "redirect":
			http.Redirect(w, r, "http://localhost:"+du.Port()+"/", http.StatusTemporaryRedirect)
		case "big":
			big.ServeHTTP(w, r)
		case "deflate bomb":
			w.Header().Set("Content-Encoding", "deflate")
			w.Write(deflated)
		case "truncated":
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(`{"Response":{`))
		}
	}))
	defer srv.Close()

	for _, tc := range []struct {
		name string
		code errs.Code
		want string
	}{
		{"redirect", errs.PermissionDenied, `host "localhost"`},
		{"big", errs.Internal, "larger than the " + strconv.Itoa(testCap)},
		{"deflate bomb", errs.Internal, "larger than the " + strconv.Itoa(testCap)},
		{"truncated", errs.Unavailable, "ended early"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			current.Store(tc.name)
			err := tencentSend(t, srv.URL)
			var pe *errs.Error
			if !errors.As(err, &pe) || pe.Code != tc.code || !strings.Contains(pe.Message, tc.want) {
				t.Fatalf("Send = %v; want a %v *errs.Error saying %q in its chain", err, tc.code, tc.want)
			}
			if strings.Contains(err.Error(), "session-token") || strings.Contains(err.Error(), "secret") {
				t.Errorf("the error repeats a credential: %v", err)
			}
		})
	}
	if other.Load() != 0 {
		t.Errorf("the SDK replayed the signed request to the other host %d times", other.Load())
	}
}

// Without the transport check the SDK's own client follows a 307 and sends
// the signed request, X-TC-Token included, to the other host: the hole
// RefuseRedirects closes.
func TestTencentSDKFollows307WithoutTheCheck(t *testing.T) {
	var leaked atomic.Value
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("X-TC-Token"))
	}))
	defer dst.Close()
	du, _ := url.Parse(dst.URL)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+du.Port()+"/", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "http"
	cpf.HttpProfile.Endpoint = u.Host
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := common.NewCommonClient(common.NewTokenCredential("AKIDtest", "secret", "session-token"), "ap-guangzhou", cpf).WithHttpTransport(tr)
	req := tchttp.NewCommonRequest("tcss", "2020-11-01", "DescribeExportJobResult")
	req.SetActionParameters(map[string]any{"JobId": "j1"})
	c.Send(req, tchttp.NewCommonResponse())
	if got, _ := leaked.Load().(string); got != "session-token" {
		t.Fatalf("the other host saw X-TC-Token %q; this test pins the SDK behaviour RefuseRedirects exists for, so revisit it if the SDK changed", got)
	}
}

// current is the case the shared server plays (the SDK sends to "/").
var current atomic.Value

func caseOf(*http.Request) string { s, _ := current.Load().(string); return s }
