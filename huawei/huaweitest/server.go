package huaweitest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/internal/emulator"
)

// Region is the region Options reports.
const Region = "cn-north-4"

// maxBody bounds the request bodies the server reads.
const maxBody = 8 << 20

// Server is a running emulator of the HSS v5 and ROMA Connect v2 operations
// the huawei adapter calls. Both services answer on the one URL. It is safe
// for concurrent use.
type Server struct {
	emulator.Base

	srv      *httptest.Server
	ak, sk   string
	project  string
	instance string

	mu          sync.Mutex
	seq         int
	containers  []Container
	imagePolicy ImageScanPolicy
	imageTasks  []ImageScanTask
	vulPolicy   VulScanPolicy
	vulns       []Vulnerability     // ExportVuls findings
	exports     map[string]*hssTask // by task id
	files       map[string]*hssTask // by file id
	apps        []App
	tasks       []Task
	jobs        map[string]*romaJob // by job id
	archives    map[string]*romaJob // by archive id
	docsStyle   bool
}

// NewServer starts a server on 127.0.0.1 with fresh random credentials, a
// project id, one ROMA Connect instance and seeded data (see the package doc).
// Close it when done.
func NewServer() *Server {
	s := &Server{
		ak:       randomID(10, true),
		sk:       randomID(20, true),
		project:  randomID(16, false),
		instance: randomUUID(),
		exports:  map[string]*hssTask{},
		files:    map[string]*hssTask{},
		jobs:     map[string]*romaJob{},
		archives: map[string]*romaJob{},
	}
	s.Init()
	s.seed(time.Now())
	s.vulns = seedVulnerabilities()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the base URL of both services, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down and waits for requests in flight to end.
func (s *Server) Close() { s.srv.Close() }

// Options returns adapter options that reach this server with its
// credentials: Region "cn-north-4", the project id, AK/SK, the ROMA instance
// id, and the "hss" and "roma" endpoints set to URL.
func (s *Server) Options() huawei.Options {
	return huawei.Options{
		Region:         Region,
		ProjectID:      s.project,
		AK:             s.ak,
		SK:             s.sk,
		ROMAInstanceID: s.instance,
		Endpoints:      map[string]string{"hss": s.URL(), "roma": s.URL()},
	}
}

// SetROMAStatusStyle chooses the spelling CheckAssetJobStatus answers in:
// false (the default) uses the SDK enum RUNNING / SUCCEEDED / FAILED, and a
// downloaded export stays SUCCEEDED without archive_id; true uses the older
// documentation's Running / Success / Failed, and Finished once downloaded.
func (s *Server) SetROMAStatusStyle(docs bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docsStyle = docs
}

// service is the emulated service a route belongs to.
type service int

const (
	hss service = iota + 1
	roma
)

// call is one routed request.
type call struct {
	op       string
	svc      service
	method   string
	project  string
	instance string // ROMA only
	id       string // task, file, job or archive id from the path
	body     []byte
	r        *http.Request
	reqID    string
}

// apiError is an error answer.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// Error codes the server answers with. Those marked (emulator) are not
// documented by the vendor for these operations; see the package doc.
const (
	codeAuth          = "APIGW.0301"    // bad or unknown credentials, signature or date
	codeForbidden     = "APIGW.0302"    // (emulator) project mismatch
	codeNoAPI         = "APIGW.0101"    // no such API
	codeThrottle      = "APIGW.0308"    // throttled
	codeHSSInvalid    = "HSS.0001"      // invalid parameter
	codeHSSNotFound   = "HSS.1004"      // (emulator) unknown task or file
	codeHSSInternal   = "HSS.1000"      // (emulator) internal error
	codeROMAInvalid   = "ROMA.00110001" // (emulator) invalid parameter
	codeROMANoInst    = "ROMA.00110002" // instance does not exist
	codeROMANotFound  = "ROMA.00110006" // resource does not exist
	codeROMAJobBusy   = "ROMA.00112001" // (emulator) an export job is already running
	codeROMAGone      = "ROMA.00112002" // (emulator) archive already downloaded
	codeROMAInternal  = "ROMA.00000500" // (emulator) internal error
	codeROMAJobFailed = "ROMA.00000101" // failure reason of a job failed by FailJobs
)

// handler runs one operation.
type handler func(*Server, http.ResponseWriter, call) *apiError

// routes is the emulated API: method, path pattern and operation. In a
// pattern, {project}, {instance} and {id} match one non-empty segment and
// fill the call's field of that name; the first segment (v5 = HSS, v2 =
// ROMA Connect) names the service.
var routes = []struct {
	method, pattern, op string
	handle              handler
}{
	{http.MethodPost, "/v5/{project}/container/export-task", "ExportContainerList", (*Server).exportContainerList},
	{http.MethodPost, "/v5/{project}/vul/export", "ExportVuls", (*Server).exportVuls},
	{http.MethodGet, "/v5/{project}/export-task/{id}", "ListQueryExportTask", (*Server).listQueryExportTask},
	{http.MethodGet, "/v5/{project}/download/{id}", "ListDownloadExportedFile", (*Server).downloadExportedFile},
	{http.MethodGet, "/v5/{project}/image/scanner-policies", "ListImageScanPolicy", (*Server).listImageScanPolicy},
	{http.MethodGet, "/v5/{project}/image/tasks", "ListImageScanTask", (*Server).listImageScanTask},
	{http.MethodGet, "/v5/{project}/vulnerability/scan-policy", "ShowVulScanPolicy", (*Server).showVulScanPolicy},
	{http.MethodPost, "/v2/{project}/instances/{instance}/assets/export", "ExportAsset", (*Server).exportAsset},
	{http.MethodGet, "/v2/{project}/instances/{instance}/assets/jobs/{id}", "CheckAssetJobStatus", (*Server).checkAssetJobStatus},
	{http.MethodGet, "/v2/{project}/instances/{instance}/assets/archives/{id}", "DownloadAssetArchive", (*Server).downloadAssetArchive},
}

// route finds the operation of a method and path in routes. When none
// matches, it returns a nil handler and a call with only the service set
// (ROMA for a /v2/ path, else HSS), for the error answer's shape.
func route(method, path string) (call, handler) {
	c := call{svc: hss, method: method}
	if strings.HasPrefix(path, "/v2/") {
		c.svc = roma
	}
	seg := strings.Split(strings.Trim(path, "/"), "/")
next:
	for _, rt := range routes {
		pat := strings.Split(strings.Trim(rt.pattern, "/"), "/")
		if method != rt.method || len(pat) != len(seg) {
			continue
		}
		m := c
		for i, p := range pat {
			var field *string
			switch p {
			case "{project}":
				field = &m.project
			case "{instance}":
				field = &m.instance
			case "{id}":
				field = &m.id
			default:
				if seg[i] != p {
					continue next
				}
				continue
			}
			if seg[i] == "" {
				continue next
			}
			*field = seg[i]
		}
		m.op = rt.op
		return m, rt.handle
	}
	return c, nil
}

// serve is the server's one handler: route, record, apply faults and
// latency, check the signature and project, then run the operation.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	reqID := randomID(16, false)
	w.Header().Set("X-Request-Id", reqID)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return // the client went away
	}
	c, handle := route(r.Method, r.URL.Path)
	c.body, c.r, c.reqID = body, r, reqID
	if handle != nil {
		s.Record(c.op, r, body)
	}
	fault, ok := s.Begin(r.Context(), c.op)
	if !ok {
		return // ctx ended during the latency; nobody is listening
	}
	if fault != nil {
		writeFault(w, c, fault)
		return
	}
	if handle == nil {
		writeError(w, c.svc, reqID, errorf(http.StatusNotFound, codeNoAPI, "The API does not exist or has not been published in the environment"))
		return
	}
	if len(body) > maxBody {
		writeError(w, c.svc, reqID, errorf(http.StatusRequestEntityTooLarge, codeNoAPI, "request body too large"))
		return
	}
	if e := s.authenticate(r, body, time.Now()); e != nil {
		writeError(w, c.svc, reqID, e)
		return
	}
	if e := s.checkScope(c); e != nil {
		writeError(w, c.svc, reqID, e)
		return
	}
	if e := handle(s, w, c); e != nil {
		writeError(w, c.svc, reqID, e)
	}
}

