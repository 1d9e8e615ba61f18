package huaweitest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Signature constants of the SDK's basic AK/SK signer
// (core/auth/signer/signer.go).
const (
	sdkDateHeader   = "X-Sdk-Date"
	sdkDateLayout   = "20060102T150405Z"
	sdkAlgorithm    = "SDK-HMAC-SHA256"
	contentSHA256   = "X-Sdk-Content-Sha256"
	maxClockSkew    = 15 * time.Minute
	authErrorPrefix = "Incorrect IAM authentication information: "
)

// authenticate verifies the request's X-Sdk-Date and SDK-HMAC-SHA256
// Authorization header against the server's AK/SK, recomputing the signature
// the way the SDK's signer computes it. The error never contains the SK or
// the signature.
func (s *Server) authenticate(r *http.Request, body []byte, now time.Time) *apiError {
	fail := func(msg string) *apiError {
		return errorf(http.StatusUnauthorized, codeAuth, authErrorPrefix+"%s", msg)
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return fail("the Authorization header is missing")
	}
	ak, signed, sig, ok := parseAuthorization(auth)
	if !ok {
		return fail("the Authorization header is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...")
	}
	if ak != s.ak {
		return fail("Get secretKey failed,ak:" + ak + ",err:ak not exist")
	}
	date := r.Header.Get(sdkDateHeader)
	t, err := time.Parse(sdkDateLayout, date)
	if err != nil {
		return fail("X-Sdk-Date is missing or not in the form 20060102T150405Z")
	}
	if d := now.Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return fail("X-Sdk-Date is more than 15 minutes away from the server time")
	}
	if !containsFold(signed, strings.ToLower(sdkDateHeader)) {
		return fail("X-Sdk-Date is not signed")
	}
	want := signature(s.sk, r, body, signed, date)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(sig))) {
		return fail("verify aksk signature fail")
	}
	return nil
}

// parseAuthorization splits
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(h string) (ak string, signed []string, sig string, ok bool) {
	rest, found := strings.CutPrefix(h, sdkAlgorithm+" ")
	if !found {
		return "", nil, "", false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", nil, "", false
		}
		switch k {
		case "Access":
			ak = v
		case "SignedHeaders":
			signed = strings.Split(v, ";")
		case "Signature":
			sig = v
		}
	}
	return ak, signed, sig, ak != "" && len(signed) > 0 && sig != ""
}

// signature recomputes the SDK signer's signature for r: HMAC-SHA256 with
// the raw SK over "SDK-HMAC-SHA256\n<date>\n<hex sha256(canonical request)>".
func signature(sk string, r *http.Request, body []byte, signed []string, date string) string {
	cr := canonicalRequest(r, body, signed)
	sum := sha256.Sum256([]byte(cr))
	sts := sdkAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(sts))
	return hex.EncodeToString(mac.Sum(nil))
}

// canonicalRequest is method, URI with a trailing slash, sorted query,
// signed headers ("name:value\n" each), the signed-header list and the
// payload hash, joined by "\n".
func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	segs := strings.Split(r.URL.Path, "/")
	for i, p := range segs {
		segs[i] = escape(p)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}

	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}

	var hdrs []string
	for _, name := range signed {
		var vals []string
		if name == "host" {
			vals = []string{r.Host}
		} else {
			vals = append(vals, r.Header.Values(name)...)
		}
		sort.Strings(vals)
		for _, v := range vals {
			hdrs = append(hdrs, name+":"+strings.TrimSpace(v))
		}
	}

	payload := r.Header.Get(contentSHA256)
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	return strings.Join([]string{
		r.Method,
		uri,
		strings.Join(pairs, "&"),
		strings.Join(hdrs, "\n") + "\n",
		strings.Join(signed, ";"),
		payload,
	}, "\n")
}

// escape percent-encodes everything except A-Z a-z 0-9 - _ . ~, with
// upper-case hex, as the SDK signer does.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		const hexdig = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
