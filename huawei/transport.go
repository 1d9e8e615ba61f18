package huawei

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/cloudexport/cloudexport/internal/safehttp"
	"github.com/cloudexport/cloudexport/internal/transport"
	"github.com/cloudexport/cloudexport/provider"
)

// userAgent is sent (and signed) with every request.
const userAgent = "cloudexport-go (huaweicloud-usdk-go/3.0)"

const (
	contentJSON     = "application/json"
	contentJSONUTF8 = "application/json;charset=UTF-8"
	maxErrorBody    = 64 << 10
)

// call is one vendor request.
type call struct {
	service     string     // ServiceHSS or ServiceROMA
	action      string     // the SDK operation name, e.g. "ExportContainerList"
	method      string     // GET, POST
	project     string     // the project the path and X-Project-Id name
	path        string     // with every path parameter filled in, unescaped (ids pass checkID)
	query       url.Values // one value per key
	body        string     // JSON body; "" for none
	contentType string     // "" = application/json
	file        bool       // the answer is a file: streamed, capped at safehttp.MaxDownload
}

// send signs and sends c through the attempt loop, and returns the 2xx
// response or a mapped error. A file call's body streams (the caller closes
// it); any other answer is read whole, at most safehttp.MaxAnswer
// decompressed, inside the attempt, so that an answer over the cap, cut
// short or corrupt fails the attempt as the loop classifies and retries it,
// and its body is returned already closed. A cancelled ctx returns
// ctx.Err() itself.
func (p *Provider) send(ctx context.Context, c call) (*http.Response, []byte, error) {
	var resp *http.Response
	var body []byte
	err := p.loop.Do(ctx, c.service, c.action, func(ctx context.Context) error {
		if c.file {
			ctx = transport.Streamed(ctx)
		}
		req, err := p.signedRequest(ctx, c)
		if err != nil {
			return err
		}
		r, err := p.client.Do(req)
		if err != nil {
			return err
		}
		if r.StatusCode >= 200 && r.StatusCode < 300 {
			if c.file {
				resp = r
				return nil
			}
			defer r.Body.Close()
			b, err := transport.ReadBody(r, safehttp.MaxAnswer)
			if err != nil {
				var e *provider.Error
				if errors.As(err, &e) || ctx.Err() != nil {
					return err // over the cap, cut short or corrupt; or ctx ended
				}
				return &provider.Error{Code: provider.Unavailable, Message: "reading the answer failed", Err: err}
			}
			resp, body = r, b
			return nil
		}
		defer r.Body.Close()
		// A body cut short by a cancelled ctx does not matter: the loop
		// reports ctx.Err().
		b, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorBody))
		return mapError(c.service, c.action, r.StatusCode, r.Header, b)
	})
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

// signedRequest builds c as an SDK request, lets the SDK's credentials add
// X-Project-Id, X-Security-Token, X-Sdk-Date and the SDK-HMAC-SHA256
// Authorization header, and converts it to an *http.Request bound to ctx.
func (p *Provider) signedRequest(ctx context.Context, c call) (*http.Request, error) {
	signed, err := p.sign(c)
	if err != nil {
		return nil, err
	}
	return newHTTPRequest(ctx, p.endpoints[c.service], c, signed.GetHeaderParams()), nil
}

