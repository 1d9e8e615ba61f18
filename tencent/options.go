package tencent

import (
	"log/slog"
	"net/http"

	"github.com/cloudexport/cloudexport/provider"
)

// Options configures New. The zero value uses the SDK's default credential
// chain, the public endpoints over HTTPS, 20 requests per second per action
// and no logging; Region is still needed for CVM.
type Options struct {
	Region                     string               // e.g. "ap-guangzhou"; required for CVM, optional for TCSS
	SecretID, SecretKey, Token string               // "" = the SDK's default chain (env, profile, instance role)
	Endpoints                  map[string]string    // "tcss", "cvm" -> base URL such as "http://127.0.0.1:9000"
	HTTPClient                 *http.Client         // nil = a client of the SDK's own
	RateLimit                  float64              // requests per second per action; 0 = 20
	Logger                     *slog.Logger         // nil = no logging
	Retry                      provider.RetryPolicy // how throttled calls are retried; zero = provider.DefaultRetry
}
