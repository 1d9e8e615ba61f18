package main

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"github.com/cloudexport/cloudexport/internal/safehttp"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
)

// downloadHosts are the --download-host and --private-download-host values:
// where, besides the vendor's documented download domains, a result file
// may be fetched from. They configure the Tencent adapter's download policy
// (tencent.Options.DownloadHosts and AllowDownload); Huawei serves its
// files from its API endpoint and has no such policy.
type downloadHosts struct {
	public  []string // host patterns, https at public addresses
	private []string // host patterns or IP addresses, trusted like an endpoint
}

const downloadHostsHelp = `Tencent hands out download links on its COS domains (*.cos.<region>.myqcloud.com,
*.cos.<region>.tencentcos.cn, ...), the only hosts fetched from by default.
--download-host HOST adds a host name fetched over https at a public address
('*' stands for one DNS label: '*.files.example.com'); --private-download-host
HOST adds a name or an IP address trusted at any address, over http or https,
for COS's intranet domain or a private mirror. Both are repeatable; Huawei
serves its files from its API endpoint and needs neither.`

func (h *downloadHosts) add(fs *pflag.FlagSet) {
	fs.StringArrayVar(&h.public, "download-host", nil, "also download from `HOST` over https, e.g. 'dl.example.com' or '*.files.example.com' (Tencent; repeatable)")
	fs.StringArrayVar(&h.private, "private-download-host", nil, "also download from `HOST` at a private address, e.g. '*.cos-internal.ap-guangzhou.tencentcos.cn' or 10.0.0.8 (Tencent; repeatable)")
}

// check validates the values before any call and lower-cases them.
func (h *downloadHosts) check() error {
	for i, p := range h.public {
		v, err := checkHostPattern("--download-host", p, false)
		if err != nil {
			return err
		}
		h.public[i] = v
	}
	for i, p := range h.private {
		v, err := checkHostPattern("--private-download-host", p, true)
		if err != nil {
			return err
		}
		h.private[i] = v
	}
	return nil
}

func (h *downloadHosts) given() bool { return len(h.public)+len(h.private) > 0 }

// apply sets the Tencent adapter's download policy.
func (h *downloadHosts) apply(opts *tencent.Options) {
	opts.DownloadHosts = append(opts.DownloadHosts, h.public...)
	if len(h.private) > 0 {
		opts.AllowDownload = h.allow
	}
}

// allow reports whether u's host is one of the private download hosts.
func (h *downloadHosts) allow(u *url.URL) bool {
	if s := strings.ToLower(u.Scheme); s != "https" && s != "http" {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, p := range h.private {
		if matchHostPattern(p, host) {
			return true
		}
	}
	return false
}

// matchHostPattern reports whether host matches pattern: an IP address
// equal to it, or as many DNS labels, each equal or "*".
func matchHostPattern(pattern, host string) bool {
	if pa, err := netip.ParseAddr(pattern); err == nil {
		ha, err := netip.ParseAddr(host)
		return err == nil && pa.Unmap() == ha.Unmap()
	}
	return safehttp.MatchHost(pattern, host)
}

// checkHostPattern checks one host pattern: one the download policy can
// match (safehttp.PatternProblem), and stricter than the library asks,
// since a flag is typed by hand: at least two labels, each letters, digits
// and inner hyphens (no '_'); with ipOK, an IP address too. It returns the
// pattern lower-cased.
func checkHostPattern(flag, s string, ipOK bool) (string, error) {
	p := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if ipOK && strings.HasPrefix(p, "[") && strings.HasSuffix(p, "]") {
		p = p[1 : len(p)-1] // an IPv6 address as written in a URL
	}
	want := `want a host name such as files.example.com, '*' standing for one label (*.cos.ap-guangzhou.myqcloud.com)`
	if ipOK {
		want += ", or an IP address"
	}
	if _, err := netip.ParseAddr(p); err == nil {
		if ipOK {
			return p, nil
		}
		return "", invalidf("%s %q: an IP address is never a public download host; use --private-download-host %s to trust it", flag, s, p)
	}
	if why := safehttp.PatternProblem(p); why != "" {
		return "", invalidf("%s %q: %s; %s", flag, s, why, want)
	}
	labels := strings.Split(p, ".")
	if len(labels) < 2 {
		return "", invalidf("%s %q: a single label; %s", flag, s, want)
	}
	for _, l := range labels {
		if l == "*" {
			continue // PatternProblem has placed it
		}
		if err := checkLabel(l); err != nil {
			return "", invalidf("%s %q: label %q %v; %s", flag, s, l, err, want)
		}
	}
	return p, nil
}

func checkLabel(l string) error {
	if l == "" || len(l) > 63 {
		return errors.New("is empty or longer than 63 characters")
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return errors.New("starts or ends with a hyphen")
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return errors.New("holds a character other than a letter, digit or hyphen")
		}
	}
	return nil
}

// isDownloadDenied reports whether err is the download policy refusing a
// vendor's link (not credentials refused), so the hint names the flags.
func isDownloadDenied(err error) bool {
	var pe *provider.Error
	return errors.As(err, &pe) && pe.Code == provider.PermissionDenied && strings.Contains(pe.Message, "download host ")
}
