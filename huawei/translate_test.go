package huawei_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

const containersPath = "/v5/" + testProject + "/container/export-task"

// allHeaders is export_headers for the default columns.
const allHeaders = `[["container_id","Container ID"],["container_name","Container Name"],["image_name","Image Name"],
	["pod_name","Pod Name"],["cluster_name","Cluster Name"],["cluster_type","Cluster Type"],["status","Status"],
	["risky","Risky"],["low_risk","Low Risk"],["medium_risk","Medium Risk"],["high_risk","High Risk"],
	["fatal_risk","Fatal Risk"],["create_time","Create Time"],["restart_count","Restart Count"],
	["cpu_limit","CPU Limit"],["memory_limit","Memory Limit"]]`

// body builds an ExportContainerList body: filter fields plus the default headers.
func body(filters string) any {
	if filters == "" {
		return js(`{"export_headers":` + allHeaders + `}`)
	}
	return js(`{` + filters + `,"export_headers":` + allHeaders + `}`)
}

func TestContainersTranslation(t *testing.T) {
	t0 := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC) // 1700000000000 ms
	t1 := time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)     // 1800000000000 ms
	size := url.Values{"export_size": {"100000"}}
	cases := []struct {
		name  string
		req   export.Request
		query url.Values
		body  any
	}{
		{"defaults: all 16 columns, export_size 100000", export.Request{}, size, body("")},
		{"cluster_container true", export.Request{Filters: []export.Filter{export.Eq("cluster_container", "true")}}, size, body(`"cluster_container":true`)},
		{"cluster_container FALSE", export.Request{Filters: []export.Filter{export.Eq("cluster_container", "FALSE")}}, size, body(`"cluster_container":false`)},
		{"cluster_type cce", export.Request{Filters: []export.Filter{export.Eq("cluster_type", "cce")}}, size, body(`"cluster_type":"cce"`)},
		{"cluster_type ali", export.Request{Filters: []export.Filter{export.Eq("cluster_type", "ali")}}, size, body(`"cluster_type":"ali"`)},
		{"cluster_type tencent", export.Request{Filters: []export.Filter{export.Eq("cluster_type", "tencent")}}, size, body(`"cluster_type":"tencent"`)},
		{"cluster_type azure", export.Request{Filters: []export.Filter{export.Eq("cluster_type", "azure")}}, size, body(`"cluster_type":"azure"`)},
		{"cluster_type AWS", export.Request{Filters: []export.Filter{export.Eq("cluster_type", "AWS")}}, size, body(`"cluster_type":"aws"`)},
		{"cluster_type self_built_hw", export.Request{Filters: []export.Filter{export.Eq("cluster_type", "self_built_hw")}}, size, body(`"cluster_type":"self_built_hw"`)},
		{"cluster_type self_built_idc", export.Request{Filters: []export.Filter{export.Eq("cluster_type", "self_built_idc")}}, size, body(`"cluster_type":"self_built_idc"`)},
		{"cluster_name", export.Request{Filters: []export.Filter{export.Eq("cluster_name", "prod-cce")}}, size, body(`"cluster_name":"prod-cce"`)},
		{"container_name", export.Request{Filters: []export.Filter{export.Eq("container_name", "nginx")}}, size, body(`"container_name":"nginx"`)},
		{"pod_name 512 chars", export.Request{Filters: []export.Filter{export.Eq("pod_name", strings.Repeat("p", 512))}}, size, body(`"pod_name":"` + strings.Repeat("p", 512) + `"`)},
		{"image_name", export.Request{Filters: []export.Filter{export.Eq("image_name", "nginx:1.25")}}, size, body(`"image_name":"nginx:1.25"`)},
		{"status running", export.Request{Filters: []export.Filter{export.Eq("status", "running")}}, size, body(`"status":"Running"`)},
		{"status waiting", export.Request{Filters: []export.Filter{export.Eq("status", "waiting")}}, size, body(`"status":"Waiting"`)},
		{"status terminated", export.Request{Filters: []export.Filter{export.Eq("status", "terminated")}}, size, body(`"status":"Terminated"`)},
		{"status isolated", export.Request{Filters: []export.Filter{export.Eq("status", "isolated")}}, size, body(`"status":"Isolated"`)},
		{"status PAUSED", export.Request{Filters: []export.Filter{export.Eq("status", "PAUSED")}}, size, body(`"status":"Paused"`)},
		{"risky true", export.Request{Filters: []export.Filter{export.Eq("risky", "true")}}, size, body(`"risky":true`)},
		{"risky false", export.Request{Filters: []export.Filter{export.Eq("risky", "false")}}, size, body(`"risky":false`)},
		{"create_time closed", export.Request{Filters: []export.Filter{export.Between("create_time", t0, t1)}}, size,
			body(`"create_time":{"start_time":1700000000000,"end_time":1800000000000}`)},
		{"create_time open start is 0", export.Request{Filters: []export.Filter{export.Between("create_time", time.Time{}, t1)}}, size,
			body(`"create_time":{"start_time":0,"end_time":1800000000000}`)},
		{"create_time open end is the documented maximum", export.Request{Filters: []export.Filter{export.Between("create_time", t0, time.Time{})}}, size,
			body(`"create_time":{"start_time":1700000000000,"end_time":4071095999000}`)},
		{"cpu_limit", export.Request{Filters: []export.Filter{export.Eq("cpu_limit", "100m")}}, size, body(`"cpu_limit":"100m"`)},
		{"memory_limit Mi", export.Request{Filters: []export.Filter{export.Eq("memory_limit", "300Mi")}}, size, body(`"memory_limit":"300Mi"`)},
		{"memory_limit Gi", export.Request{Filters: []export.Filter{export.Eq("memory_limit", "2Gi")}}, size, body(`"memory_limit":"2Gi"`)},
		{"several filters", export.Request{Filters: []export.Filter{export.Eq("status", "running"), export.Eq("cluster_type", "cce"), export.Eq("risky", "true")}}, size,
			body(`"status":"Running","cluster_type":"cce","risky":true`)},
		{"columns in the caller's order with a custom header", export.Request{Columns: []export.Column{{Key: "status", Header: "State"}, {Key: "container_id"}}}, size,
			js(`{"export_headers":[["status","State"],["container_id","Container ID"]]}`)},
		{"every column by name", export.Request{Columns: export.Cols("container_id", "container_name", "image_name", "pod_name", "cluster_name", "cluster_type", "status", "risky",
			"low_risk", "medium_risk", "high_risk", "fatal_risk", "create_time", "restart_count", "cpu_limit", "memory_limit")}, size, body("")},
		{"limit 1", export.Request{Limit: 1}, url.Values{"export_size": {"1"}}, body("")},
		{"limit 100000", export.Request{Limit: 100000}, size, body("")},
		{"enterprise project from the target", export.Request{Target: export.Containers{EnterpriseProject: "ep-1"}},
			url.Values{"export_size": {"100000"}, "enterprise_project_id": {"ep-1"}}, body("")},
		{"all_granted_eps", export.Request{Target: export.Containers{EnterpriseProject: "all_granted_eps"}},
			url.Values{"export_size": {"100000"}, "enterprise_project_id": {"all_granted_eps"}}, body("")},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, `{"task_id":"task-1"}`) })
			p := f.provider(t)
			req := c.req
			if req.Target == nil {
				req.Target = export.Containers{}
			}
			job, err := p.CreateExportJob(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			want := wire{Method: http.MethodPost, Path: containersPath, Query: c.query, Body: c.body}
			if d := cmp.Diff(want, f.lastWire(t)); d != "" {
				t.Errorf("request (-want +got):\n%s", d)
			}
			wantJob := export.Job{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1", Region: "cn-north-4",
				Scope: map[string]string{"project_id": testProject}}
			if ep := c.query.Get("enterprise_project_id"); ep != "" {
				wantJob.Scope["enterprise_project_id"] = ep
			}
			job.Created = time.Time{}
			if d := cmp.Diff(wantJob, job); d != "" {
				t.Errorf("job (-want +got):\n%s", d)
			}
		})
	}
}

