package tencenttest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/rows"
)

// testComponents are the rows the row tests export.
var testComponents = []Component{
	{"sha256:a", "openssl", "1.1.1k", "/lib/libssl.so", "SYSTEM_COMPONENT", 3, []string{"HIGH", "LOW"}},
	{"sha256:a", "openssl-libs", "1.1.1k", "/lib/libcrypto.so", "SYSTEM_COMPONENT", 0, nil},
	{"sha256:a", "log4j-core", "2.14.1", "/app/log4j.jar", "APPLICATION_COMPONENT", 10, []string{"CRITICAL"}},
	{"sha256:a", "zlib", "1.2.11", "/lib/libz.so", "SYSTEM_COMPONENT", 1, []string{"MIDDLE"}},
	{"sha256:b", "busybox", "1.36.1", "/bin/busybox", "SYSTEM_COMPONENT", 0, nil},
}

func filter(name string, exact bool, values ...string) map[string]any {
	return map[string]any{"Name": name, "Values": values, "ExactMatch": exact}
}

func TestCreateComponentExportJobValidation(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	img := SeedImageID
	tests := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"no ImageID", map[string]any{}, "InvalidParameter.MissingParameter"},
		{"empty ImageID", map[string]any{"ImageID": ""}, "InvalidParameter.MissingParameter"},
		{"unknown image", map[string]any{"ImageID": "sha256:nope"}, "ResourceNotFound"},
		{"Limit over 10000", map[string]any{"ImageID": img, "Limit": 10001}, "InvalidParameterValue"},
		{"unknown ExportField", map[string]any{"ImageID": img, "ExportField": []string{"Name", "License"}}, "InvalidParameterValue"},
		{"ExportField wrong case", map[string]any{"ImageID": img, "ExportField": []string{"name"}}, "InvalidParameterValue"},
		{"unknown filter", map[string]any{"ImageID": img, "Filters": []any{filter("License", true, "MIT")}}, "InvalidParameterValue"},
		{"filter without values", map[string]any{"ImageID": img, "Filters": []any{filter("ComponentName", true)}}, "InvalidParameterValue"},
		{"filter without name", map[string]any{"ImageID": img, "Filters": []any{map[string]any{"Values": []string{"x"}}}}, "InvalidParameter.MissingParameter"},
		{"bad VulLevel", map[string]any{"ImageID": img, "Filters": []any{filter("VulLevel", true, "MEDIUM")}}, "InvalidParameterValue"},
		{"bad HasVul", map[string]any{"ImageID": img, "Filters": []any{filter("HasVul", true, "yes")}}, "InvalidParameterValue"},
		{"bad Order", map[string]any{"ImageID": img, "By": "Name", "Order": "up"}, "InvalidParameterValue"},
		{"bad By", map[string]any{"ImageID": img, "By": "Size"}, "InvalidParameterValue"},
		{"unknown key", map[string]any{"ImageID": img, "Sort": "Name"}, "UnknownParameter"},
		{"Limit 10000", map[string]any{"ImageID": img, "Limit": 10000}, ""},
		{"Order in upper case", map[string]any{"ImageID": img, "By": "VulCount", "Order": "ASC"}, ""},
		{"HasVul ALL", map[string]any{"ImageID": img, "Filters": []any{filter("HasVul", true, "ALL")}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := send(context.Background(), c, "tcss", "CreateComponentExportJob", tt.params)
			if got := codeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}
}

