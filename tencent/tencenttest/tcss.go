package tencenttest

import (
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/internal/emulator"
)

// Component is one software component of a local container image, a row of
// TCSS's ImageComponent list. Seed rows with SetComponents.
type Component struct {
	ImageID   string   // the local image id, e.g. "sha256:…"
	Name      string   // e.g. "openssl"
	Version   string   // e.g. "1.1.1k"
	Path      string   // where the component was found, e.g. "/usr/lib64/libssl.so.1.1"
	Type      string   // e.g. "SYSTEM_COMPONENT"
	VulCount  int      // number of vulnerabilities
	VulLevels []string // severities present among them: CRITICAL, HIGH, MIDDLE, LOW
}

// ImageInfo is one image selected for timed scans (TCSS ImageInfo); the field
// names are the vendor's.
type ImageInfo struct {
	InstanceName     string `json:"InstanceName"`
	Namespace        string `json:"Namespace"`
	ImageName        string `json:"ImageName"`
	ImageTag         string `json:"ImageTag"`
	Force            string `json:"Force"` // a string on the wire, not a bool
	ImageDigest      string `json:"ImageDigest"`
	RegistryType     string `json:"RegistryType"`
	ImageRepoAddress string `json:"ImageRepoAddress"`
	InstanceId       string `json:"InstanceId"`
}

// TimingScanTask is what DescribeImageRegistryTimingScanTask answers, field
// for field with the vendor's JSON names. Nil slices go out as null, as the
// real service sends absent values.
type TimingScanTask struct {
	Enable               bool        `json:"Enable"`
	ScanTime             string      `json:"ScanTime"`
	ScanPeriod           uint64      `json:"ScanPeriod"`
	ScanType             []string    `json:"ScanType"`
	All                  bool        `json:"All"` // deprecated by the vendor
	Images               []ImageInfo `json:"Images"`
	Id                   []uint64    `json:"Id"`
	Latest               bool        `json:"Latest"`
	ScanEndTime          string      `json:"ScanEndTime"`
	RegistryType         []string    `json:"RegistryType"`
	ContainerRunning     bool        `json:"ContainerRunning"`
	ScanScope            uint64      `json:"ScanScope"` // 0 all images, 1 selected, 2 recommended
	Namespace            []string    `json:"Namespace"`
	ExcludeImageAssetIds []uint64    `json:"ExcludeImageAssetIds"`
	LastScanTime         string      `json:"LastScanTime"` // "2006-01-02 15:04:05"
	ScanResult           string      `json:"ScanResult"`   // Success, InsufficientLicense, ImageNeedIsEmpty, InternalError
}