func TestContainersEnterpriseProjectDefault(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, `{"task_id":"task-1"}`) })
	opts := f.options()
	opts.EnterpriseProject = "ep-default"
	p := mustNew(t, opts)
	for _, c := range []struct{ target, want string }{{"", "ep-default"}, {"ep-target", "ep-target"}} {
		job, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{EnterpriseProject: c.target}})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.lastWire(t).Query.Get("enterprise_project_id"); got != c.want {
			t.Errorf("target %q: enterprise_project_id = %q, want %q", c.target, got, c.want)
		}
		if job.Scope["enterprise_project_id"] != c.want {
			t.Errorf("target %q: scope %v", c.target, job.Scope)
		}
		// Later calls carry the job's enterprise project.
		_, _ = p.PollJob(context.Background(), job)
		if got := f.lastWire(t); got.Path != "/v5/"+testProject+"/export-task/task-1" || got.Query.Get("enterprise_project_id") != c.want {
			t.Errorf("poll went to %s?%v", got.Path, got.Query)
		}
	}
}

func TestAssetsTranslation(t *testing.T) {
	exportPath := func(inst string) string { return "/v2/" + testProject + "/instances/" + inst + "/assets/export" }
	cases := []struct {
		name   string
		target export.Assets
		path   string
		body   any
		scope  map[string]string
	}{
		{"apps only: tasks sent empty (docs: mandatory)", export.Assets{AppIDs: []string{"app-1", "app-2"}}, exportPath(testInst),
			js(`{"apps":[{"id":"app-1"},{"id":"app-2"}],"tasks":[]}`), map[string]string{"project_id": testProject, "instance_id": testInst}},
		{"tasks only: apps still sent, empty", export.Assets{TaskIDs: []string{"task-1"}}, exportPath(testInst),
			js(`{"apps":[],"tasks":[{"id":"task-1"}]}`), map[string]string{"project_id": testProject, "instance_id": testInst}},
		{"both", export.Assets{AppIDs: []string{"a"}, TaskIDs: []string{"t1", "t2"}}, exportPath(testInst),
			js(`{"apps":[{"id":"a"}],"tasks":[{"id":"t1"},{"id":"t2"}]}`), map[string]string{"project_id": testProject, "instance_id": testInst}},
		{"instance from the target", export.Assets{InstanceID: "inst-2", AppIDs: []string{"a"}}, exportPath("inst-2"),
			js(`{"apps":[{"id":"a"}],"tasks":[]}`), map[string]string{"project_id": testProject, "instance_id": "inst-2"}},
		{"same id as app and task", export.Assets{AppIDs: []string{"x"}, TaskIDs: []string{"x"}}, exportPath(testInst),
			js(`{"apps":[{"id":"x"}],"tasks":[{"id":"x"}]}`), map[string]string{"project_id": testProject, "instance_id": testInst}},
		{"100 ids: 36-character app ids (UUID form), 32-character task ids", export.Assets{AppIDs: ids("a", 60, 36), TaskIDs: ids("t", 40, 32)}, exportPath(testInst),
			js(assetsJSON(ids("a", 60, 36), ids("t", 40, 32))), map[string]string{"project_id": testProject, "instance_id": testInst}},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
				if r.Method == http.MethodGet { // the serialisation's poll of the previous job
					answer(w, 200, `{"status":"SUCCEEDED","archive_id":"ar"}`)
					return
				}
				answer(w, 200, `{"job_id":"job-1"}`)
			})
			p := f.provider(t)
			job, err := p.CreateExportJob(context.Background(), export.Request{Target: c.target})
			if err != nil {
				t.Fatal(err)
			}
			want := wire{Method: http.MethodPost, Path: c.path, Body: c.body}
			if d := cmp.Diff(want, f.lastWire(t)); d != "" {
				t.Errorf("request (-want +got):\n%s", d)
			}
			r, _ := f.last(t)
			if ct := r.Header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
				t.Errorf("Content-Type %q", ct)
			}
			wantJob := export.Job{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "job-1", Region: "cn-north-4", Scope: c.scope}
			job.Created = time.Time{}
			if d := cmp.Diff(wantJob, job); d != "" {
				t.Errorf("job (-want +got):\n%s", d)
			}
		})
	}
}