// download fetches a finished job's file and returns its rows, header first.
func download(t *testing.T, s *Server, url string) [][]string {
	t.Helper()
	resp, err := s.srv.Client().Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET download = %d %s", resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != xlsxType {
		t.Errorf("Content-Type = %q, want %q", ct, xlsxType)
	}
	r, err := rows.NewReader(resp.Body, &rows.Options{Format: "xlsx"})
	if err != nil {
		t.Fatalf("the file is not a readable workbook: %v", err)
	}
	defer r.Close()
	var out [][]string
	for r.Next() {
		if r.Member() != "Sheet1" {
			t.Fatalf("row from sheet %q, want Sheet1", r.Member())
		}
		if out == nil {
			out = append(out, r.Header())
		}
		out = append(out, slices.Clone(r.Row()))
	}
	if err := r.Err(); err != nil {
		t.Fatalf("the file is not a readable workbook: %v", err)
	}
	if out == nil { // a header and no rows
		out = append(out, r.Header())
	}
	return out
}

func TestComponentExportRows(t *testing.T) {
	s := newTestServer(t)
	s.SetComponents(testComponents)
	s.SetJobDuration(0)
	c := newClient(t, s)
	names := []string{"Name"}
	col := func(vals ...string) [][]string {
		out := [][]string{{"Component"}}
		for _, v := range vals {
			out = append(out, []string{v})
		}
		return out
	}
	tests := []struct {
		name   string
		params map[string]any
		want   [][]string
	}{
		{"all fields by default", map[string]any{"ImageID": "sha256:b"}, [][]string{
			{"Component", "Version", "Path", "Type", "Vulnerabilities", "Image ID"},
			{"busybox", "1.36.1", "/bin/busybox", "SYSTEM_COMPONENT", "0", "sha256:b"},
		}},
		{"chosen fields in the order asked", map[string]any{"ImageID": "sha256:a", "ExportField": []string{"VulCount", "Name"}}, [][]string{
			{"Vulnerabilities", "Component"}, {"3", "openssl"}, {"0", "openssl-libs"}, {"10", "log4j-core"}, {"1", "zlib"},
		}},
		{"name exact", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("ComponentName", true, "openssl")}}, col("openssl")},
		{"name fuzzy", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("ComponentName", false, "openssl")}}, col("openssl", "openssl-libs")},
		{"name fuzzy without ExactMatch", map[string]any{"ImageID": "sha256:a", "ExportField": names,
			"Filters": []any{map[string]any{"Name": "ComponentName", "Values": []string{"ssl"}}}}, col("openssl", "openssl-libs")},
		{"name any of", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("ComponentName", true, "zlib", "openssl")}}, col("openssl", "zlib")},
		{"version", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("ComponentVersion", true, "1.1.1k")}}, col("openssl", "openssl-libs")},
		{"type exact", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("ComponentType", true, "APPLICATION_COMPONENT")}}, col("log4j-core")},
		{"type fuzzy", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("ComponentType", false, "SYSTEM")}}, col("openssl", "openssl-libs", "zlib")},
		{"vul level", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("VulLevel", true, "CRITICAL")}}, col("log4j-core")},
		{"vul levels", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("VulLevel", true, "LOW", "MIDDLE")}}, col("openssl", "zlib")},
		{"has vul", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("HasVul", true, "true")}}, col("openssl", "log4j-core", "zlib")},
		{"has no vul", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Filters": []any{filter("HasVul", true, "false")}}, col("openssl-libs")},
		{"filters combine", map[string]any{"ImageID": "sha256:a", "ExportField": names,
			"Filters": []any{filter("ComponentType", true, "SYSTEM_COMPONENT"), filter("HasVul", true, "true")}}, col("openssl", "zlib")},
		{"sort by count desc", map[string]any{"ImageID": "sha256:a", "ExportField": names, "By": "VulCount", "Order": "DESC"}, col("log4j-core", "openssl", "zlib", "openssl-libs")},
		{"sort by name asc", map[string]any{"ImageID": "sha256:a", "ExportField": names, "By": "Name", "Order": "asc"}, col("log4j-core", "openssl", "openssl-libs", "zlib")},
		{"page", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Offset": 1, "Limit": 2}, col("openssl-libs", "log4j-core")},
		{"offset past the end", map[string]any{"ImageID": "sha256:a", "ExportField": names, "Offset": 10}, col()},
		{"sort then page", map[string]any{"ImageID": "sha256:a", "ExportField": names, "By": "VulCount", "Order": "desc", "Limit": 1}, col("log4j-core")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := waitJob(t, c, createJob(t, c, tt.params))
			if r.ExportStatus != "SUCCESS" || r.DownloadURL == nil {
				t.Fatalf("job ended %+v, want SUCCESS with a DownloadURL", r)
			}
			if diff := cmp.Diff(tt.want, download(t, s, *r.DownloadURL)); diff != "" {
				t.Errorf("file rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJobProgression(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)

	s.SetJobDuration(time.Hour)
	running := createJob(t, c, map[string]any{"ImageID": SeedImageID})
	var r jobResult
	mustSend(t, c, "tcss", "DescribeExportJobResult", map[string]any{"JobId": running}, &r)
	if r.ExportStatus != "RUNNING" || r.ExportProgress == nil || *r.ExportProgress < 0 || *r.ExportProgress >= 100 || r.DownloadURL != nil {
		t.Errorf("long job = %+v, want RUNNING with progress in [0,100) and no DownloadURL", r)
	}
	var u struct{ DownloadURL *string }
	mustSend(t, c, "tcss", "DescribeExportJobDownloadURL", map[string]any{"JobID": running}, &u)
	if u.DownloadURL != nil {
		t.Errorf("DescribeExportJobDownloadURL of a running job = %q, want null", *u.DownloadURL)
	}

	s.SetJobDuration(50 * time.Millisecond)
	id := createJob(t, c, map[string]any{"ImageID": SeedImageID})
	r = waitJob(t, c, id)
	if r.ExportStatus != "SUCCESS" || r.ExportProgress == nil || *r.ExportProgress != 100 || r.DownloadURL == nil || r.FailureMsg != nil {
		t.Fatalf("finished job = %+v, want SUCCESS, progress 100, a DownloadURL and no FailureMsg", r)
	}
	if want := s.URL() + "/download/"; !strings.HasPrefix(*r.DownloadURL, want) || !strings.HasSuffix(*r.DownloadURL, "/"+id+".xlsx") {
		t.Errorf("DownloadURL = %q, want %s<token>/%s.xlsx", *r.DownloadURL, want, id)
	}
	mustSend(t, c, "tcss", "DescribeExportJobDownloadURL", map[string]any{"JobID": id}, &u)
	if u.DownloadURL == nil || *u.DownloadURL != *r.DownloadURL {
		t.Errorf("DescribeExportJobDownloadURL = %v, want %q", u.DownloadURL, *r.DownloadURL)
	}
	if rows := download(t, s, *r.DownloadURL); len(rows) != 9 {
		t.Errorf("seeded image file has %d rows, want a header and 8 rows", len(rows))
	}
}

func TestJobFailure(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	s.SetJobDuration(20 * time.Millisecond)
	s.FailJobs("the export quota is exhausted")
	failed := createJob(t, c, map[string]any{"ImageID": SeedImageID})
	s.FailJobs("")
	ok := createJob(t, c, map[string]any{"ImageID": SeedImageID})

	r := waitJob(t, c, failed)
	if r.ExportStatus != "FAILURE" || r.FailureMsg == nil || *r.FailureMsg != "the export quota is exhausted" || r.DownloadURL != nil {
		t.Errorf("failed job = %+v, want FAILURE with the reason and no DownloadURL", r)
	}
	if r := waitJob(t, c, ok); r.ExportStatus != "SUCCESS" {
		t.Errorf("job created after FailJobs(\"\") = %+v, want SUCCESS", r)
	}
}

func TestJobLookupErrors(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	tests := []struct {
		action string
		params map[string]any
		want   string
	}{
		{"DescribeExportJobResult", map[string]any{"JobId": "937fec8c-4430-4973-ac29-1a184ce00000"}, "InvalidParameterValue.DataNotFound"},
		{"DescribeExportJobResult", map[string]any{}, "InvalidParameter"},
		{"DescribeExportJobResult", map[string]any{"JobID": "x"}, "UnknownParameter"},
		{"DescribeExportJobDownloadURL", map[string]any{"JobID": "937fec8c-4430-4973-ac29-1a184ce00000"}, "InvalidParameter"},
		{"DescribeExportJobDownloadURL", map[string]any{"JobId": "x"}, "UnknownParameter"},
	}
	for _, tt := range tests {
		_, err := send(context.Background(), c, "tcss", tt.action, tt.params)
		if got := codeOf(err); got != tt.want {
			t.Errorf("%s %v: code = %q, want %q", tt.action, tt.params, got, tt.want)
		}
	}
}

func TestDownloadErrors(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	s.SetJobDuration(0)
	id := createJob(t, c, map[string]any{"ImageID": SeedImageID})
	good := *waitJob(t, c, id).DownloadURL
	s.SetJobDuration(time.Hour)
	running := createJob(t, c, map[string]any{"ImageID": SeedImageID})
	tok := strings.Split(strings.TrimPrefix(good, s.URL()+"/download/"), "/")[0]

	tests := []struct {
		name, url  string
		wantStatus int
		wantCode   string
	}{
		{"wrong token", s.URL() + "/download/0000/" + id + ".xlsx", http.StatusForbidden, "AccessDenied"},
		{"unknown job", s.URL() + "/download/" + tok + "/937fec8c-4430-4973-ac29-1a184ce00000.xlsx", http.StatusNotFound, "NoSuchKey"},
		{"token of another job", s.URL() + "/download/" + tok + "/" + running + ".xlsx", http.StatusForbidden, "AccessDenied"},
		{"unfinished job", s.URL() + "/download/" + s.lookupJob(running).token + "/" + running + ".xlsx", http.StatusNotFound, "NoSuchKey"},
		{"no file name", s.URL() + "/download/" + tok, http.StatusNotFound, "NoSuchKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := s.srv.Client().Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(b), "<Code>"+tt.wantCode+"</Code>") {
				t.Errorf("GET = %d %s, want %d with <Code>%s</Code>", resp.StatusCode, b, tt.wantStatus, tt.wantCode)
			}
		})
	}
}

func TestTimingScanTask(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	var got TimingScanTask
	mustSend(t, c, "tcss", "DescribeImageRegistryTimingScanTask", nil, &got)
	if diff := cmp.Diff(seedTimingScanTask(), got); diff != "" {
		t.Errorf("seeded task (-want +got):\n%s", diff)
	}
	raw, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Enable", "ScanTime", "ScanPeriod", "ScanType", "All", "Images", "Id", "Latest", "ScanEndTime",
		"RegistryType", "ContainerRunning", "ScanScope", "Namespace", "ExcludeImageAssetIds", "LastScanTime", "ScanResult", "RequestId"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("answer lacks %s", k)
		}
	}
	if !strings.Contains(string(fields["Images"]), `"Force":"false"`) {
		t.Errorf("Images = %s, want Force as a string", fields["Images"])
	}

	set := TimingScanTask{Enable: false, ScanTime: "03:00", ScanPeriod: 7, ScanType: []string{"CVE"}, ScanScope: 0, ScanResult: "InsufficientLicense"}
	s.SetTimingScanTask(set)
	got = TimingScanTask{}
	mustSend(t, c, "tcss", "DescribeImageRegistryTimingScanTask", nil, &got)
	if diff := cmp.Diff(set, got); diff != "" {
		t.Errorf("after SetTimingScanTask (-want +got):\n%s", diff)
	}

	_, err = send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", map[string]any{"Limit": 1})
	if got := codeOf(err); got != "UnknownParameter" {
		t.Errorf("with a parameter: code = %q, want UnknownParameter", got)
	}
}