// checkScope checks the path project against the server's project and the
// X-Project-Id header, and the ROMA instance.
func (s *Server) checkScope(c call) *apiError {
	if h := c.r.Header.Get("X-Project-Id"); h != "" && h != c.project {
		return errorf(http.StatusForbidden, codeForbidden, "The IAM user is not authorized to access the API: X-Project-Id %q does not match the project in the path", h)
	}
	if c.project != s.project {
		return errorf(http.StatusForbidden, codeForbidden, "The IAM user is not authorized to access the API: unknown project %q", c.project)
	}
	if c.svc == roma && c.instance != s.instance {
		return errorf(http.StatusNotFound, codeROMANoInst, "The instance does not exist. project_id: %s, instance_id: %s", c.project, c.instance)
	}
	return nil
}

// writeFault answers with an injected fault.
func writeFault(w http.ResponseWriter, c call, f *Fault) {
	switch f.Kind {
	case Throttle:
		writeError(w, c.svc, c.reqID, errorf(http.StatusTooManyRequests, codeThrottle, "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute"))
	case Malformed:
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"task_id": "x", "job_id": `)
	default: // ServerError
		if c.svc == roma {
			writeError(w, roma, c.reqID, errorf(http.StatusInternalServerError, codeROMAInternal, "Internal server error."))
			return
		}
		writeError(w, hss, c.reqID, errorf(http.StatusInternalServerError, codeHSSInternal, "System error, please try again later"))
	}
}

// writeError writes an error body: {"error_code","error_msg"} for HSS and the
// gateway, plus "error_details" and "request_id" for ROMA.
func writeError(w http.ResponseWriter, svc service, reqID string, e *apiError) {
	body := map[string]string{"error_code": e.code, "error_msg": e.msg}
	if svc == roma {
		body["error_details"] = e.msg
		body["request_id"] = reqID
	}
	writeJSON(w, e.status, body)
}

// writeFile answers 200 with data as a download named name.
func writeFile(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error_code":"HSS.1000","error_msg":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// nextID returns a fresh id with prefix; callers hold s.mu.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%04d%s", prefix, s.seq, randomID(6, false))
}

// randomID returns n random bytes as hex, or as upper-case letters and digits.
func randomID(n int, upper bool) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	if upper {
		return strings.ToUpper(hex.EncodeToString(b))
	}
	return hex.EncodeToString(b)
}

func randomUUID() string {
	h := randomID(16, false)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