// ids returns n distinct ids of the given length, starting with prefix.
func ids(prefix string, n, length int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%0*d", prefix, length-len(prefix), i)
	}
	return out
}

func assetsJSON(apps, tasks []string) string {
	list := func(xs []string) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = `{"id":"` + x + `"}`
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return `{"apps":` + list(apps) + `,"tasks":` + list(tasks) + "}"
}

func TestInvalidRequests(t *testing.T) {
	cont := func(fs ...export.Filter) export.Request {
		return export.Request{Target: export.Containers{}, Filters: fs}
	}
	assets := export.Assets{AppIDs: []string{"a"}}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		req  export.Request
		opts func(*struct{ noInstance bool })
		want string // a fragment the message must hold
	}{
		{"no target", export.Request{}, nil, "Target"},
		{"unknown filter", cont(export.Eq("namespace", "x")), nil, "cluster_container"},
		{"Like on container_name", cont(export.Like("container_name", "ngi")), nil, "Like"},
		{"Like on image_name", cont(export.Like("image_name", "ngi")), nil, "Like"},
		{"two values", cont(export.Eq("status", "running", "paused")), nil, "one value"},
		{"no value", cont(export.Eq("cluster_name")), nil, "no value"},
		{"empty value", cont(export.Eq("cluster_name", "")), nil, "too short"},
		{"field twice", cont(export.Eq("risky", "true"), export.Eq("risky", "false")), nil, "twice"},
		{"unknown status", cont(export.Eq("status", "stopped")), nil, "running, waiting, terminated, isolated, paused"},
		{"unknown cluster_type", cont(export.Eq("cluster_type", "gke")), nil, "self_built_idc"},
		{"bad bool", cont(export.Eq("risky", "yes")), nil, "true or false"},
		{"cpu_limit without m", cont(export.Eq("cpu_limit", "100")), nil, "100m"},
		{"cpu_limit too long", cont(export.Eq("cpu_limit", strings.Repeat("1", 64)+"m")), nil, "at most 64"},
		{"memory_limit in M", cont(export.Eq("memory_limit", "300M")), nil, "300Mi"},
		{"cluster_name 256 chars", cont(export.Eq("cluster_name", strings.Repeat("c", 256))), nil, "at most 255"},
		{"pod_name 513 chars", cont(export.Eq("pod_name", strings.Repeat("p", 513))), nil, "at most 512"},
		{"create_time To before From", cont(export.Between("create_time", t0, t0.Add(-time.Hour))), nil, "before"},
		{"create_time with values", cont(export.Filter{Field: "create_time", Values: []string{"1"}}), nil, "Between"},
		{"create_time empty range", cont(export.Filter{Field: "create_time"}), nil, "From"},
		{"create_time To before 1970", cont(export.Between("create_time", time.Time{}, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC))), nil, "1970"},
		{"range on a string field", cont(export.Between("pod_name", t0, t0)), nil, "range"},
		{"unknown column", export.Request{Target: export.Containers{}, Columns: export.Cols("namespace")}, nil, "memory_limit"},
		{"column twice", export.Request{Target: export.Containers{}, Columns: export.Cols("status", "status")}, nil, "twice"},
		{"containers offset", export.Request{Target: export.Containers{}, Offset: 10}, nil, "Offset"},
		{"containers sort", export.Request{Target: export.Containers{}, Sort: &export.Sort{Field: "status"}}, nil, "Sort"},
		{"containers limit 100001", export.Request{Target: export.Containers{}, Limit: 100001}, nil, "100000"},
		{"containers negative limit", export.Request{Target: export.Containers{}, Limit: -1}, nil, "negative"},
		{"enterprise project with a slash", export.Request{Target: export.Containers{EnterpriseProject: "a/b"}}, nil, "EnterpriseProject"},
		{"assets without ids", export.Request{Target: export.Assets{}}, nil, "at least one"},
		{"assets 101 ids", export.Request{Target: export.Assets{AppIDs: ids("a", 51, 8), TaskIDs: ids("t", 50, 8)}}, nil, "at most 100"},
		{"assets app id of 37 characters", export.Request{Target: export.Assets{AppIDs: []string{strings.Repeat("a", 37)}}}, nil, "AppIDs[0]: 37 bytes; want at most 36"},
		{"assets task id of 33 characters", export.Request{Target: export.Assets{TaskIDs: []string{strings.Repeat("a", 33)}}}, nil, "TaskIDs[0]: 33 bytes; want at most 32"},
		{"assets empty task id", export.Request{Target: export.Assets{TaskIDs: []string{""}}}, nil, "TaskIDs[0]: empty; want 1 to 32 of ASCII letters"},
		{"assets duplicate app id", export.Request{Target: export.Assets{AppIDs: []string{"a", "b", "a"}}}, nil, "AppIDs[2]"},
		{"assets duplicate task id", export.Request{Target: export.Assets{TaskIDs: []string{"t", "t"}}}, nil, "TaskIDs[1]"},
		{"assets filters", export.Request{Target: assets, Filters: []export.Filter{export.Eq("status", "running")}}, nil, "no filters"},
		{"assets columns", export.Request{Target: assets, Columns: export.Cols("id")}, nil, "no columns"},
		{"assets sort", export.Request{Target: assets, Sort: &export.Sort{Field: "id"}}, nil, "Sort"},
		{"assets offset", export.Request{Target: assets, Offset: 1}, nil, "Offset"},
		{"assets limit", export.Request{Target: assets, Limit: 5}, nil, "Limit"},
		{"assets instance with a slash", export.Request{Target: export.Assets{InstanceID: "a/b", AppIDs: []string{"a"}}}, nil, "InstanceID"},
		{"assets no instance anywhere", export.Request{Target: assets}, func(o *struct{ noInstance bool }) { o.noInstance = true }, "ROMAInstanceID"},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, nil)
			opts := f.options()
			if c.opts != nil {
				var o struct{ noInstance bool }
				c.opts(&o)
				if o.noInstance {
					opts.ROMAInstanceID = ""
				}
			}
			p := mustNew(t, opts)
			for _, dry := range []bool{false, true} {
				req := c.req
				req.DryRun = dry
				_, err := p.CreateExportJob(context.Background(), req)
				if !errors.Is(err, provider.ErrInvalidArgument) {
					t.Fatalf("DryRun %v: err = %v, want ErrInvalidArgument", dry, err)
				}
				if !strings.Contains(err.Error(), c.want) {
					t.Errorf("DryRun %v: %q does not mention %q", dry, err, c.want)
				}
			}
			if n := f.count(); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

