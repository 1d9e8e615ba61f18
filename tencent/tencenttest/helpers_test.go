package tencenttest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// newTestServer starts a server that is closed when the test ends.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

// clientConfig tweaks the SDK client a test builds.
type clientConfig struct {
	secretID, secretKey, token string
	region                     string
	unsignedPayload            bool
	transport                  http.RoundTripper
	profile                    func(*profile.ClientProfile) // further profile settings
}

// newClient returns the SDK's common client pointed at s with the server's
// permanent credentials, changed by the given tweaks.
func newClient(t testing.TB, s *Server, tweaks ...func(*clientConfig)) *common.Client {
	t.Helper()
	id, key := s.Credentials()
	cfg := clientConfig{secretID: id, secretKey: key, region: Region}
	for _, f := range tweaks {
		f(&cfg)
	}
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "http"
	cpf.HttpProfile.Endpoint = s.srv.Listener.Addr().String()
	cpf.HttpProfile.ReqTimeout = 10
	cpf.UnsignedPayload = cfg.unsignedPayload
	if cfg.profile != nil {
		cfg.profile(cpf)
	}
	c := common.NewCommonClient(common.NewTokenCredential(cfg.secretID, cfg.secretKey, cfg.token), cfg.region, cpf)
	rt := cfg.transport
	if rt == nil {
		rt = s.srv.Client().Transport
	}
	c.WithHttpTransport(rt)
	return c
}

var versions = map[string]string{"tcss": TCSSVersion, "cvm": CVMVersion, "cwp": CWPVersion}

// send calls action of service with params (a map or a JSON string) and
// returns the content of "Response".
func send(ctx context.Context, c *common.Client, service, action string, params any) (json.RawMessage, error) {
	req := tchttp.NewCommonRequest(service, versions[service], action)
	req.SetContext(ctx)
	if params == nil {
		params = map[string]any{}
	}
	if err := req.SetActionParameters(params); err != nil {
		return nil, err
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		return nil, err
	}
	var env struct{ Response json.RawMessage }
	if err := json.Unmarshal(resp.GetBody(), &env); err != nil {
		return nil, err
	}
	return env.Response, nil
}

// mustSend is send that fails the test on error and decodes into out.
func mustSend(t *testing.T, c *common.Client, service, action string, params any, out any) {
	t.Helper()
	raw, err := send(context.Background(), c, service, action, params)
	if err != nil {
		t.Fatalf("%s %s: %v", service, action, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", service, action, raw, err)
		}
	}
}

// codeOf returns the vendor error code of err, "" for nil, or "<not an SDK error>".
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	var e *sdkerrors.TencentCloudSDKError
	if errors.As(err, &e) {
		return e.Code
	}
	return "<not an SDK error: " + err.Error() + ">"
}

// jobResult is DescribeExportJobResult's answer.
type jobResult struct {
	ExportStatus   string
	DownloadURL    *string
	ExportProgress *float64
	FailureMsg     *string
}

// createJob starts a component export and returns its JobId.
func createJob(t *testing.T, c *common.Client, params map[string]any) string {
	t.Helper()
	var out struct{ JobId string }
	mustSend(t, c, "tcss", "CreateComponentExportJob", params, &out)
	if out.JobId == "" {
		t.Fatal("CreateComponentExportJob answered no JobId")
	}
	return out.JobId
}

// waitJob polls DescribeExportJobResult until the job leaves RUNNING.
func waitJob(t *testing.T, c *common.Client, id string) jobResult {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var r jobResult
		mustSend(t, c, "tcss", "DescribeExportJobResult", map[string]any{"JobId": id}, &r)
		if r.ExportStatus != "RUNNING" {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still RUNNING after 10s", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
