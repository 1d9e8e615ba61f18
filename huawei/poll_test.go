package huawei_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

var (
	hssJob = export.Job{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1", Region: "cn-north-4",
		Scope: map[string]string{"project_id": testProject}}
	romaJob = export.Job{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "job-1", Region: "cn-north-4",
		Scope: map[string]string{"project_id": testProject, "instance_id": testInst}}
)

func TestPollTranslation(t *testing.T) {
	cases := []struct {
		name   string
		job    export.Job
		answer string
		path   string
		want   export.Status
	}{
		{"hss running", hssJob, `{"task_id":"task-1","task_status":"running"}`, "/v5/" + testProject + "/export-task/task-1",
			export.Status{State: export.StateRunning, Progress: -1}},
		{"hss success", hssJob, `{"task_status":"success","file_id":"f-1","file_name":"hss-container.xlsx"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "f-1", Name: "hss-container.xlsx"}}}},
		{"hss SUCCESS without a file name", hssJob, `{"task_status":"SUCCESS","file_id":"f-1"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "f-1", Name: "f-1"}}}},
		{"hss file_name in Chinese is kept", hssJob, `{"task_status":"success","file_id":"f-1","file_name":"容器列表.xlsx"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "f-1", Name: "容器列表.xlsx"}}}},
		{"hss file_name that is a path is not a name", hssJob, `{"task_status":"success","file_id":"f-1","file_name":"../../.bashrc"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "f-1", Name: "f-1"}}}},
		{"hss file_name with terminal escapes is not a name", hssJob, `{"task_status":"success","file_id":"f-1","file_name":"a\u001b]0;pwned\u0007.xlsx"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "f-1", Name: "f-1"}}}},
		{"hss file_name with a bidi override is not a name", hssJob, `{"task_status":"success","file_id":"f-1","file_name":"a\u202excod.exe"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "f-1", Name: "f-1"}}}},
		{"hss success without a file", hssJob, `{"task_status":"success"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Message: "HSS reported success without a file_id"}},
		{"hss failure", hssJob, `{"task_status":"failure","task_name":"export-1"}`, "",
			export.Status{State: export.StateFailed, Progress: -1, Message: `HSS export task "export-1" failed (task_status failure; HSS gives no reason)`}},
		{"roma RUNNING", romaJob, `{"id":"job-1","status":"RUNNING","progress_percent":0.35}`,
			"/v2/" + testProject + "/instances/" + testInst + "/assets/jobs/job-1",
			export.Status{State: export.StateRunning, Progress: 0.35}},
		{"roma Running without progress", romaJob, `{"status":"Running"}`, "", export.Status{State: export.StateRunning, Progress: -1}},
		{"roma progress as a percentage", romaJob, `{"status":"RUNNING","progress_percent":35}`, "", export.Status{State: export.StateRunning, Progress: 0.35}},
		{"roma SUCCEEDED", romaJob, `{"status":"SUCCEEDED","archive_id":"ar-1","progress_percent":1}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "ar-1", Name: "ar-1.zip"}}}},
		{"roma Success", romaJob, `{"status":"Success","archive_id":"ar-1"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1, Files: []export.File{{ID: "ar-1", Name: "ar-1.zip"}}}},
		{"roma Finished: already downloaded", romaJob, `{"status":"Finished"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1,
				Message: "the archive of this job was already downloaded (ROMA status Finished); ROMA serves each archive once, so export again to get it"}},
		{"roma SUCCEEDED without archive_id: already downloaded", romaJob, `{"status":"SUCCEEDED"}`, "",
			export.Status{State: export.StateSucceeded, Progress: 1,
				Message: "the archive of this job was already downloaded (ROMA status SUCCEEDED); ROMA serves each archive once, so export again to get it"}},
		{"roma FAILED with reasons", romaJob, `{"status":"FAILED","reasons":[
			{"resource_type":"application","resource_name":"myApp","error_code":"ROMA.00000101","error_msg":"some error"},
			{"resource_type":"task","resource_name":"t1","error_msg":"gone"}]}`, "",
			export.Status{State: export.StateFailed, Progress: -1, Message: "application myApp: ROMA.00000101: some error; task t1: gone"}},
		{"roma Failed with the docs' reason field", romaJob, `{"status":"Failed","reason":[{"error_code":"ROMA.1","error_msg":"x"}]}`, "",
			export.Status{State: export.StateFailed, Progress: -1, Message: "ROMA.1: x"}},
		{"roma FAILED without reasons", romaJob, `{"status":"FAILED"}`, "",
			export.Status{State: export.StateFailed, Progress: -1, Message: "ROMA reported the job FAILED without reasons"}},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, c.answer) })
			st, err := f.provider(t).PollJob(context.Background(), c.job)
			if err != nil {
				t.Fatal(err)
			}
			want := c.want
			want.Job = c.job
			if d := cmp.Diff(want, st); d != "" {
				t.Errorf("status (-want +got):\n%s", d)
			}
			got := f.lastWire(t)
			if got.Method != http.MethodGet || (c.path != "" && got.Path != c.path) {
				t.Errorf("request %s %s", got.Method, got.Path)
			}
		})
	}
}