// SetComponents replaces the component rows (of every image) that
// CreateComponentExportJob reads. An image id is known to the emulator when
// at least one row carries it.
func (s *Server) SetComponents(rows []Component) {
	cp := make([]Component, len(rows))
	for i, r := range rows {
		r.VulLevels = append([]string(nil), r.VulLevels...)
		cp[i] = r
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.components = cp
}

// SetTimingScanTask sets what DescribeImageRegistryTimingScanTask answers.
func (s *Server) SetTimingScanTask(t TimingScanTask) {
	// Copy the slices so the caller may reuse its own.
	t.ScanType = slices.Clone(t.ScanType)
	t.Images = slices.Clone(t.Images)
	t.Id = slices.Clone(t.Id)
	t.RegistryType = slices.Clone(t.RegistryType)
	t.Namespace = slices.Clone(t.Namespace)
	t.ExcludeImageAssetIds = slices.Clone(t.ExcludeImageAssetIds)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timing = t
}

// exportField is one ExportField value: the header title of the .xlsx file
// and the cell of a row.
type exportField struct {
	name, title string
	value       func(Component) string
}

// exportFields are the ExportField values CreateComponentExportJob accepts
// (and By sorts on), in the order used when ExportField is empty.
var exportFields = []exportField{
	{"Name", "Component", func(c Component) string { return c.Name }},
	{"Version", "Version", func(c Component) string { return c.Version }},
	{"Path", "Path", func(c Component) string { return c.Path }},
	{"Type", "Type", func(c Component) string { return c.Type }},
	{"VulCount", "Vulnerabilities", func(c Component) string { return strconv.Itoa(c.VulCount) }},
	{"ImageID", "Image ID", func(c Component) string { return c.ImageID }},
}

// exportFieldNames is "Name, Version, …" for error messages.
var exportFieldNames = func() string {
	names := make([]string, len(exportFields))
	for i, f := range exportFields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}()

// lookupField returns the ExportField called name, or nil.
func lookupField(name string) *exportField {
	for i := range exportFields {
		if exportFields[i].name == name {
			return &exportFields[i]
		}
	}
	return nil
}

// ColumnTitle returns the header title the emulator writes in the .xlsx file
// for an ExportField value ("Name" -> "Component", "Version" -> "Version",
// "Path" -> "Path", "Type" -> "Type", "VulCount" -> "Vulnerabilities",
// "ImageID" -> "Image ID"), or "" for an unknown field.
func ColumnTitle(field string) string {
	if f := lookupField(field); f != nil {
		return f.title
	}
	return ""
}

// textFilters are the filter Names that compare text, with the ExportField
// whose value they compare.
var textFilters = map[string]string{
	"ComponentName":    "Name",
	"ComponentVersion": "Version",
	"ComponentType":    "Type",
}

// vulLevels are the severities the VulLevel filter accepts.
var vulLevels = []string{"CRITICAL", "HIGH", "MIDDLE", "LOW"}

// maxComponentLimit is CreateComponentExportJob's largest Limit (and its default).
const maxComponentLimit = 10000

// exportJob is one TCSS export job.
type exportJob struct {
	id     string
	token  string // the unguessable part of the download link
	job    emulator.Job
	header []string
	rows   [][]string
}

type assetFilter struct {
	Name       *string  `json:"Name"`
	Values     []string `json:"Values"`
	ExactMatch *bool    `json:"ExactMatch"`
}

type createComponentExportJobRequest struct {
	ImageID     *string       `json:"ImageID"`
	ExportField []string      `json:"ExportField"`
	Limit       *uint64       `json:"Limit"`
	Offset      *uint64       `json:"Offset"`
	Filters     []assetFilter `json:"Filters"`
	By          *string       `json:"By"`
	Order       *string       `json:"Order"`
}

// componentFilter reports whether a row passes one filter.
type componentFilter func(Component) bool

func (s *Server) createComponentExportJob(c *call) (any, *apiError) {
	var req createComponentExportJobRequest
	if err := decodeParams(c.body, &req, "ImageID", "ExportField", "Limit", "Offset", "Filters", "By", "Order"); err != nil {
		return nil, err
	}
	if req.ImageID == nil || *req.ImageID == "" {
		return nil, errorf("InvalidParameter.MissingParameter", "the required parameter `ImageID` is missing")
	}
	limit := uint64(maxComponentLimit)
	if req.Limit != nil && *req.Limit != 0 {
		limit = *req.Limit
	}
	if limit > maxComponentLimit {
		return nil, errorf("InvalidParameterValue", "Limit %d exceeds the maximum %d", limit, maxComponentLimit)
	}
	var offset uint64
	if req.Offset != nil {
		offset = *req.Offset
	}
	fields := exportFields
	if len(req.ExportField) > 0 {
		fields = make([]exportField, len(req.ExportField))
		for i, name := range req.ExportField {
			f := lookupField(name)
			if f == nil {
				return nil, errorf("InvalidParameterValue", "ExportField %q is not supported; allowed: %s", name, exportFieldNames)
			}
			fields[i] = *f
		}
	}
	header := make([]string, len(fields))
	for i, f := range fields {
		header[i] = f.title
	}
	filters := make([]componentFilter, 0, len(req.Filters))
	for i, f := range req.Filters {
		cf, err := newComponentFilter(i, f)
		if err != nil {
			return nil, err
		}
		filters = append(filters, cf)
	}
	var by *exportField
	if req.By != nil && *req.By != "" {
		if by = lookupField(*req.By); by == nil {
			return nil, errorf("InvalidParameterValue", "By %q is not supported; allowed: %s", *req.By, exportFieldNames)
		}
	}
	desc := false
	if req.Order != nil && *req.Order != "" {
		switch strings.ToLower(*req.Order) {
		case "asc":
		case "desc":
			desc = true
		default:
			return nil, errorf("InvalidParameterValue", "Order %q is not supported; allowed: asc, desc", *req.Order)
		}
	}

	s.mu.Lock()
	var rows []Component
	known := false
	for _, comp := range s.components {
		if comp.ImageID != *req.ImageID {
			continue
		}
		known = true
		keep := true
		for _, f := range filters {
			if !f(comp) {
				keep = false
				break
			}
		}
		if keep {
			rows = append(rows, comp)
		}
	}
	s.mu.Unlock()
	if !known {
		return nil, errorf("ResourceNotFound", "the local image %q does not exist", *req.ImageID)
	}
	if by != nil {
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if desc {
				a, b = b, a
			}
			if by.name == "VulCount" { // a number, not text
				return a.VulCount < b.VulCount
			}
			return by.value(a) < by.value(b)
		})
	}
	if offset > uint64(len(rows)) {
		offset = uint64(len(rows))
	}
	rows = rows[offset:]
	if uint64(len(rows)) > limit {
		rows = rows[:limit]
	}
	out := make([][]string, len(rows))
	for i, comp := range rows {
		out[i] = make([]string, len(fields))
		for j, f := range fields {
			out[i][j] = f.value(comp)
		}
	}

	j := &exportJob{id: newRequestID(), token: randomHex(20), job: s.NewJob(), header: header, rows: out}
	s.mu.Lock()
	s.jobs[j.id] = j
	s.mu.Unlock()
	return struct {
		JobId string `json:"JobId"`
	}{j.id}, nil
}

