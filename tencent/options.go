package tencent

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/cloudexport/cloudexport/provider"
)

// Options configures New. The zero value uses the SDK's default credential
// chain, the public endpoints over HTTPS, 20 requests per second per action
// and no logging; Region is still needed for CVM.
type Options struct {
	Region                     string               // e.g. "ap-guangzhou"; required for CVM, optional for TCSS
	SecretID, SecretKey, Token string               // "" = the SDK's default chain (env, profile, instance role)
	Endpoints                  map[string]string    // "tcss", "cvm", "cwp" -> base URL such as "http://127.0.0.1:9000"
	HTTPClient                 *http.Client         // its Transport and Timeout carry every call; nil = defaults; redirects are never followed
	RateLimit                  float64              // requests per second per action; 0 = 20
	Limiter                    provider.Limiter     // paces every call; nil = an in-process provider.NewRateLimiter(RateLimit)
	Logger                     *slog.Logger         // nil = no logging
	Retry                      provider.RetryPolicy // how throttled calls are retried; zero = provider.DefaultRetry

	// DownloadHosts adds host patterns ("*" stands for one DNS label, e.g.
	// "*.cos.ap-guangzhou.myqcloud.com" or "files.example.com") from which
	// Download may fetch a vendor-given URL over https, besides the COS
	// domains TCSS and CWP hand out (see the package doc, Downloads). New
	// refuses an entry with a scheme, port or path, an IP address, or "*"
	// in the last two labels.
	DownloadHosts []string

	// AllowDownload, if set, is asked about a vendor-given URL the download
	// policy refuses (a proxy, a private mirror or domain, COS's intranet
	// domain); true fetches it over any scheme and lets it connect to any
	// address, private ones included. It must not block: it is also asked
	// with a URL holding only a scheme and host when a connection is dialled.
	AllowDownload func(u *url.URL) bool
}
