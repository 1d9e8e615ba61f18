package tencenttest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudexport/cloudexport/internal/emulator"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
)

// Region is the region the emulator's CVM images live in and the region
// Options returns.
const Region = "ap-guangzhou"

// The API versions the emulator serves, one per service.
const (
	TCSSVersion = "2020-11-01"
	CVMVersion  = "2017-03-12"
)

// maxBody is the largest request body the emulator reads (the real gateway
// allows 10 MB for JSON requests).
const maxBody = 10 << 20

// Fault is one injected fault; see Server.Inject.
type Fault = emulator.Fault

// The kinds of fault Server.Inject understands. How each looks on the wire
// is described in the package documentation.
const (
	Throttle    = emulator.Throttle
	ServerError = emulator.ServerError
	Malformed   = emulator.Malformed
	Slow        = emulator.Slow
)

// Server is a running emulator. Create it with NewServer and stop it with
// Close. All methods are safe for concurrent use.
//
// The embedded emulator.Base provides Requests, SetLatency, SetJobDuration,
// FailJobs, Inject and LastRequest, and SetRateLimit and Throttled: with
// SetRateLimit(20) the server enforces TCSS's documented 20 requests per
// second per action strictly, answering RequestLimitExceeded (HTTP 200) as
// the Throttle fault does.
type Server struct {
	emulator.Base

	srv     *httptest.Server
	closing context.Context // done once Close starts
	stop    context.CancelFunc

	mu sync.Mutex
	// clock is the server's idea of now for signature timestamps; tests
	// inside the package move it to provoke AuthFailure.SignatureExpire.
	clock       func() time.Time
	keys        map[string]credential // SecretId -> key and token
	secretID    string
	components  []Component
	timing      TimingScanTask
	jobs        map[string]*exportJob // TCSS export jobs by JobId
	images      []*image              // CVM custom images in insertion order
	tasks       []*exportTask         // CVM export tasks in creation order
	nextTaskID  uint64
	dryRunError bool            // a passing ExportImages DryRun answers DryRunOperation
	vulns       []Vulnerability // CWP host vulnerability findings
	scanVul     ScanVulSetting  // CWP DescribeScanVulSetting
	nextCWPTask uint64          // the last CWP export TaskId
}

// credential is one key pair the emulator accepts.
type credential struct {
	key   string
	token string // "" for permanent keys; temporary keys must send it in X-TC-Token
}

