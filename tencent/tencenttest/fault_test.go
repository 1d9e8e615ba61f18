package tencenttest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudexport/cloudexport/rows"
)

// statusRecorder is a RoundTripper that remembers the last HTTP status.
type statusRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	status int
}

func (sr *statusRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := sr.next.RoundTrip(r)
	if err == nil {
		sr.mu.Lock()
		sr.status = resp.StatusCode
		sr.mu.Unlock()
	}
	return resp, err
}

func (sr *statusRecorder) last() int {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	return sr.status
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		want       string // vendor or SDK code of the first call
		wantStatus int
	}{
		{"throttle", Fault{Action: "DescribeImageRegistryTimingScanTask", Kind: Throttle}, "RequestLimitExceeded", 200},
		{"server error", Fault{Action: "DescribeImageRegistryTimingScanTask", Kind: ServerError}, "ClientError.ParseJsonError", 502},
		{"malformed", Fault{Action: "DescribeImageRegistryTimingScanTask", Kind: Malformed}, "ClientError.ParseJsonError", 200},
		{"any action", Fault{Kind: Throttle}, "RequestLimitExceeded", 200},
		{"slow", Fault{Kind: Slow, Delay: time.Millisecond}, "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t)
			rec := &statusRecorder{next: s.srv.Client().Transport}
			c := newClient(t, s, func(c *clientConfig) { c.transport = rec })
			s.Inject(Fault{Action: "CreateComponentExportJob", Kind: Throttle}) // another action: untouched
			s.Inject(tt.fault)
			_, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil)
			if got := codeOf(err); got != tt.want {
				t.Errorf("first call: code = %q, want %q (err %v)", got, tt.want, err)
			}
			if got := rec.last(); got != tt.wantStatus {
				t.Errorf("first call: HTTP status %d, want %d", got, tt.wantStatus)
			}
			if _, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil); err != nil {
				t.Errorf("second call: %v, want success (the fault applies once)", err)
			}
			if n := s.Requests(); n != 2 {
				t.Errorf("Requests() = %d, want 2", n)
			}
		})
	}
}

func TestFaultTimes(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	s.Inject(Fault{Action: "DescribeExportJobResult", Kind: Throttle, Times: 3})
	var codes []string
	for i := 0; i < 4; i++ {
		_, err := send(context.Background(), c, "tcss", "DescribeExportJobResult", map[string]any{"JobId": "x"})
		codes = append(codes, codeOf(err))
	}
	want := "RequestLimitExceeded RequestLimitExceeded RequestLimitExceeded InvalidParameterValue.DataNotFound"
	if got := strings.Join(codes, " "); got != want {
		t.Errorf("codes = %s, want %s", got, want)
	}
}

// TestSDKRetriesThrottledRequest checks that the SDK's own rate-limit retry,
// which re-sends the same signed request, passes the signature check.
func TestSDKRetriesThrottledRequest(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s, func(c *clientConfig) {
		c.profile = func(cpf *profile.ClientProfile) {
			cpf.RateLimitExceededMaxRetries = 2
			cpf.RateLimitExceededRetryDuration = profile.ConstantDurationFunc(time.Millisecond)
		}
	})
	s.Inject(Fault{Kind: Throttle, Times: 2})
	if _, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil); err != nil {
		t.Fatalf("after two throttled tries: %v, want success", err)
	}
	if n := s.Requests(); n != 3 {
		t.Errorf("Requests() = %d, want 3", n)
	}
}