func TestUnsupportedKind(t *testing.T) {
	f := newFake(t, nil)
	p := f.provider(t)
	_, err := p.CreateExportJob(context.Background(), export.Request{Target: export.MachineImages{ImageIDs: []string{"img"}, Bucket: "b"}})
	if !errors.Is(err, provider.ErrUnsupported) {
		t.Fatalf("err = %v, want ErrUnsupported", err)
	}
	if f.count() != 0 {
		t.Error("a request was sent")
	}
}

func TestCapabilities(t *testing.T) {
	f := newFake(t, nil)
	got := f.provider(t).Capabilities()
	want := provider.Capabilities{
		Exports: map[export.Kind]provider.Limits{
			export.KindContainers: {
				MaxLimit: 100000,
				Filters: []string{"cluster_container", "cluster_type", "cluster_name", "container_name", "pod_name", "image_name",
					"status", "risky", "create_time", "cpu_limit", "memory_limit"},
				Columns: []string{"container_id", "container_name", "image_name", "pod_name", "cluster_name", "cluster_type", "status",
					"risky", "low_risk", "medium_risk", "high_risk", "fatal_risk", "create_time", "restart_count", "cpu_limit", "memory_limit"},
			},
			export.KindAssets: {MaxIDs: 100, Concurrency: 1},
			export.KindVulnerabilities: {
				MaxLimit: 100000, Offset: true,
				Filters: []string{"category", "level", "status", "name", "cve_id"},
				Columns: []string{"name", "cve_id", "level", "category", "status", "host_id", "host_name", "host_ip", "component", "first_seen", "last_seen"},
			},
		},
		Schedules: []scan.Kind{scan.RegistryImages, scan.HostVulnerabilities},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("capabilities (-want +got):\n%s", d)
	}
}

func mustNew(t testing.TB, opts huawei.Options) *huawei.Provider {
	t.Helper()
	p, err := huawei.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
