package huaweitest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name   string
		fault  Fault
		req    func(s *Server) raw
		status int
		code   string
		msg    string
	}{
		{name: "throttle HSS", fault: Fault{Action: "ExportContainerList", Kind: Throttle},
			req: func(s *Server) raw {
				return raw{method: "POST", path: hssPath(s, "/container/export-task"), body: `{"export_headers":[["container_id","ID"]]}`}
			},
			status: 429, code: "APIGW.0308", msg: "The throttling threshold has been reached"},
		{name: "throttle ROMA", fault: Fault{Action: "CheckAssetJobStatus", Kind: Throttle},
			req:    func(s *Server) raw { return raw{method: "GET", path: romaPath(s, "/assets/jobs/x")} },
			status: 429, code: "APIGW.0308", msg: "throttling"},
		{name: "throttle any action", fault: Fault{Kind: Throttle},
			req:    func(s *Server) raw { return raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy")} },
			status: 429, code: "APIGW.0308"},
		{name: "throttle even a badly signed request", fault: Fault{Kind: Throttle},
			req: func(s *Server) raw {
				return raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy"), sk: "wrong"}
			},
			status: 429, code: "APIGW.0308"},
		{name: "server error HSS", fault: Fault{Action: "ListQueryExportTask", Kind: ServerError},
			req:    func(s *Server) raw { return raw{method: "GET", path: hssPath(s, "/export-task/x")} },
			status: 500, code: "HSS.1000"},
		{name: "server error ROMA", fault: Fault{Action: "DownloadAssetArchive", Kind: ServerError},
			req:    func(s *Server) raw { return raw{method: "GET", path: romaPath(s, "/assets/archives/x")} },
			status: 500, code: "ROMA.00000500"},
		{name: "malformed", fault: Fault{Action: "ShowVulScanPolicy", Kind: Malformed},
			req:    func(s *Server) raw { return raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy")} },
			status: 200},
		{name: "short slow answer", fault: Fault{Action: "ListImageScanPolicy", Kind: Slow, Delay: 5 * time.Millisecond},
			req: func(s *Server) raw {
				return raw{method: "GET", path: hssPath(s, "/image/scanner-policies"), query: url.Values{"type": {"cycle"}}}
			},
			status: 200},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t)
			s.Inject(tt.fault)
			a := mustDo(t, s, tt.req(s))
			if a.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", a.status, tt.status, a.body)
			}
			if a.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			switch {
			case tt.fault.Kind == Malformed:
				if json.Valid(a.body) {
					t.Errorf("body %s is valid JSON", a.body)
				}
			case tt.code != "":
				if a.str("error_code") != tt.code || !strings.Contains(a.str("error_msg"), tt.msg) {
					t.Errorf("body = %s, want %s %q", a.body, tt.code, tt.msg)
				}
			}
			// The fault was used up: the same request now gets past it.
			if b := mustDo(t, s, tt.req(s)); b.status == tt.status && b.str("error_code") == tt.code && tt.code != "" {
				t.Errorf("fault applied twice: %s", b.body)
			}
		})
	}
}

func TestFaultTimesAndAction(t *testing.T) {
	s := newTestServer(t)
	s.Inject(Fault{Action: "ShowVulScanPolicy", Kind: ServerError, Times: 2})
	vul := raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy")}
	other := raw{method: "GET", path: hssPath(s, "/image/scanner-policies"), query: url.Values{"type": {"cycle"}}}
	var got []int
	for _, r := range []raw{other, vul, other, vul, vul} {
		got = append(got, mustDo(t, s, r).status)
	}
	want := []int{200, 500, 200, 500, 200}
	if !equalInts(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if n := s.Requests(); n != 5 {
		t.Errorf("Requests() = %d, want 5", n)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSlowHonoursContext checks that a Slow fault or latency ends when the
// caller gives up, and that Close then returns with no handler left behind.
func TestSlowHonoursContext(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *Server)
	}{
		{name: "Slow fault", setup: func(s *Server) { s.Inject(Fault{Kind: Slow, Delay: time.Hour}) }},
		{name: "latency", setup: func(s *Server) { s.SetLatency(time.Hour) }},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer()
			tt.setup(s)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			_, err := do(t, s, raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy"), ctx: ctx})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want context.DeadlineExceeded", err)
			}
			s.Close() // would block for an hour if the handler ignored r.Context()
		})
	}
}

// TestConcurrentUse exercises every route at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(0)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := 0; i < 8; i++ {
		i := i
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%4 == 0 {
				s.SetContainers(s.Containers())
				s.SetROMAStatusStyle(i%8 == 0)
			}
			a, err := do(t, s, raw{method: "POST", path: hssPath(s, "/container/export-task"), body: `{"export_headers":[["container_id","ID"]]}`})
			if err != nil || a.status != 200 {
				errs <- "export"
				return
			}
			tk, err := do(t, s, raw{method: "GET", path: hssPath(s, "/export-task/"+a.str("task_id"))})
			if err != nil || tk.str("task_status") != "success" {
				errs <- "task"
				return
			}
			if f, err := do(t, s, raw{method: "GET", path: hssPath(s, "/download/"+tk.str("file_id"))}); err != nil || f.status != 200 {
				errs <- "download"
			}
			for _, p := range []string{"/vulnerability/scan-policy", "/image/tasks?type=image_scan"} {
				u, _ := url.Parse(p)
				if r, err := do(t, s, raw{method: "GET", path: hssPath(s, u.Path), query: u.Query()}); err != nil || r.status != 200 {
					errs <- p
				}
			}
			// ROMA jobs end at once, so exports may race but each gets 200 or 409.
			j, err := do(t, s, raw{method: "POST", path: romaPath(s, "/assets/export"), body: `{"apps":[{"id":"app-crm-0002"}],"tasks":[]}`})
			if err != nil || (j.status != 200 && j.status != http.StatusConflict) {
				errs <- "export asset"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent %s failed", e)
	}
}

// TestNoGoroutinesAfterClose checks that a closed server leaves nothing running.
func TestNoGoroutinesAfterClose(t *testing.T) {
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	s := NewServer()
	s.SetJobDuration(0)
	for i := 0; i < 3; i++ {
		mustDo(t, s, raw{method: "POST", path: romaPath(s, "/assets/export"), body: `{"apps":[{"id":"app-crm-0002"}],"tasks":[]}`})
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.SetLatency(time.Hour)
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	_, _ = do(t, s, raw{method: "GET", path: hssPath(s, "/vulnerability/scan-policy"), ctx: ctx})
	s.Close()
	http.DefaultClient.CloseIdleConnections()
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}
