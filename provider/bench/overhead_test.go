package bench_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// BenchmarkTencentOverhead measures one TCSS call through the adapter
// against the same call made with the SDK's generic client directly (a
// CommonRequest, its answer decoded into a struct), on the same emulator.
// The adapter's rate limit is set out of the way. Compare the sub-benchmarks
// with benchstat -col /via: adapter against sdk is the adapter's overhead.
func BenchmarkTencentOverhead(b *testing.B) {
	s := tencenttest.NewServer()
	b.Cleanup(s.Close)
	o := s.Options()
	o.RateLimit = 1e9
	p, err := tencent.New(o)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := export.Request{Target: export.Components{ImageID: tencenttest.SeedImageID}, Columns: export.Cols("name", "version"), Limit: 100}
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		b.Fatal(err)
	}
	sdk := newSDKClient(b, s, o.HTTPClient)

	b.Run("call=poll/via=adapter", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := p.PollJob(ctx, job); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("call=poll/via=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var out struct {
				ExportStatus   string
				ExportProgress *float64
				DownloadURL    *string
				FailureMsg     *string
			}
			sdkCall(b, sdk, "DescribeExportJobResult", map[string]any{"JobId": job.ID}, &out)
			if out.ExportStatus == "" {
				b.Fatal("no ExportStatus")
			}
		}
	})
	b.Run("call=create/via=adapter", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := p.CreateExportJob(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("call=create/via=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var out struct{ JobId string }
			sdkCall(b, sdk, "CreateComponentExportJob", map[string]any{
				"ImageID": tencenttest.SeedImageID, "ExportField": []string{"Name", "Version"}, "Limit": 100,
			}, &out)
			if out.JobId == "" {
				b.Fatal("no JobId")
			}
		}
	})
}

// newSDKClient returns the SDK's generic client for the emulator's TCSS,
// configured as a user calling TCSS directly would: TC3 signing, POST, no
// SDK retries.
func newSDKClient(b *testing.B, s *tencenttest.Server, hc *http.Client) *common.Client {
	id, key := s.Credentials()
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.ReqMethod = "POST"
	cpf.HttpProfile.Scheme = "HTTP"
	cpf.HttpProfile.Endpoint = strings.TrimPrefix(s.URL(), "http://")
	cpf.SignMethod = "TC3-HMAC-SHA256"
	cpf.DisableRegionBreaker = true
	c := common.NewCommonClient(common.NewCredential(id, key), tencenttest.Region, cpf)
	c.WithHttpTransport(hc.Transport)
	return c
}

// sdkCall sends one TCSS action with the generic client and decodes the
// answer's Response object into out.
func sdkCall(b *testing.B, c *common.Client, action string, params map[string]any, out any) {
	req := tchttp.NewCommonRequest("tcss", tencenttest.TCSSVersion, action)
	if err := req.SetActionParameters(params); err != nil {
		b.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		b.Fatal(err)
	}
	var env struct{ Response json.RawMessage }
	if err := json.Unmarshal(resp.GetBody(), &env); err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(env.Response, out); err != nil {
		b.Fatal(err)
	}
}
