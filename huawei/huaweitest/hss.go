package huaweitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/internal/emulator"
)

// hssTask is one HSS export task: ExportContainerList (headers and rows) or
// ExportVuls (sheet and cells, the header row first).
type hssTask struct {
	id, name         string
	fileID, fileName string
	job              emulator.Job
	headers          [][]string
	rows             []Container
	sheet            string
	cells            [][]string
}

// containerColumns are the export_headers keys and how each reads a row.
var containerColumns = map[string]func(Container) string{
	"container_id":   func(c Container) string { return c.ContainerID },
	"container_name": func(c Container) string { return c.ContainerName },
	"image_name":     func(c Container) string { return c.ImageName },
	"pod_name":       func(c Container) string { return c.PodName },
	"cluster_name":   func(c Container) string { return c.ClusterName },
	"cluster_type":   func(c Container) string { return c.ClusterType },
	"status":         func(c Container) string { return c.Status },
	"risky":          func(c Container) string { return strconv.FormatBool(c.Risky) },
	"low_risk":       func(c Container) string { return strconv.Itoa(c.LowRisk) },
	"medium_risk":    func(c Container) string { return strconv.Itoa(c.MediumRisk) },
	"high_risk":      func(c Container) string { return strconv.Itoa(c.HighRisk) },
	"fatal_risk":     func(c Container) string { return strconv.Itoa(c.FatalRisk) },
	"create_time":    func(c Container) string { return strconv.FormatInt(c.CreateTime, 10) },
	"restart_count":  func(c Container) string { return strconv.Itoa(c.RestartCount) },
	"cpu_limit":      func(c Container) string { return c.CPULimit },
	"memory_limit":   func(c Container) string { return c.MemoryLimit },
}

var (
	clusterTypes     = []string{"cce", "ali", "tencent", "azure", "aws", "self_built_hw", "self_built_idc"}
	containerStatus  = []string{"Running", "Waiting", "Terminated", "Isolated", "Paused"}
	cpuLimitForm     = regexp.MustCompile(`^[0-9]+m$`)
	memoryLimitForm  = regexp.MustCompile(`^[0-9]+(Mi|Gi)$`)
	maxCreateTimeMS  = int64(4071095999000)
	maxExportSize    = 100000
	defaultEPs       = []string{"", "0"}
	allEPs           = "all_granted_eps"
	containerXLSXTab = "Container List"
)

// exportContainerListBody is ExportContainerListRequestBody.
type exportContainerListBody struct {
	ClusterContainer *bool      `json:"cluster_container"`
	ClusterType      *string    `json:"cluster_type"`
	ClusterName      *string    `json:"cluster_name"`
	ContainerName    *string    `json:"container_name"`
	PodName          *string    `json:"pod_name"`
	ImageName        *string    `json:"image_name"`
	Status           *string    `json:"status"`
	Risky            *bool      `json:"risky"`
	CreateTime       *timeRange `json:"create_time"`
	CPULimit         *string    `json:"cpu_limit"`
	MemoryLimit      *string    `json:"memory_limit"`
	ExportHeaders    [][]string `json:"export_headers"`
}

type timeRange struct {
	StartTime *int64 `json:"start_time"`
	EndTime   *int64 `json:"end_time"`
}

func hssInvalid(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, codeHSSInvalid, "invalid param error: "+format, args...)
}

// decodeStrict decodes exactly one JSON value, rejecting unknown fields.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON body")
	}
	return nil
}

// enterpriseProject validates the enterprise_project_id query parameter.
func enterpriseProject(q url.Values) (string, *apiError) {
	if !q.Has("enterprise_project_id") {
		return "0", nil
	}
	ep := q.Get("enterprise_project_id")
	if n := len(ep); n < 1 || n > 256 {
		return "", hssInvalid("enterprise_project_id must be 1-256 characters")
	}
	return ep, nil
}

// queryParam is the query parameter name, or nil when it is absent.
func queryParam(q url.Values, name string) *string {
	if !q.Has(name) {
		return nil
	}
	v := q.Get(name)
	return &v
}