// TestPollUnknownState: a state the adapter does not know, or none (an
// empty answer), is an Internal error naming it, so Wait stops instead of
// polling until its ctx ends (the same rule as on Tencent).
func TestPollUnknownState(t *testing.T) {
	for _, c := range []struct {
		name, answer, word string
		job                export.Job
	}{
		{"hss unknown status", `{"task_status":"queued"}`, `unknown HSS task_status "queued"`, hssJob},
		{"hss empty answer", `{}`, `unknown HSS task_status ""`, hssJob},
		{"roma unknown status", `{"status":"PENDING","progress_percent":0}`, `unknown ROMA job status "PENDING"`, romaJob},
		{"roma empty answer", `{}`, `unknown ROMA job status ""`, romaJob},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, c.answer) })
			p := f.provider(t)
			if _, err := p.PollJob(context.Background(), c.job); !errors.Is(err, provider.ErrInternal) || !strings.Contains(err.Error(), c.word) {
				t.Errorf("PollJob: %v; want ErrInternal naming %s", err, c.word)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := provider.Wait(ctx, p, c.job, &provider.WaitOptions{MinDelay: time.Millisecond, MaxDelay: time.Millisecond}); !errors.Is(err, provider.ErrInternal) {
				t.Errorf("Wait: %v; want ErrInternal, not a wait until ctx ends", err)
			}
		})
	}
}

func TestPollBadJobs(t *testing.T) {
	cases := map[string]export.Job{
		"another provider": {Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "x"},
		"kind and service disagree": {Provider: "huawei", Service: "hss", Kind: export.KindAssets, ID: "x",
			Scope: map[string]string{"instance_id": "i"}},
		"no id":                    {Provider: "huawei", Service: "hss", Kind: export.KindContainers},
		"id with a slash":          {Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "a/../b"},
		"assets without instance":  {Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "x"},
		"project id with a slash":  {Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "x", Scope: map[string]string{"project_id": "a/b"}},
		"instance id with a query": {Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "x", Scope: map[string]string{"instance_id": "i?x=1"}},
	}
	for name, job := range cases {
		job := job
		t.Run(name, func(t *testing.T) {
			f := newFake(t, nil)
			p := f.provider(t)
			if _, err := p.PollJob(context.Background(), job); !errors.Is(err, provider.ErrInvalidArgument) {
				t.Errorf("PollJob: %v, want ErrInvalidArgument", err)
			}
			if _, err := p.Download(context.Background(), job, export.File{ID: "f"}); !errors.Is(err, provider.ErrInvalidArgument) {
				t.Errorf("Download: %v, want ErrInvalidArgument", err)
			}
			if f.count() != 0 {
				t.Error("a request was sent")
			}
		})
	}
	f := newFake(t, nil)
	for _, job := range []export.Job{hssJob, romaJob} {
		if _, err := f.provider(t).Download(context.Background(), job, export.File{Name: "no id"}); !errors.Is(err, provider.ErrInvalidArgument) ||
			!strings.Contains(err.Error(), "File.ID") {
			t.Errorf("%s download without File.ID: %v", job.Service, err)
		}
	}
}

func TestPollUsesTheJobsProject(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, `{"task_status":"running"}`) })
	job := hssJob
	job.Scope = map[string]string{"project_id": "otherproject"}
	if _, err := f.provider(t).PollJob(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	r, body := f.last(t)
	if r.URL.Path != "/v5/otherproject/export-task/task-1" || r.Header.Get("X-Project-Id") != "otherproject" {
		t.Errorf("path %s, X-Project-Id %s", r.URL.Path, r.Header.Get("X-Project-Id"))
	}
	verify(t, r, body, testAK, testSK)
}

func TestDownloadStreams(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write([]byte("PK\x03\x04 file bytes"))
	})
	p := f.provider(t)
	for _, c := range []struct {
		job  export.Job
		path string
	}{
		{hssJob, "/v5/" + testProject + "/download/f-1"},
		{romaJob, "/v2/" + testProject + "/instances/" + testInst + "/assets/archives/f-1"},
	} {
		rc, err := p.Download(context.Background(), c.job, export.File{ID: "f-1"})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, err = io.Copy(&b, rc)
		rc.Close()
		if err != nil || b.String() != "PK\x03\x04 file bytes" {
			t.Errorf("%s: %q, %v", c.job.Service, b.String(), err)
		}
		if got := f.lastWire(t); got.Method != http.MethodGet || got.Path != c.path {
			t.Errorf("%s %s, want GET %s", got.Method, got.Path, c.path)
		}
	}
}

// TestPollVendorTextIsBounded: the vendor text a poll carries into
// Status.Message (HSS task_name, ROMA failure reasons) is clipped, as error
// messages are, so an answer of up to 16 MiB cannot make a status that large.
func TestPollVendorTextIsBounded(t *testing.T) {
	long := strings.Repeat("ü", 1<<18)
	reason := `{"resource_type":"application","resource_name":"app","error_code":"ROMA.1","error_msg":"` + strings.Repeat("x", 1000) + `"}`
	reasons := strings.TrimSuffix(strings.Repeat(reason+",", 2000), ",")
	for _, c := range []struct {
		name, answer string
		job          export.Job
	}{
		{"hss task_name", `{"task_status":"failure","task_name":"` + long + `"}`, hssJob},
		{"roma reasons", `{"status":"FAILED","reasons":[` + reasons + `]}`, romaJob},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, c.answer) })
			st, err := f.provider(t).PollJob(context.Background(), c.job)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(st.Message); n > 1024 || n < 100 || !utf8.ValidString(st.Message) {
				t.Errorf("Message is %d bytes (valid UTF-8 %v); want the start of the vendor's text, at most 1024 bytes", n, utf8.ValidString(st.Message))
			}
		})
	}
}
