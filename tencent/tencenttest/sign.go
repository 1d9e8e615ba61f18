package tencenttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxSkew is how far X-TC-Timestamp may be from the server's clock.
const maxSkew = 5 * time.Minute

// authenticate checks the TC3-HMAC-SHA256 Authorization header the way the
// API gateway does and returns the product named in the credential scope.
//
// Checks, in order: header shape (AuthFailure.InvalidAuthorization),
// timestamp within 5 minutes and on the scope's date
// (AuthFailure.SignatureExpire), SecretId known (AuthFailure.SecretIdNotFound),
// signature (AuthFailure.SignatureFailure), session token
// (AuthFailure.TokenFailure).
func (s *Server) authenticate(r *http.Request, body []byte) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	const algorithm = "TC3-HMAC-SHA256"
	rest, ok := strings.CutPrefix(auth, algorithm+" ")
	if !ok {
		return "", errorf("AuthFailure.InvalidAuthorization", "the Authorization header must use %s", algorithm)
	}
	var credScope, signedHeaders, signature string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", errorf("AuthFailure.InvalidAuthorization", "the Authorization header is malformed")
		}
		switch k {
		case "Credential":
			credScope = v
		case "SignedHeaders":
			signedHeaders = v
		case "Signature":
			signature = v
		}
	}
	// Credential=<SecretId>/<date>/<service>/tc3_request
	parts := strings.Split(credScope, "/")
	if len(parts) != 4 || parts[3] != "tc3_request" || parts[0] == "" || parts[2] == "" || signature == "" {
		return "", errorf("AuthFailure.InvalidAuthorization", "the Authorization header must carry Credential=<SecretId>/<date>/<service>/tc3_request and a Signature")
	}
	secretID, date, product := parts[0], parts[1], parts[2]
	headers := strings.Split(signedHeaders, ";")
	if len(headers) == 0 || !slices.Contains(headers, "content-type") || !slices.Contains(headers, "host") {
		return "", errorf("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type and host")
	}

	tsText := r.Header.Get("X-TC-Timestamp")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return "", errorf("MissingParameter", "the request is missing a valid X-TC-Timestamp header")
	}
	t := time.Unix(ts, 0)
	s.mu.Lock()
	now := s.clock()
	s.mu.Unlock()
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return "", errorf("AuthFailure.SignatureExpire", "the request timestamp differs from the server time by more than 5 minutes")
	}
	if t.UTC().Format("2006-01-02") != date {
		return "", errorf("AuthFailure.SignatureFailure", "the credential scope date does not match X-TC-Timestamp")
	}

	s.mu.Lock()
	cred, known := s.keys[secretID]
	s.mu.Unlock()
	if !known {
		return "", errorf("AuthFailure.SecretIdNotFound", "the SecretId is not found, please ensure that your SecretId is correct")
	}

	// Canonical request: method, "/", query (empty for POST), headers, signed
	// header names, hashed payload.
	var canonHeaders strings.Builder
	for _, h := range headers {
		var v string
		if h == "host" {
			v = r.Host
		} else {
			v = r.Header.Get(h)
		}
		canonHeaders.WriteString(h + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	payloadHash := sha256Hex(body)
	if r.Header.Get("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD" {
		payloadHash = sha256Hex([]byte("UNSIGNED-PAYLOAD"))
	}
	canonical := strings.Join([]string{r.Method, "/", r.URL.RawQuery, canonHeaders.String(), signedHeaders, payloadHash}, "\n")
	stringToSign := algorithm + "\n" + tsText + "\n" + date + "/" + product + "/tc3_request\n" + sha256Hex([]byte(canonical))
	kDate := hmacSHA256([]byte("TC3"+cred.key), date)
	kService := hmacSHA256(kDate, product)
	kSigning := hmacSHA256(kService, "tc3_request")
	want := hex.EncodeToString(hmacSHA256(kSigning, stringToSign))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(signature))) {
		return "", errorf("AuthFailure.SignatureFailure", "the provided credentials could not be validated; please check your signature is correct")
	}

	token := r.Header.Get("X-TC-Token")
	if token != cred.token {
		return "", errorf("AuthFailure.TokenFailure", "the session token is missing, wrong or not expected for this SecretId")
	}
	return product, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