func TestDownloadFaults(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	s.SetJobDuration(0)
	url := *waitJob(t, c, createJob(t, c, map[string]any{"ImageID": SeedImageID})).DownloadURL
	get := func() (int, []byte) {
		resp, err := s.srv.Client().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	s.Inject(Fault{Action: "Download", Kind: Throttle})
	if st, b := get(); st != http.StatusServiceUnavailable || !strings.Contains(string(b), "<Code>SlowDown</Code>") {
		t.Errorf("throttled download = %d %s, want 503 SlowDown", st, b)
	}
	s.Inject(Fault{Action: "Download", Kind: ServerError})
	if st, _ := get(); st != http.StatusBadGateway {
		t.Errorf("server error download = %d, want 502", st)
	}
	s.Inject(Fault{Action: "Download", Kind: Malformed})
	st, b := get()
	if st != http.StatusOK {
		t.Errorf("malformed download = %d, want 200", st)
	}
	if _, _, err := rows.ReadAll(bytes.NewReader(b), nil); err == nil {
		t.Errorf("malformed download read as a workbook, want a broken file")
	}
	if st, _ := get(); st != http.StatusOK {
		t.Errorf("download after the faults = %d, want 200", st)
	}
}

func TestSlowAnswerHonoursContext(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	s.Inject(Fault{Kind: Slow, Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := send(ctx, c, "tcss", "DescribeImageRegistryTimingScanTask", nil); err == nil {
		t.Fatal("a call slowed by an hour succeeded within its deadline")
	}

	s.SetLatency(time.Hour)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := send(ctx2, c, "tcss", "DescribeImageRegistryTimingScanTask", nil); err == nil {
		t.Fatal("a call delayed by an hour of latency succeeded within its deadline")
	}
}

// TestCloseEndsWaitingAnswers checks that Close does not wait out latency
// and leaves no goroutine of the server behind.
func TestCloseEndsWaitingAnswers(t *testing.T) {
	before := runtime.NumGoroutine()
	s := NewServer()
	c := newClient(t, s)
	mustSend(t, c, "tcss", "DescribeImageRegistryTimingScanTask", nil, nil)
	s.SetLatency(time.Hour)
	done := make(chan error, 1)
	go func() {
		_, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil)
		done <- err
	}()
	for s.Requests() < 2 {
		time.Sleep(time.Millisecond)
	}
	s.Close()
	if err := <-done; err == nil {
		t.Error("the waiting call succeeded, want an error after Close")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestConcurrentUse(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(20 * time.Millisecond)
	c := newClient(t, s)
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers*4)
	for w := 0; w < workers; w++ {
		w := w
		imgID := fmt.Sprintf("img-conc%04d", w)
		s.AddImage(Image{ImageID: imgID, OsName: "CentOS 8 64位"})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3; i++ {
				raw, err := send(context.Background(), c, "tcss", "CreateComponentExportJob", map[string]any{"ImageID": SeedImageID, "Limit": w + 1})
				if err != nil {
					errs <- err
					return
				}
				_ = raw
				if _, err := send(context.Background(), c, "cvm", "DescribeImages", map[string]any{"ImageIds": []string{imgID}}); err != nil {
					errs <- err
					return
				}
				s.Inject(Fault{Action: "DescribeNothing", Kind: Throttle})
				s.SetTimingScanTask(seedTimingScanTask())
				_, _ = s.ImageState(imgID)
				_ = s.BucketObjects(Bucket)
			}
			if _, err := send(context.Background(), c, "cvm", "ExportImages", map[string]any{"BucketName": Bucket, "ImageIds": []string{imgID}}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.Requests(); n != workers*7 {
		t.Errorf("Requests() = %d, want %d", n, workers*7)
	}
	deadline := time.Now().Add(10 * time.Second)
	for w := 0; w < workers; w++ {
		id := fmt.Sprintf("img-conc%04d", w)
		for {
			st, _ := s.ImageState(id)
			if st == ImageStateNormal {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("image %s is %s after 10s", id, st)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if n := len(s.BucketObjects(Bucket)); n != workers {
		t.Errorf("BucketObjects has %d objects, want %d", n, workers)
	}
}

func TestOptions(t *testing.T) {
	s := newTestServer(t)
	o := s.Options()
	id, key := s.Credentials()
	if o.Region != Region || o.SecretID != id || o.SecretKey != key || o.Token != "" {
		t.Errorf("Options region %q (want %q), secret id matches %v, secret key matches %v, token set %v; want the server's key pair and no token", o.Region, Region, o.SecretID == id, o.SecretKey == key, o.Token != "")
	}
	if o.Endpoints["tcss"] != s.URL() || o.Endpoints["cvm"] != s.URL() {
		t.Errorf("Options.Endpoints = %v, want tcss and cvm at %s", o.Endpoints, s.URL())
	}
	if o.HTTPClient == nil {
		t.Error("Options.HTTPClient is nil, want the server's client")
	}
	other := NewServer()
	defer other.Close()
	if oid, okey := other.Credentials(); oid == id || okey == key {
		t.Error("two servers share credentials, want fresh random ones")
	}
}

// BenchmarkSignedCall measures one signed API round trip through the SDK.
func BenchmarkSignedCall(b *testing.B) {
	s := NewServer()
	defer s.Close()
	c := newClient(b, s)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := send(context.Background(), c, "tcss", "DescribeImageRegistryTimingScanTask", nil); err != nil {
			b.Fatal(err)
		}
	}
}
