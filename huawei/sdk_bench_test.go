package huawei_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/internal/benchcpu"
)

// The per-call benchmarks compare the adapter with the SDK's signer and
// net/http used by hand (build, sign, send, read, decode) on the same
// emulator, for one create and one poll. Compare with
//
//	go test -run '^$' -bench 'Call' -count 6 ./huawei/ | benchstat -col /via -
//
// The target is the adapter at most 1.05x the SDK in time and allocations.
// BenchmarkCallPaired interleaves the two on one emulator and reports the
// ratio itself ("adapter/sdk"), which machine load shifts far less:
//
//	go test -run '^$' -bench 'CallPaired' -count 10 ./huawei/ | benchstat -

var benchContainers = export.Request{Target: export.Containers{}, Filters: []export.Filter{export.Eq("status", "running"), export.Eq("cluster_type", "cce")}}

// benchHeaders is the default export_headers the adapter sends.
var benchHeaders = [][]string{
	{"container_id", "Container ID"}, {"container_name", "Container Name"}, {"image_name", "Image Name"}, {"pod_name", "Pod Name"},
	{"cluster_name", "Cluster Name"}, {"cluster_type", "Cluster Type"}, {"status", "Status"}, {"risky", "Risky"},
	{"low_risk", "Low Risk"}, {"medium_risk", "Medium Risk"}, {"high_risk", "High Risk"}, {"fatal_risk", "Fatal Risk"},
	{"create_time", "Create Time"}, {"restart_count", "Restart Count"}, {"cpu_limit", "CPU Limit"}, {"memory_limit", "Memory Limit"},
}

// sdkSend signs one HSS call with the SDK and sends it with net/http,
// decoding a 2xx JSON answer into out.
func sdkSend(ctx context.Context, c *http.Client, cred *auth.BasicCredentials, base, method, path string, query map[string]string, body []byte, out any) error {
	b := request.NewHttpRequestBuilder().WithEndpoint(base).WithPath(path).WithMethod(method).
		WithSigningAlgorithm(algorithm.HmacSHA256).AddHeaderParam("Content-Type", "application/json").
		AddHeaderParam("User-Agent", "huaweicloud-usdk-go/3.0") // as the SDK's own client sends
	for k, v := range query {
		b.AddQueryParam(k, reflect.ValueOf(v))
	}
	if body != nil {
		b.WithBody("", string(body))
	}
	signed, err := cred.ProcessAuthRequest(nil, b.Build())
	if err != nil {
		return err
	}
	req, err := signed.ConvertRequest()
	if err != nil {
		return err
	}
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &json.UnsupportedValueError{Str: string(raw)}
	}
	return json.Unmarshal(raw, out)
}

func benchEmulator(b *testing.B) (huawei.Options, *auth.BasicCredentials) {
	srv := huaweitest.NewServer()
	b.Cleanup(srv.Close)
	o := srv.Options()
	o.RateLimit = 1e9
	cred, err := auth.NewBasicCredentialsBuilder().WithAk(o.AK).WithSk(o.SK).WithProjectId(o.ProjectID).SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	return o, cred
}

// The calls each benchmark makes, one per func: create and poll, through
// the adapter and through the SDK by hand.

func adapterCreate(b *testing.B, p *huawei.Provider) func() {
	return func() {
		if _, err := p.CreateExportJob(context.Background(), benchContainers); err != nil {
			b.Fatal(err)
		}
	}
}

func adapterPoll(b *testing.B, p *huawei.Provider, job export.Job) func() {
	return func() {
		if _, err := p.PollJob(context.Background(), job); err != nil {
			b.Fatal(err)
		}
	}
}

func sdkCreate(b *testing.B, o huawei.Options, cred *auth.BasicCredentials) func() {
	c := &http.Client{}
	return func() {
		body, err := json.Marshal(map[string]any{"status": "Running", "cluster_type": "cce", "export_headers": benchHeaders})
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			TaskID string `json:"task_id"`
		}
		err = sdkSend(context.Background(), c, cred, o.Endpoints["hss"], http.MethodPost, "/v5/"+o.ProjectID+"/container/export-task",
			map[string]string{"export_size": "100000"}, body, &out)
		if err != nil || out.TaskID == "" {
			b.Fatal(err, out)
		}
	}
}

func sdkPoll(b *testing.B, o huawei.Options, cred *auth.BasicCredentials, job export.Job) func() {
	c := &http.Client{}
	return func() {
		var out struct {
			TaskName   string `json:"task_name"`
			TaskStatus string `json:"task_status"`
			FileID     string `json:"file_id"`
			FileName   string `json:"file_name"`
		}
		if err := sdkSend(context.Background(), c, cred, o.Endpoints["hss"], http.MethodGet, "/v5/"+o.ProjectID+"/export-task/"+job.ID, nil, nil, &out); err != nil || out.TaskStatus == "" {
			b.Fatal(err, out)
		}
	}
}

// benchJob is a containers job created through p.
func benchJob(b *testing.B, p *huawei.Provider) export.Job {
	job, err := p.CreateExportJob(context.Background(), benchContainers)
	if err != nil {
		b.Fatal(err)
	}
	return job
}

func BenchmarkCall(b *testing.B) {
	b.Run("op=create/via=adapter", func(b *testing.B) {
		o, _ := benchEmulator(b)
		benchcpu.Loop(b, adapterCreate(b, mustNew(b, o)))
	})
	b.Run("op=create/via=sdk", func(b *testing.B) {
		o, cred := benchEmulator(b)
		benchcpu.Loop(b, sdkCreate(b, o, cred))
	})
	b.Run("op=poll/via=adapter", func(b *testing.B) {
		o, _ := benchEmulator(b)
		p := mustNew(b, o)
		benchcpu.Loop(b, adapterPoll(b, p, benchJob(b, p)))
	})
	b.Run("op=poll/via=sdk", func(b *testing.B) {
		o, cred := benchEmulator(b)
		benchcpu.Loop(b, sdkPoll(b, o, cred, benchJob(b, mustNew(b, o))))
	})
}

func BenchmarkCallPaired(b *testing.B) {
	b.Run("op=create", func(b *testing.B) {
		o, cred := benchEmulator(b)
		benchcpu.Pair(b, adapterCreate(b, mustNew(b, o)), sdkCreate(b, o, cred))
	})
	b.Run("op=poll", func(b *testing.B) {
		o, cred := benchEmulator(b)
		p := mustNew(b, o)
		job := benchJob(b, p)
		benchcpu.Pair(b, adapterPoll(b, p, job), sdkPoll(b, o, cred, job))
	})
}