// newComponentFilter validates Filters.N and returns its predicate.
func newComponentFilter(i int, f assetFilter) (componentFilter, *apiError) {
	if f.Name == nil || *f.Name == "" {
		return nil, errorf("InvalidParameter.MissingParameter", "Filters.%d.Name is required", i)
	}
	if len(f.Values) == 0 {
		return nil, errorf("InvalidParameterValue", "Filters.%d.Values must hold at least one value", i)
	}
	exact := f.ExactMatch != nil && *f.ExactMatch
	values := f.Values
	if field, ok := textFilters[*f.Name]; ok {
		get := lookupField(field).value
		return func(c Component) bool {
			v := get(c)
			for _, want := range values {
				if exact && v == want || !exact && strings.Contains(v, want) {
					return true
				}
			}
			return false
		}, nil
	}
	switch *f.Name {
	case "VulLevel":
		for _, v := range values {
			if !slices.Contains(vulLevels, v) {
				return nil, errorf("InvalidParameterValue", "Filters.%d VulLevel value %q is not supported; allowed: CRITICAL, HIGH, MIDDLE, LOW", i, v)
			}
		}
		return func(c Component) bool {
			for _, want := range values {
				if slices.Contains(c.VulLevels, want) {
					return true
				}
			}
			return false
		}, nil
	case "HasVul":
		all, yes, no := false, false, false
		for _, v := range values {
			switch strings.ToLower(v) {
			case "all":
				all = true
			case "true":
				yes = true
			case "false":
				no = true
			default:
				return nil, errorf("InvalidParameterValue", "Filters.%d HasVul value %q is not supported; allowed: true, false, ALL", i, v)
			}
		}
		return func(c Component) bool {
			return all || yes && c.VulCount > 0 || no && c.VulCount == 0
		}, nil
	}
	return nil, errorf("InvalidParameterValue", "Filters.%d.Name %q is not supported; allowed: ComponentName, ComponentVersion, ComponentType, VulLevel, HasVul", i, *f.Name)
}

// lookupJob returns the export job with id, or nil.
func (s *Server) lookupJob(id string) *exportJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[id]
}

// jobParam returns the export job named by an action's job id parameter
// (called param), or the vendor's error for a missing id or, with the code
// unknown, for an id that names no job.
func (s *Server) jobParam(param string, id *string, unknown string) (*exportJob, *apiError) {
	if id == nil || *id == "" {
		return nil, errorf("InvalidParameter", "the required parameter `%s` is missing", param)
	}
	j := s.lookupJob(*id)
	if j == nil {
		return nil, errorf(unknown, "the export job %q does not exist", *id)
	}
	return j, nil
}