// NewServer starts an emulator on a loopback address with fresh random
// credentials and the seeded data described in the package documentation.
// Jobs run for emulator.DefaultJobDuration unless SetJobDuration says
// otherwise. Close it when done.
func NewServer() *Server {
	s := &Server{
		clock:      time.Now,
		keys:       map[string]credential{},
		jobs:       map[string]*exportJob{},
		nextTaskID: 105591590,
	}
	s.Init()
	s.closing, s.stop = context.WithCancel(context.Background())
	s.secretID = "AKID" + randomHex(16)
	s.keys[s.secretID] = credential{key: randomHex(16)}
	s.components = seedComponents()
	s.timing = seedTimingScanTask()
	s.vulns, s.scanVul, s.nextCWPTask = seedVulnerabilities(), seedScanVulSetting(), 10000
	for _, img := range seedImages() {
		s.addImage(img)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the server's base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server. Answers still waiting out a latency or a Slow
// fault are abandoned; Close returns once every handler has ended.
func (s *Server) Close() {
	s.stop()
	s.srv.Close()
}

// Credentials returns the permanent key pair the server accepts.
func (s *Server) Credentials() (secretID, secretKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secretID, s.keys[s.secretID].key
}

// TemporaryCredentials issues a new temporary key pair with its session
// token, as STS would. Requests signed with it must carry the token in
// X-TC-Token, otherwise they fail with AuthFailure.TokenFailure.
func (s *Server) TemporaryCredentials() (secretID, secretKey, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	secretID = "AKID" + randomHex(16)
	c := credential{key: randomHex(16), token: randomHex(32)}
	s.keys[secretID] = c
	return secretID, c.key, c.token
}

// Options returns adapter options ready to use against the server: region
// ap-guangzhou, the server's permanent credentials, every endpoint pointing
// at URL, the server's HTTP client (whose idle connections Close shuts) and a
// retry policy with millisecond backoffs so tests stay fast.
func (s *Server) Options() tencent.Options {
	id, key := s.Credentials()
	return tencent.Options{
		Region:     Region,
		SecretID:   id,
		SecretKey:  key,
		Endpoints:  map[string]string{"tcss": s.URL(), "cvm": s.URL(), "cwp": s.URL()},
		HTTPClient: s.srv.Client(),
		Retry: provider.RetryPolicy{
			MaxAttempts: 5,
			Backoff:     provider.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond},
		},
	}
}

// apiError is a vendor error answer.
type apiError struct {
	Code    string
	Message string
}

func errorf(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// call is one authenticated API request as a handler sees it.
type call struct {
	region string // X-TC-Region, "" when absent
	body   []byte
	now    time.Time
}

// handler answers one action: a value marshalled into "Response" (RequestId
// is added), or a vendor error.
type handler func(s *Server, c *call) (any, *apiError)

// service is one emulated product.
type service struct {
	version string
	actions map[string]handler
}

var services = map[string]service{
	"tcss": {version: TCSSVersion, actions: map[string]handler{
		"CreateComponentExportJob":            (*Server).createComponentExportJob,
		"DescribeExportJobResult":             (*Server).describeExportJobResult,
		"DescribeExportJobDownloadURL":        (*Server).describeExportJobDownloadURL,
		"DescribeImageRegistryTimingScanTask": (*Server).describeImageRegistryTimingScanTask,
	}},
	"cvm": {version: CVMVersion, actions: map[string]handler{
		"ExportImages":   (*Server).exportImages,
		"DescribeImages": (*Server).describeImages,
	}},
	"cwp": {version: CWPVersion, actions: map[string]handler{
		"ExportVulList":          (*Server).exportVulList,
		"ExportTasks":            (*Server).exportTasks,
		"DescribeScanVulSetting": (*Server).describeScanVulSetting,
	}},
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.closing, cancel)
	defer stop()
	r = r.WithContext(ctx)

	switch {
	case strings.HasPrefix(r.URL.Path, downloadPrefix):
		s.serveDownload(w, r)
	case r.URL.Path == "/":
		s.serveAPI(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	action := r.Header.Get("X-TC-Action")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return // the client went away
	}
	s.Record(action, r, body)
	fault, ok := s.Begin(r.Context(), action)
	if !ok {
		return
	}
	reqID := newRequestID()
	if fault != nil {
		writeFault(w, reqID, fault.Kind)
		return
	}
	v, aerr := s.dispatch(r, action, body)
	if aerr != nil {
		writeError(w, reqID, aerr)
		return
	}
	out, err := withRequestID(v, reqID)
	if err != nil {
		writeError(w, reqID, errorf("InternalError", "%v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-TC-RequestId", reqID)
	_, _ = w.Write(out)
}

// dispatch checks the request the way the API gateway does (method, size,
// common headers, signature, product, version, action) and runs the handler.
func (s *Server) dispatch(r *http.Request, action string, body []byte) (any, *apiError) {
	if r.Method != http.MethodPost {
		return nil, errorf("UnsupportedProtocol", "the emulator accepts only POST requests with a JSON body, not %s", r.Method)
	}
	if len(body) > maxBody {
		return nil, errorf("RequestSizeLimitExceeded", "the request body exceeds %d bytes", maxBody)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return nil, errorf("InvalidParameter", "Content-Type must be application/json, not %q", ct)
	}
	if action == "" {
		return nil, errorf("MissingParameter", "the request is missing the required header X-TC-Action")
	}
	product, aerr := s.authenticate(r, body)
	if aerr != nil {
		return nil, aerr
	}
	svc, ok := services[product]
	if !ok {
		return nil, errorf("InvalidAction", "the product %q is not emulated (known: cvm, cwp, tcss)", product)
	}
	version := r.Header.Get("X-TC-Version")
	if version == "" {
		return nil, errorf("MissingParameter", "the request is missing the required header X-TC-Version")
	}
	if version != svc.version {
		return nil, errorf("NoSuchVersion", "the API version `%s` of product %s does not exist; use %s", version, product, svc.version)
	}
	h, ok := svc.actions[action]
	if !ok {
		return nil, errorf("InvalidAction", "the action `%s` of product %s (version %s) does not exist", action, product, version)
	}
	return h(s, &call{region: r.Header.Get("X-TC-Region"), body: body, now: time.Now()})
}

// withRequestID marshals v (a JSON object) and wraps it as
// {"Response":{...,"RequestId":id}}.
func withRequestID(v any, id string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, errors.New("tencenttest: a response must be a JSON object")
	}
	idJSON, _ := json.Marshal(id)
	var out bytes.Buffer
	out.WriteString(`{"Response":`)
	out.Write(b[:len(b)-1])
	if len(b) > 2 {
		out.WriteByte(',')
	}
	out.WriteString(`"RequestId":`)
	out.Write(idJSON)
	out.WriteString("}}")
	return out.Bytes(), nil
}

// writeError answers with the vendor's error envelope.
func writeError(w http.ResponseWriter, reqID string, e *apiError) {
	b, _ := json.Marshal(map[string]any{"Response": map[string]any{
		"Error":     map[string]string{"Code": e.Code, "Message": e.Message},
		"RequestId": reqID,
	}})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// writeFault answers an API request with an injected fault.
func writeFault(w http.ResponseWriter, reqID string, kind emulator.FaultKind) {
	switch kind {
	case Throttle:
		writeError(w, reqID, errorf("RequestLimitExceeded",
			"Your current request times exceeds the frequency limit of 20 per second. Please reduce the frequency of calls."))
	case ServerError:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "502 Bad Gateway\n")
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Response":{"RequestId":"`+reqID+`","JobId":`)
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// decodeParams reads the JSON body into dst. Keys outside allowed give
// UnknownParameter; values of the wrong type give InvalidParameter.
func decodeParams(body []byte, dst any, allowed ...string) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return errorf("InvalidParameter", "the request body is not a JSON object: %v", err)
	}
	for k := range raw {
		if !slices.Contains(allowed, k) {
			return errorf("UnknownParameter", "the parameter `%s` is not recognized", k)
		}
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return errorf("InvalidParameter", "the type of parameter `%s` is wrong: got JSON %s, want %s", te.Field, te.Value, te.Type)
		}
		return errorf("InvalidParameter", "the request body cannot be parsed: %v", err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("tencenttest: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// newRequestID returns a random UUID-like id such as
// "7995cb6f-0018-4286-a4d4-b6301b962d9e".
func newRequestID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