func checkLen(name string, v *string, lo, hi int) *apiError {
	if v == nil {
		return nil
	}
	if n := len([]rune(*v)); n < lo || n > hi {
		return hssInvalid("%s must be %d-%d characters", name, lo, hi)
	}
	return nil
}

func checkEnum(name string, v *string, allowed []string) *apiError {
	if v == nil || slices.Contains(allowed, *v) {
		return nil
	}
	return hssInvalid("%s must be one of %s", name, strings.Join(allowed, ", "))
}

// exportContainerList is POST /v5/{project_id}/container/export-task.
func (s *Server) exportContainerList(w http.ResponseWriter, c call) *apiError {
	q := c.r.URL.Query()
	ep, e := enterpriseProject(q)
	if e != nil {
		return e
	}
	size := maxExportSize
	if q.Has("export_size") {
		n, err := strconv.Atoi(q.Get("export_size"))
		if err != nil || n < 1 || n > maxExportSize {
			return hssInvalid("export_size must be an integer 1-100000")
		}
		size = n
	}
	var b exportContainerListBody
	if len(bytes.TrimSpace(c.body)) == 0 {
		return hssInvalid("the request body is required")
	}
	if err := decodeStrict(c.body, &b); err != nil {
		return hssInvalid("malformed request body: %v", err)
	}
	for _, chk := range []*apiError{
		checkEnum("cluster_type", b.ClusterType, clusterTypes),
		checkLen("cluster_name", b.ClusterName, 1, 255),
		checkLen("container_name", b.ContainerName, 1, 255),
		checkLen("pod_name", b.PodName, 1, 512),
		checkLen("image_name", b.ImageName, 1, 255),
		checkEnum("status", b.Status, containerStatus),
		checkLen("cpu_limit", b.CPULimit, 0, 64),
		checkLen("memory_limit", b.MemoryLimit, 0, 64),
	} {
		if chk != nil {
			return chk
		}
	}
	if b.CPULimit != nil && *b.CPULimit != "" && !cpuLimitForm.MatchString(*b.CPULimit) {
		return hssInvalid("cpu_limit must be millicores such as 100m")
	}
	if b.MemoryLimit != nil && *b.MemoryLimit != "" && !memoryLimitForm.MatchString(*b.MemoryLimit) {
		return hssInvalid("memory_limit must end in Mi or Gi, such as 300Mi")
	}
	if tr := b.CreateTime; tr != nil {
		for _, v := range []*int64{tr.StartTime, tr.EndTime} {
			if v != nil && (*v < 0 || *v > maxCreateTimeMS) {
				return hssInvalid("create_time bounds must be epoch milliseconds 0-%d", maxCreateTimeMS)
			}
		}
		if tr.StartTime != nil && tr.EndTime != nil && *tr.StartTime > *tr.EndTime {
			return hssInvalid("create_time.start_time must not be after end_time")
		}
	}
	if len(b.ExportHeaders) == 0 {
		return hssInvalid("export_headers must list at least one [key, header] pair")
	}
	for i, h := range b.ExportHeaders {
		if len(h) != 2 {
			return hssInvalid("export_headers[%d] must be a [key, header] pair", i)
		}
		if _, ok := containerColumns[h[0]]; !ok {
			keys := make([]string, 0, len(containerColumns))
			for k := range containerColumns {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return hssInvalid("export_headers[%d] key %q is not one of %s", i, h[0], strings.Join(keys, ", "))
		}
		if n := len([]rune(h[1])); n < 1 || n > 256 {
			return hssInvalid("export_headers[%d] header must be 1-256 characters", i)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []Container
	for _, ct := range s.containers {
		if len(rows) == size {
			break
		}
		if matchContainer(ct, b, ep) {
			rows = append(rows, ct)
		}
	}
	t := &hssTask{
		id:      s.nextID("task-"),
		job:     s.NewJob(),
		headers: slices.Clone(b.ExportHeaders),
		rows:    rows,
	}
	t.name = "container_list_export_" + t.job.Start.UTC().Format("20060102150405")
	t.fileID = s.nextID("file-")
	t.fileName = "hss-container-list-" + t.id + ".xlsx"
	s.exports[t.id] = t
	s.files[t.fileID] = t
	writeJSON(w, http.StatusOK, map[string]string{"task_id": t.id})
	return nil
}

// matchContainer applies every filter of b and the enterprise project.
// Names match as substrings, everything else exactly.
func matchContainer(c Container, b exportContainerListBody, ep string) bool {
	switch {
	case ep == allEPs:
	case slices.Contains(defaultEPs, ep):
		if !slices.Contains(defaultEPs, c.EnterpriseProject) {
			return false
		}
	case c.EnterpriseProject != ep:
		return false
	}
	sub := func(f *string, v string) bool { return f == nil || strings.Contains(v, *f) }
	eq := func(f *string, v string) bool { return f == nil || *f == "" || *f == v }
	if b.ClusterContainer != nil && *b.ClusterContainer != c.ClusterContainer {
		return false
	}
	if b.Risky != nil && *b.Risky != c.Risky {
		return false
	}
	if tr := b.CreateTime; tr != nil {
		if tr.StartTime != nil && c.CreateTime < *tr.StartTime || tr.EndTime != nil && c.CreateTime > *tr.EndTime {
			return false
		}
	}
	return eq(b.ClusterType, c.ClusterType) && eq(b.Status, c.Status) &&
		sub(b.ClusterName, c.ClusterName) && sub(b.ContainerName, c.ContainerName) &&
		sub(b.PodName, c.PodName) && sub(b.ImageName, c.ImageName) &&
		eq(b.CPULimit, c.CPULimit) && eq(b.MemoryLimit, c.MemoryLimit)
}

// listQueryExportTask is GET /v5/{project_id}/export-task/{task_id}.
func (s *Server) listQueryExportTask(w http.ResponseWriter, c call) *apiError {
	if _, e := enterpriseProject(c.r.URL.Query()); e != nil {
		return e
	}
	s.mu.Lock()
	t, ok := s.exports[c.id]
	s.mu.Unlock()
	if !ok {
		return errorf(http.StatusNotFound, codeHSSNotFound, "export task %s does not exist", c.id)
	}
	now := time.Now()
	resp := map[string]string{"task_id": t.id, "task_name": t.name}
	switch {
	case !t.job.Done(now):
		resp["task_status"] = "running"
	case t.job.Failed(now):
		resp["task_status"] = "failure"
	default:
		resp["task_status"] = "success"
		resp["file_id"] = t.fileID
		resp["file_name"] = t.fileName
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// downloadExportedFile is GET /v5/{project_id}/download/{file_id}: the
// task's rows as a real .xlsx whose header row is the requested header texts.
func (s *Server) downloadExportedFile(w http.ResponseWriter, c call) *apiError {
	if _, e := enterpriseProject(c.r.URL.Query()); e != nil {
		return e
	}
	s.mu.Lock()
	t, ok := s.files[c.id]
	s.mu.Unlock()
	now := time.Now()
	if !ok || !t.job.Done(now) || t.job.Failed(now) {
		return errorf(http.StatusNotFound, codeHSSNotFound, "file %s does not exist", c.id)
	}
	if t.cells != nil {
		data, err := emulator.XLSX(t.sheet, t.cells[0], t.cells[1:])
		if err != nil {
			return errorf(http.StatusInternalServerError, codeHSSInternal, "building the file failed: %v", err)
		}
		writeFile(w, t.fileName, data)
		return nil
	}
	header := make([]string, len(t.headers))
	for i, h := range t.headers {
		header[i] = h[1]
	}
	rows := make([][]string, len(t.rows))
	for i, r := range t.rows {
		row := make([]string, len(t.headers))
		for j, h := range t.headers {
			row[j] = containerColumns[h[0]](r)
		}
		rows[i] = row
	}
	data, err := emulator.XLSX(containerXLSXTab, header, rows)
	if err != nil {
		return errorf(http.StatusInternalServerError, codeHSSInternal, "building the file failed: %v", err)
	}
	writeFile(w, t.fileName, data)
	return nil
}

// listImageScanPolicy is GET /v5/{project_id}/image/scanner-policies.
func (s *Server) listImageScanPolicy(w http.ResponseWriter, c call) *apiError {
	q := c.r.URL.Query()
	if _, e := enterpriseProject(q); e != nil {
		return e
	}
	if !q.Has("type") {
		return hssInvalid("type is required: cycle or manual")
	}
	for _, chk := range []*apiError{
		checkEnum("type", queryParam(q, "type"), []string{"cycle", "manual"}),
		checkEnum("global_image_type", queryParam(q, "global_image_type"), []string{"local", "registry"}),
	} {
		if chk != nil {
			return chk
		}
	}
	s.mu.Lock()
	p := s.imagePolicy
	s.mu.Unlock()
	if p.TotalRegistryNum == 0 {
		p.TotalRegistryNum = int32(len(p.RegistryList))
	}
	if p.RegistryList == nil {
		p.RegistryList = []Registry{}
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// listImageScanTask is GET /v5/{project_id}/image/tasks.
func (s *Server) listImageScanTask(w http.ResponseWriter, c call) *apiError {
	q := c.r.URL.Query()
	if _, e := enterpriseProject(q); e != nil {
		return e
	}
	if !q.Has("type") {
		return hssInvalid("type is required: image_sync or image_scan")
	}
	for _, chk := range []*apiError{
		checkEnum("type", queryParam(q, "type"), []string{"image_sync", "image_scan"}),
		checkEnum("task_type", queryParam(q, "task_type"), []string{"cycle", "manual", "autoSync", "manualSync"}),
		checkEnum("global_image_type", queryParam(q, "global_image_type"), []string{"local", "registry"}),
		checkEnum("task_status", queryParam(q, "task_status"), []string{"scanning", "finished"}),
		checkLen("task_name", queryParam(q, "task_name"), 1, 128),
		checkLen("task_id", queryParam(q, "task_id"), 1, 128),
	} {
		if chk != nil {
			return chk
		}
	}
	intParam := func(name string, lo, hi, def int) (int, *apiError) {
		if !q.Has(name) {
			return def, nil
		}
		n, err := strconv.Atoi(q.Get(name))
		if err != nil || n < lo || n > hi {
			return 0, hssInvalid("%s must be an integer %d-%d", name, lo, hi)
		}
		return n, nil
	}
	offset, e := intParam("offset", 0, 2000000, 0)
	if e != nil {
		return e
	}
	limit, e := intParam("limit", 10, 200, 10)
	if e != nil {
		return e
	}
	sync := q.Get("type") == "image_sync"

	s.mu.Lock()
	all := slices.Clone(s.imageTasks)
	s.mu.Unlock()
	var list []ImageScanTask
	for _, t := range all {
		isSync := t.TaskType == "autoSync" || t.TaskType == "manualSync"
		switch {
		case isSync != sync:
		case q.Has("task_type") && t.TaskType != q.Get("task_type"):
		case q.Has("global_image_type") && t.ImageType != q.Get("global_image_type"):
		case q.Has("task_id") && t.TaskID != q.Get("task_id"):
		case q.Has("task_name") && !strings.Contains(t.TaskName, q.Get("task_name")):
		case q.Get("task_status") == "scanning" && (t.TaskStatus < 0 || t.TaskStatus >= 100):
		case q.Get("task_status") == "finished" && t.TaskStatus >= 0 && t.TaskStatus < 100:
		default:
			list = append(list, t)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].BeginTime > list[j].BeginTime })
	total := len(list)
	list = list[min(offset, total):min(offset+limit, total)]
	if list == nil {
		list = []ImageScanTask{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_num": total, "data_list": list})
	return nil
}

// showVulScanPolicy is GET /v5/{project_id}/vulnerability/scan-policy.
func (s *Server) showVulScanPolicy(w http.ResponseWriter, c call) *apiError {
	if _, e := enterpriseProject(c.r.URL.Query()); e != nil {
		return e
	}
	s.mu.Lock()
	p := s.vulPolicy
	s.mu.Unlock()
	if p.ScanVulTypes == nil {
		p.ScanVulTypes = []string{}
	}
	if p.HostIDs == nil {
		p.HostIDs = []string{}
	}
	if p.Time.DayPart == nil {
		p.Time.DayPart = []int32{}
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
