package huawei

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/transport"
	"github.com/cloudexport/cloudexport/provider"
)

// errorRule is one row of the error table. Empty fields match anything; the
// first matching row wins, so vendor-specific rows come before status rows.
type errorRule struct {
	Service    string        // ServiceHSS, ServiceROMA or "" for both
	Action     string        // SDK operation name or ""
	VendorCode string        // exact vendor code (case-insensitive) or ""
	Contains   string        // lower-case text the vendor code or message contains, or ""
	Status     int           // HTTP status or 0
	Code       provider.Code // the result
}

// errorRules maps a vendor answer to a provider.Code.
var errorRules = []errorRule{
	// Throttling: API Gateway (APIGW.0308 "The throttling threshold has been
	// reached", also spelled APIG.0308) and any code or message that says so.
	{VendorCode: "APIGW.0308", Code: provider.ResourceExhausted},
	{VendorCode: "APIG.0308", Code: provider.ResourceExhausted},
	{Contains: "throttl", Code: provider.ResourceExhausted},
	{Contains: "flow control", Code: provider.ResourceExhausted},
	{Contains: "too many requests", Code: provider.ResourceExhausted},
	{Contains: "over ratelimit", Code: provider.ResourceExhausted},

	// ROMA Connect allows one running asset job per instance. Its code for
	// the rejection is not documented (UNCONFIRMED), so the row matches the
	// text ("… already running …") whatever the code and status.
	{Service: ServiceROMA, Action: actionExportAsset, Contains: "running", Code: provider.FailedPrecondition},
	// An archive is served once: a rejected second download is a state problem.
	{Service: ServiceROMA, Action: actionDownloadAssetArchive, Status: http.StatusBadRequest, Code: provider.FailedPrecondition},
	{Service: ServiceROMA, Action: actionDownloadAssetArchive, Status: http.StatusGone, Code: provider.NotFound},
}

// codeFor applies the table; an answer no row names is coded by its HTTP
// status (transport.CodeForStatus), as on every cloud.
func codeFor(service, action string, status int, vendorCode, message string) provider.Code {
	text := strings.ToLower(vendorCode + " " + message)
	for _, r := range errorRules {
		if r.Service != "" && r.Service != service {
			continue
		}
		if r.Action != "" && r.Action != action {
			continue
		}
		if r.VendorCode != "" && !strings.EqualFold(r.VendorCode, vendorCode) {
			continue
		}
		if r.Contains != "" && !strings.Contains(text, r.Contains) {
			continue
		}
		if r.Status != 0 && r.Status != status {
			continue
		}
		return r.Code
	}
	if c := transport.CodeForStatus(status); c != provider.Unknown {
		return c
	}
	return provider.Internal
}

// vendorError is what an error body says.
type vendorError struct {
	Code, Message, Details, RequestID string
}

// parseVendorError reads an error body: error_code/error_msg, else
// code/message, else the same inside a nested object (e.g. {"error":{…}});
// error_details and request_id where present. A body that is not JSON
// becomes the message.
func parseVendorError(body []byte) vendorError {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return vendorError{Message: errs.Clip(strings.TrimSpace(string(body)))}
	}
	var v vendorError
	findError(m, &v, 0)
	if v.Code == "" && v.Message == "" && len(m) > 0 {
		v.Message = errs.Clip(strings.TrimSpace(string(body)))
	}
	return v
}

func findError(m map[string]any, v *vendorError, depth int) {
	str := func(k string) string {
		switch x := m[k].(type) {
		case string:
			return x
		case nil:
			return ""
		default:
			b, _ := json.Marshal(x)
			return string(b)
		}
	}
	if v.RequestID == "" {
		v.RequestID = str("request_id")
	}
	if v.Details == "" {
		v.Details = errs.Clip(str("error_details"))
	}
	if v.Code == "" && v.Message == "" {
		switch {
		case str("error_code") != "" || str("error_msg") != "":
			v.Code, v.Message = str("error_code"), str("error_msg")
		case str("code") != "" || str("message") != "":
			v.Code, v.Message = str("code"), str("message")
		}
	}
	if (v.Code != "" || v.Message != "") && v.RequestID != "" || depth >= 3 {
		return
	}
	// Prefer "error", then any other nested object, in key order.
	if inner, ok := m["error"].(map[string]any); ok {
		findError(inner, v, depth+1)
	}
	keys := make([]string, 0, len(m))
	for k, x := range m {
		if _, ok := x.(map[string]any); ok && k != "error" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v.Code != "" || v.Message != "" {
			return
		}
		findError(m[k].(map[string]any), v, depth+1)
	}
}

// mapError turns a non-2xx answer into a *provider.Error.
func mapError(service, action string, status int, h http.Header, body []byte) error {
	v := parseVendorError(body)
	reqID := v.RequestID
	if reqID == "" {
		reqID = h.Get("X-Request-Id")
	}
	msg := v.Message
	if v.Details != "" && v.Details != msg {
		if msg != "" {
			msg += ": "
		}
		msg += v.Details
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &provider.Error{
		Code:       codeFor(service, action, status, v.Code, msg),
		Provider:   Name,
		Service:    service,
		Action:     action,
		VendorCode: v.Code,
		Message:    msg,
		RequestID:  reqID,
		HTTPStatus: status,
	}
}
