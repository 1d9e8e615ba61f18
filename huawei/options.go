package huawei

import (
	"log/slog"
	"net/http"

	"github.com/cloudexport/cloudexport/provider"
)

// Options configures New. The zero value reads credentials from the SDK's
// providers (HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN / _PROJECT_ID, then
// the profile file); Region is required unless every endpoint is given.
type Options struct {
	Region                string               // e.g. "cn-north-4"
	ProjectID             string               // "" = HUAWEICLOUD_SDK_PROJECT_ID or the profile's project_id (beside its ak and sk)
	AK, SK, SecurityToken string               // "" = HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN, then the profile file
	EnterpriseProject     string               // default enterprise project for HSS calls; "" = the vendor's default
	ROMAInstanceID        string               // default ROMA Connect instance for asset exports
	Endpoints             map[string]string    // "hss", "roma" -> base URL such as "http://127.0.0.1:9000"
	HTTPClient            *http.Client         // its Transport and Timeout carry every call; nil = defaults; redirects are never followed
	RateLimit             float64              // requests per second per action; 0 = 20
	Limiter               provider.Limiter     // paces every call; nil = an in-process provider.NewRateLimiter(RateLimit)
	Locker                provider.Locker      // ROMA's one running job per instance; nil = a provider.NewLocalLocker() of this Provider; see "Assets"
	Logger                *slog.Logger         // nil = no logging
	Retry                 provider.RetryPolicy // how throttled calls are retried; zero = provider.DefaultRetry
}
