package huaweitest

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoute(t *testing.T) {
	cases := []struct {
		method, path string
		want         call // without body, r and reqID
		known        bool
	}{
		{"POST", "/v5/p1/container/export-task", call{op: "ExportContainerList", svc: hss, method: "POST", project: "p1"}, true},
		{"GET", "/v5/p1/export-task/t1", call{op: "ListQueryExportTask", svc: hss, method: "GET", project: "p1", id: "t1"}, true},
		{"GET", "/v5/p1/download/f1", call{op: "ListDownloadExportedFile", svc: hss, method: "GET", project: "p1", id: "f1"}, true},
		{"GET", "/v5/p1/image/scanner-policies", call{op: "ListImageScanPolicy", svc: hss, method: "GET", project: "p1"}, true},
		{"GET", "/v5/p1/image/tasks", call{op: "ListImageScanTask", svc: hss, method: "GET", project: "p1"}, true},
		{"GET", "/v5/p1/vulnerability/scan-policy", call{op: "ShowVulScanPolicy", svc: hss, method: "GET", project: "p1"}, true},
		{"POST", "/v2/p1/instances/i1/assets/export", call{op: "ExportAsset", svc: roma, method: "POST", project: "p1", instance: "i1"}, true},
		{"GET", "/v2/p1/instances/i1/assets/jobs/j1", call{op: "CheckAssetJobStatus", svc: roma, method: "GET", project: "p1", instance: "i1", id: "j1"}, true},
		{"GET", "/v2/p1/instances/i1/assets/archives/a1", call{op: "DownloadAssetArchive", svc: roma, method: "GET", project: "p1", instance: "i1", id: "a1"}, true},
		{"GET", "/v5/p1/export-task/t1/", call{op: "ListQueryExportTask", svc: hss, method: "GET", project: "p1", id: "t1"}, true},
		{"DELETE", "/v5/p1/export-task/t1", call{svc: hss, method: "DELETE"}, false},
		{"GET", "/v5/p1/export-task", call{svc: hss, method: "GET"}, false},
		{"GET", "/v5//export-task/t1", call{svc: hss, method: "GET"}, false},
		{"GET", "/v2/p1/instances//assets/jobs/j1", call{svc: roma, method: "GET"}, false},
		{"GET", "/v2/p1/instances/i1/assets/jobs/j1/x", call{svc: roma, method: "GET"}, false},
		{"GET", "/", call{svc: hss, method: "GET"}, false},
	}
	for _, c := range cases {
		got, handle := route(c.method, c.path)
		if (handle != nil) != c.known {
			t.Errorf("%s %s: handler found %t, want %t", c.method, c.path, handle != nil, c.known)
		}
		if d := cmp.Diff(c.want, got, cmp.AllowUnexported(call{}), cmp.Comparer(func(a, b *http.Request) bool { return a == b })); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", c.method, c.path, d)
		}
	}
}

func TestUnknownIDs(t *testing.T) {
	s := newTestServer(t)
	for _, c := range []struct{ path, code string }{
		{hssPath(s, "/export-task/nope"), "HSS.1004"},
		{hssPath(s, "/download/nope"), "HSS.1004"},
		{romaPath(s, "/assets/jobs/nope"), "ROMA.00110006"},
		{romaPath(s, "/assets/archives/nope"), "ROMA.00110006"},
	} {
		a := mustDo(t, s, raw{method: "GET", path: c.path})
		if a.status != 404 || a.str("error_code") != c.code {
			t.Errorf("%s: %d %s, want 404 %s", c.path, a.status, a.body, c.code)
		}
	}
}