// sign builds c as an SDK request and has the SDK's credentials sign it.
func (p *Provider) sign(c call) (*request.DefaultHttpRequest, error) {
	base := p.endpoints[c.service]
	ct := c.contentType
	if ct == "" {
		ct = contentJSON
	}
	b := request.NewHttpRequestBuilder().
		WithEndpoint(base.origin).
		WithPath(base.path+c.path).
		WithMethod(c.method).
		WithSigningAlgorithm(algorithm.HmacSHA256).
		AddHeaderParam("Content-Type", ct).
		AddHeaderParam("User-Agent", userAgent)
	// The builder keeps query parameters in a map and the signer sorts
	// them, so they are added in any order. The SDK's signer canonicalises
	// query values held as reflect.Value.
	for k, v := range c.query {
		if len(v) > 0 {
			b.AddQueryParam(k, reflect.ValueOf(v[0]))
		}
	}
	if c.body != "" {
		// A string body is signed and sent byte for byte.
		b.WithBody("", c.body)
	}
	cred := p.cred
	if c.project != cred.ProjectId {
		other := *p.cred
		other.ProjectId = c.project
		cred = &other
	}
	signed, err := cred.ProcessAuthRequest(nil, b.Build())
	if err != nil {
		return nil, &provider.Error{Code: provider.Internal, Provider: Name, Service: c.service, Action: c.action, Message: "signing the request failed", Err: errors.New(redact(err.Error(), p.cred.SK))}
	}
	return signed, nil
}

// newHTTPRequest is the request the SDK's DefaultHttpRequest.ConvertRequest
// builds for c once signed (headers are the signed request's), bound to
// ctx: the same method, URL, headers and body, byte for byte
// (TestHTTPRequestIsSDKs), built directly. ConvertRequest re-reads the
// body and query through reflection and fmt and parses the URL again; it
// was an eighth of a create's own work.
func newHTTPRequest(ctx context.Context, base endpoint, c call, headers map[string]string) *http.Request {
	u := &url.URL{Scheme: base.scheme, Host: removeEmptyPort(base.host), Path: base.path + c.path, RawQuery: sdkQuery(c.query)}
	// h.Add for each header, with the values in one allocation.
	h := make(http.Header, len(headers))
	vals := make([]string, 0, len(headers))
	for k, v := range headers {
		k = http.CanonicalHeaderKey(k)
		if prev, ok := h[k]; ok {
			h[k] = append(prev, v)
			continue
		}
		vals = append(vals, v)
		h[k] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	var body io.ReadCloser = http.NoBody
	if c.body != "" {
		body = io.NopCloser(strings.NewReader(c.body))
	}
	req := &http.Request{Method: c.method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: body, ContentLength: int64(len(c.body)), Host: u.Host}
	if c.body != "" {
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(c.body)), nil }
	} else {
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
	}
	return req.WithContext(ctx)
}

// removeEmptyPort drops the ":" of a host given with an empty port, as
// http.NewRequest does.
func removeEmptyPort(host string) string {
	if strings.LastIndexByte(host, ':') > strings.LastIndexByte(host, ']') {
		return strings.TrimSuffix(host, ":")
	}
	return host
}

// sdkQuery encodes q's first values as the SDK's fillQueryParams does:
// url.Values.Encode, then without the "=" of an empty value and with a
// space as %20.
func sdkQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	for _, v := range q {
		if len(v) != 1 {
			first := make(url.Values, len(q))
			for k, v := range q {
				if len(v) > 0 {
					first[k] = v[:1]
				}
			}
			q = first
			break
		}
	}
	s := q.Encode()
	return strings.ReplaceAll(strings.ReplaceAll(strings.Trim(s, "="), "=&", "&"), "+", "%20")
}

// callJSON sends c and decodes the JSON answer into out.
func (p *Provider) callJSON(ctx context.Context, c call, out any) error {
	resp, body, err := p.send(ctx, c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &provider.Error{Code: provider.Internal, Provider: Name, Service: c.service, Action: c.action,
			HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"),
			Message: fmt.Sprintf("malformed answer (%d bytes): %v", len(body), err)}
	}
	return nil
}

// jsonBody encodes v as the SDK does, without HTML escaping, but with no
// trailing newline: the bytes json.Marshal gives for any v without <, > or
// &. The newline the SDK's encoder adds carries nothing, and a body one
// byte longer can cost the server's reader a larger buffer.
func jsonBody(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", &provider.Error{Code: provider.Internal, Provider: Name, Message: "encoding the request body failed", Err: err}
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// redact removes secret from s.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}