// downloadURL is where the file of job j is served.
func (s *Server) downloadURL(j *exportJob) string {
	return s.URL() + downloadPrefix + j.token + "/" + j.id + ".xlsx"
}

type exportJobResult struct {
	ExportStatus   string   `json:"ExportStatus"`
	DownloadURL    *string  `json:"DownloadURL"`
	ExportProgress *float64 `json:"ExportProgress"`
	FailureMsg     *string  `json:"FailureMsg"`
}

func (s *Server) describeExportJobResult(c *call) (any, *apiError) {
	var req struct {
		JobId *string `json:"JobId"`
	}
	if err := decodeParams(c.body, &req, "JobId"); err != nil {
		return nil, err
	}
	j, err := s.jobParam("JobId", req.JobId, "InvalidParameterValue.DataNotFound")
	if err != nil {
		return nil, err
	}
	progress := math.Round(j.job.Progress(c.now)*10000) / 100 // percent with two decimals
	res := exportJobResult{ExportProgress: &progress}
	switch {
	case !j.job.Done(c.now):
		res.ExportStatus = "RUNNING"
		progress = math.Min(progress, 99.99) // 100 only once done
	case j.job.Failed(c.now):
		res.ExportStatus = "FAILURE"
		msg := j.job.FailReason
		res.FailureMsg = &msg
	default:
		res.ExportStatus = "SUCCESS"
		u := s.downloadURL(j)
		res.DownloadURL = &u
	}
	return res, nil
}

func (s *Server) describeExportJobDownloadURL(c *call) (any, *apiError) {
	var req struct {
		JobID *string `json:"JobID"`
	}
	if err := decodeParams(c.body, &req, "JobID"); err != nil {
		return nil, err
	}
	j, err := s.jobParam("JobID", req.JobID, "InvalidParameter")
	if err != nil {
		return nil, err
	}
	var res struct {
		DownloadURL *string `json:"DownloadURL"`
	}
	if j.job.Done(c.now) && !j.job.Failed(c.now) {
		u := s.downloadURL(j)
		res.DownloadURL = &u
	}
	return res, nil
}

func (s *Server) describeImageRegistryTimingScanTask(c *call) (any, *apiError) {
	var req struct{}
	if err := decodeParams(c.body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timing, nil
}

// downloadPrefix starts the path of every download link:
// /download/<token>/<JobId>.xlsx.
const downloadPrefix = "/download/"

// xlsxType is the media type of .xlsx files.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// serveDownload serves a finished job's .xlsx file like a presigned COS
// object URL: the token in the path stands in for the signature.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) {
	fault, ok := s.Begin(r.Context(), "Download")
	if !ok {
		return
	}
	reqID := newRequestID()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		cosError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", reqID)
		return
	}
	if fault != nil && fault.Kind != Malformed {
		switch fault.Kind {
		case Throttle:
			cosError(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.", reqID)
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("502 Bad Gateway\n"))
		}
		return
	}
	token, name, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, downloadPrefix), "/")
	id, isXLSX := strings.CutSuffix(name, ".xlsx")
	var j *exportJob
	if ok && isXLSX {
		j = s.lookupJob(id)
	}
	if j == nil {
		cosError(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", reqID)
		return
	}
	if token != j.token {
		cosError(w, http.StatusForbidden, "AccessDenied", "Access Denied.", reqID)
		return
	}
	if now := time.Now(); !j.job.Done(now) || j.job.Failed(now) {
		cosError(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", reqID)
		return
	}
	body, err := emulator.XLSX("Sheet1", j.header, j.rows)
	if err != nil {
		cosError(w, http.StatusInternalServerError, "InternalError", "the emulator could not build the file", reqID)
		return
	}
	if fault != nil { // Malformed: a truncated file
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Content-Disposition", `attachment; filename="`+j.id+`.xlsx"`)
	w.Header().Set("x-cos-request-id", reqID)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// cosError writes a COS-style XML error.
func cosError(w http.ResponseWriter, status int, code, msg, reqID string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-cos-request-id", reqID)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`<?xml version='1.0' encoding='utf-8' ?>` + "\n<Error>\n\t<Code>" + code +
		"</Code>\n\t<Message>" + msg + "</Message>\n\t<RequestId>" + reqID + "</RequestId>\n</Error>\n"))
}
