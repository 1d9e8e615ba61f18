package tencent_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/benchcpu"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// The per-call benchmarks compare the adapter with the SDK's own generic
// call (CommonRequest, CommonResponse, then decoding the answer as a user
// would) on the same emulator, for one create and one poll. Compare with
//
//	go test -run '^$' -bench 'Call' -count 6 ./tencent/ | benchstat -col /via -
//
// The target is the adapter at most 1.05x the SDK in time and allocations.
// BenchmarkCallPaired interleaves the two on one emulator and reports the
// ratio itself ("adapter/sdk"), which machine load shifts far less:
//
//	go test -run '^$' -bench 'CallPaired' -count 10 ./tencent/ | benchstat -

// benchServer is an emulator and the options to reach it, rate limits out
// of the way.
func benchServer(b *testing.B) (*tencenttest.Server, tencent.Options) {
	s := tencenttest.NewServer()
	b.Cleanup(s.Close)
	o := s.Options()
	o.RateLimit = 1e9
	return s, o
}

// sdkClient is the SDK's generic client for TCSS on s, configured as the
// adapter configures its own (POST, TC3-HMAC-SHA256, SDK retries off).
func sdkClient(b *testing.B, o tencent.Options) *common.Client {
	u, err := url.Parse(o.Endpoints["tcss"])
	if err != nil {
		b.Fatal(err)
	}
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.ReqMethod = "POST"
	cpf.HttpProfile.Scheme = "HTTP"
	cpf.HttpProfile.Endpoint = u.Host
	cpf.SignMethod = "TC3-HMAC-SHA256"
	cpf.Language = "en-US"
	cpf.DisableRegionBreaker = true
	c := common.NewCommonClient(common.NewCredential(o.SecretID, o.SecretKey), o.Region, cpf)
	c.WithHttpTransport(o.HTTPClient.Transport)
	return c
}

// sdkCall sends one TCSS action the SDK's generic way and decodes the
// answer's Response into out.
func sdkCall(c *common.Client, action string, params map[string]any, out any) error {
	req := tchttp.NewCommonRequest("tcss", "2020-11-01", action)
	if err := req.SetActionParameters(params); err != nil {
		return err
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		return err
	}
	var env struct{ Response json.RawMessage }
	if err := json.Unmarshal(resp.GetBody(), &env); err != nil {
		return err
	}
	return json.Unmarshal(env.Response, out)
}

var benchCreate = export.Request{
	Target:  export.Components{ImageID: tencenttest.SeedImageID},
	Filters: []export.Filter{export.Eq("vul_level", "high", "critical")},
	Columns: export.Cols("name", "version", "vul_count"),
	Sort:    &export.Sort{Field: "vul_count", Desc: true},
}

// The calls each benchmark makes, one per func: create and poll, through
// the adapter and through the SDK's generic client.

func adapterCreate(b *testing.B, p *tencent.Provider) func() {
	return func() {
		if _, err := p.CreateExportJob(context.Background(), benchCreate); err != nil {
			b.Fatal(err)
		}
	}
}

func adapterPoll(b *testing.B, p *tencent.Provider, job export.Job) func() {
	return func() {
		if _, err := p.PollJob(context.Background(), job); err != nil {
			b.Fatal(err)
		}
	}
}

func sdkCreate(b *testing.B, c *common.Client) func() {
	return func() {
		var out struct{ JobId string }
		err := sdkCall(c, "CreateComponentExportJob", map[string]any{
			"ImageID":     tencenttest.SeedImageID,
			"ExportField": []string{"Name", "Version", "VulCount"},
			"Filters":     []map[string]any{{"Name": "VulLevel", "Values": []string{"HIGH", "CRITICAL"}, "ExactMatch": true}},
			"By":          "VulCount",
			"Order":       "desc",
		}, &out)
		if err != nil || out.JobId == "" {
			b.Fatal(err, out)
		}
	}
}

func sdkPoll(b *testing.B, c *common.Client, job export.Job) func() {
	return func() {
		var out struct {
			ExportStatus   *string
			DownloadURL    *string
			ExportProgress *float64
			FailureMsg     *string
		}
		if err := sdkCall(c, "DescribeExportJobResult", map[string]any{"JobId": job.ID}, &out); err != nil || out.ExportStatus == nil {
			b.Fatal(err)
		}
	}
}

// benchProvider is the adapter on the emulator of o.
func benchProvider(b *testing.B, o tencent.Options) *tencent.Provider {
	p, err := tencent.New(o)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// benchJob is a components job created through p.
func benchJob(b *testing.B, p *tencent.Provider) export.Job {
	job, err := p.CreateExportJob(context.Background(), benchCreate)
	if err != nil {
		b.Fatal(err)
	}
	return job
}

func BenchmarkCall(b *testing.B) {
	b.Run("op=create/via=adapter", func(b *testing.B) {
		_, o := benchServer(b)
		benchcpu.Loop(b, adapterCreate(b, benchProvider(b, o)))
	})
	b.Run("op=create/via=sdk", func(b *testing.B) {
		_, o := benchServer(b)
		benchcpu.Loop(b, sdkCreate(b, sdkClient(b, o)))
	})
	b.Run("op=poll/via=adapter", func(b *testing.B) {
		_, o := benchServer(b)
		p := benchProvider(b, o)
		benchcpu.Loop(b, adapterPoll(b, p, benchJob(b, p)))
	})
	b.Run("op=poll/via=sdk", func(b *testing.B) {
		_, o := benchServer(b)
		benchcpu.Loop(b, sdkPoll(b, sdkClient(b, o), benchJob(b, benchProvider(b, o))))
	})
}

func BenchmarkCallPaired(b *testing.B) {
	b.Run("op=create", func(b *testing.B) {
		_, o := benchServer(b)
		benchcpu.Pair(b, adapterCreate(b, benchProvider(b, o)), sdkCreate(b, sdkClient(b, o)))
	})
	b.Run("op=poll", func(b *testing.B) {
		_, o := benchServer(b)
		p := benchProvider(b, o)
		job := benchJob(b, p)
		benchcpu.Pair(b, adapterPoll(b, p, job), sdkPoll(b, sdkClient(b, o), job))
	})
}
