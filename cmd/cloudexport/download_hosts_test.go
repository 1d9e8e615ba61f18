package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
)

// TestDownloadHostRefused: a malformed host is exit 3 naming the flag,
// before any call, on export and on download.
func TestDownloadHostRefused(t *testing.T) {
	ts, hs := emulate(t)
	tok := strings.TrimSpace(cli(context.Background(), "export", "components", "--emulator").stdout)
	for _, tc := range []struct {
		flag, value, says string
	}{
		{"--download-host", "https://dl.example.com", "without the scheme"},
		{"--download-host", "dl.example.com/files", "without a path"},
		{"--download-host", "dl.example.com:443", "without a port"},
		{"--download-host", "203.0.113.7", "use --private-download-host 203.0.113.7"},
		{"--download-host", "localhost", "a single label"},
		{"--download-host", "*.com", "would allow a whole domain"},
		{"--download-host", "dl.*.com", "would allow a whole domain"},
		{"--download-host", "dl_1.example.com", `label "dl_1" holds a character`},
		{"--download-host", "-dl.example.com", "starts or ends with a hyphen"},
		{"--download-host", "dl..example.com", "is empty"},
		{"--download-host", "", "want a host name"},
		{"--private-download-host", "10.0.0.8:8080", "without a port"},
		{"--private-download-host", "http://10.0.0.8", "without the scheme"},
	} {
		for _, args := range [][]string{
			{"export", "components", "--emulator", tc.flag, tc.value, "--out", "-"},
			{"download", "--emulator", tok, tc.flag, tc.value, "--out", "-"},
		} {
			before := ts.Requests() + hs.Requests()
			r := cli(context.Background(), args...)
			if r.code != exitInvalid || !strings.Contains(r.stderr, tc.flag+" ") || !strings.Contains(r.stderr, tc.says) {
				t.Errorf("%q: exit %d, want %d naming %s and saying %q\n%s", args, r.code, exitInvalid, tc.flag, tc.says, r.stderr)
			}
			if after := ts.Requests() + hs.Requests(); after != before {
				t.Errorf("%q sent %d requests; want none", args, after-before)
			}
		}
	}
}

// TestPrivateDownloadHost: a Tencent endpoint reached by one name hands out
// links on another (here localhost and 127.0.0.1, as a private endpoint
// whose files come from an intranet domain would): the policy refuses them
// with exit 4 and a hint naming the flags, not credentials, and
// --private-download-host lets the download through.
func TestPrivateDownloadHost(t *testing.T) {
	ts, _ := emulate(t)
	t.Setenv(envTencentEmulator, strings.Replace(ts.URL(), "127.0.0.1", "localhost", 1))
	refused := cli(context.Background(), "export", "components", "--emulator", "--out", "-", "--interval", "10ms")
	if refused.code != exitAuth || !strings.Contains(refused.stderr, `download host "127.0.0.1"`) ||
		!strings.Contains(refused.stderr, "hint: the vendor's link is on a host not fetched from by default; if you trust it, add --download-host HOST, or --private-download-host HOST") {
		t.Errorf("without the flag: exit %d, want %d with the download hint\n%s", refused.code, exitAuth, refused.stderr)
	}
	if strings.Contains(refused.stderr, "SECRET") {
		t.Errorf("a credentials hint for a download host refused:\n%s", refused.stderr)
	}
	tok := tokenFrom(t, refused.stderr)
	for _, args := range [][]string{
		{"download", "--emulator", tok, "--private-download-host", "127.0.0.1", "--out", "-"},
		{"export", "components", "--emulator", "--private-download-host", "127.0.0.1", "--out", "-", "--interval", "10ms"},
	} {
		r := cli(context.Background(), args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "name,version,path,type,vul_count,image_id\nopenssl,") {
			t.Errorf("%q: exit %d, want the rows\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestDownloadHostsApply(t *testing.T) {
	h := downloadHosts{public: []string{"DL.Example.com."}, private: []string{"*.cos-internal.ap-guangzhou.tencentcos.cn", "[FD00::8]", "10.0.0.8"}}
	if err := h.check(); err != nil {
		t.Fatal(err)
	}
	var opts tencent.Options
	h.apply(&opts)
	if diff := cmp.Diff([]string{"dl.example.com"}, opts.DownloadHosts); diff != "" {
		t.Errorf("DownloadHosts (-want +got):\n%s", diff)
	}
	if opts.AllowDownload == nil {
		t.Fatal("AllowDownload not set for --private-download-host")
	}
	for raw, want := range map[string]bool{
		"https://bucket.cos-internal.ap-guangzhou.tencentcos.cn/x.xlsx": true,
		"http://bucket.cos-internal.ap-guangzhou.tencentcos.cn:8080/x":  true,
		"https://a.b.cos-internal.ap-guangzhou.tencentcos.cn/x":         false, // '*' is one label
		"https://cos-internal.ap-guangzhou.tencentcos.cn/x":             false,
		"https://10.0.0.8/x":       true,
		"https://[fd00::8]:9000/x": true,
		"https://10.0.0.9/x":       false,
		"ftp://10.0.0.8/x":         false,
		"https://dl.example.com/x": false, // public: DownloadHosts, not trusted
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := opts.AllowDownload(u); got != want {
			t.Errorf("AllowDownload(%s) = %v, want %v", raw, got, want)
		}
	}
	var none tencent.Options
	(&downloadHosts{}).apply(&none)
	if none.AllowDownload != nil || none.DownloadHosts != nil {
		t.Error("no flags changed the policy")
	}
}

func TestHints(t *testing.T) {
	t.Setenv(envTencentEmulator, "http://127.0.0.1:1")
	t.Setenv(envHuaweiEmulator, "")
	unreachable := &provider.Error{Code: provider.Unavailable, Provider: "tencent", Message: "could not reach the service"}
	denied := &provider.Error{Code: provider.PermissionDenied, Provider: "tencent", Action: "Download", Message: `File.URL: download host "x.example.com": not a vendor download host`}
	refused := &provider.Error{Code: provider.PermissionDenied, Provider: "huawei", Message: "the credentials were refused"}
	for _, tc := range []struct {
		name     string
		emulator bool
		opened   []string
		err      error
		want     []string
	}{
		{"unreachable cloud, emulator environment set", false, []string{"tencent"}, unreachable,
			[]string{envTencentEmulator + " is set: add --emulator to use that emulator"}},
		{"unreachable cloud, no emulator environment", false, []string{"huawei"}, unreachable, nil},
		{"unreachable under --emulator", true, []string{"tencent"}, unreachable, nil},
		{"download host refused", false, []string{"tencent"}, denied,
			[]string{"the vendor's link is on a host not fetched from by default; if you trust it, add --download-host HOST, or --private-download-host HOST for a private address (see --help)"}},
		{"download host refused under --emulator", true, []string{"tencent"}, denied,
			[]string{"the vendor's link is on a host not fetched from by default; if you trust it, add --download-host HOST, or --private-download-host HOST for a private address (see --help)"}},
		{"credentials refused", false, []string{"huawei"}, refused,
			[]string{"set " + envHuaweiAK + ", " + envHuaweiSK + " and " + envHuaweiProject + ", or use --emulator"}},
	} {
		a := &app{emulator: tc.emulator, opened: tc.opened}
		if diff := cmp.Diff(tc.want, a.hints(tc.err, exitCode(tc.err))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
