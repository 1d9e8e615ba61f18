package huawei

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/door"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/provider"
)

// The HSS operations the containers export uses (SDK operation names).
const (
	actionExportContainerList      = "ExportContainerList"
	actionListQueryExportTask      = "ListQueryExportTask"
	actionListDownloadExportedFile = "ListDownloadExportedFile"
)

// maxExportSize is HSS export_size's upper bound, and its default.
const maxExportSize = 100000

// containerFilters is the containers filter table: neutral field, HSS body
// field, value kind and limits (ExportContainerListRequestBody). Every
// filter takes one value; HSS has no match switch, so Like is rejected.
var containerFilters = vocab.Filters{
	{Field: "cluster_container", Vendor: "cluster_container", Kind: vocab.Bool, MaxValues: 1},
	{Field: "cluster_type", Vendor: "cluster_type", Kind: vocab.Enumerated, MaxValues: 1, Values: vocab.Enums{
		{Neutral: "cce", Vendor: "cce"},
		{Neutral: "ali", Vendor: "ali"},
		{Neutral: "tencent", Vendor: "tencent"},
		{Neutral: "azure", Vendor: "azure"},
		{Neutral: "aws", Vendor: "aws"},
		{Neutral: "self_built_hw", Vendor: "self_built_hw"},
		{Neutral: "self_built_idc", Vendor: "self_built_idc"},
	}},
	{Field: "cluster_name", Vendor: "cluster_name", Kind: vocab.String, MaxValues: 1, MinLen: 1, MaxLen: 255},
	{Field: "container_name", Vendor: "container_name", Kind: vocab.String, MaxValues: 1, MinLen: 1, MaxLen: 255},
	{Field: "pod_name", Vendor: "pod_name", Kind: vocab.String, MaxValues: 1, MinLen: 1, MaxLen: 512},
	{Field: "image_name", Vendor: "image_name", Kind: vocab.String, MaxValues: 1, MinLen: 1, MaxLen: 255},
	{Field: "status", Vendor: "status", Kind: vocab.Enumerated, MaxValues: 1, Values: vocab.Enums{
		{Neutral: "running", Vendor: "Running"},
		{Neutral: "waiting", Vendor: "Waiting"},
		{Neutral: "terminated", Vendor: "Terminated"},
		{Neutral: "isolated", Vendor: "Isolated"},
		{Neutral: "paused", Vendor: "Paused"},
	}},
	{Field: "risky", Vendor: "risky", Kind: vocab.Bool, MaxValues: 1},
	{Field: "create_time", Vendor: "create_time", Kind: vocab.TimeRange},
	{Field: "cpu_limit", Vendor: "cpu_limit", Kind: vocab.String, MaxValues: 1, MinLen: 1, MaxLen: 64,
		Pattern: regexp.MustCompile(`^[0-9]+m$`), Example: "100m"},
	{Field: "memory_limit", Vendor: "memory_limit", Kind: vocab.String, MaxValues: 1, MinLen: 1, MaxLen: 64,
		Pattern: regexp.MustCompile(`^[0-9]+(Mi|Gi)$`), Example: "300Mi"},
}

// containerColumns is the containers column table: neutral key, HSS
// export_headers key and the default English header, in the default order.
var containerColumns = vocab.Columns{
	{Key: "container_id", Vendor: "container_id", Header: "Container ID"},
	{Key: "container_name", Vendor: "container_name", Header: "Container Name"},
	{Key: "image_name", Vendor: "image_name", Header: "Image Name"},
	{Key: "pod_name", Vendor: "pod_name", Header: "Pod Name"},
	{Key: "cluster_name", Vendor: "cluster_name", Header: "Cluster Name"},
	{Key: "cluster_type", Vendor: "cluster_type", Header: "Cluster Type"},
	{Key: "status", Vendor: "status", Header: "Status"},
	{Key: "risky", Vendor: "risky", Header: "Risky"},
	{Key: "low_risk", Vendor: "low_risk", Header: "Low Risk"},
	{Key: "medium_risk", Vendor: "medium_risk", Header: "Medium Risk"},
	{Key: "high_risk", Vendor: "high_risk", Header: "High Risk"},
	{Key: "fatal_risk", Vendor: "fatal_risk", Header: "Fatal Risk"},
	{Key: "create_time", Vendor: "create_time", Header: "Create Time"},
	{Key: "restart_count", Vendor: "restart_count", Header: "Restart Count"},
	{Key: "cpu_limit", Vendor: "cpu_limit", Header: "CPU Limit"},
	{Key: "memory_limit", Vendor: "memory_limit", Header: "Memory Limit"},
}

// containerDefaultHeaders is export_headers for a request that names no
// columns: every column with its default header, in the default order.
var containerDefaultHeaders = defaultHeaders(containerColumns)

// defaultHeaders is the export_headers value ([key, header] pairs) of every
// column of cs with its default header.
func defaultHeaders(cs vocab.Columns) [][2]string {
	h := make([][2]string, len(cs))
	for i, c := range cs {
		h[i] = [2]string{c.Vendor, c.Header}
	}
	return h
}

// containerSpec is what a containers request may ask for: no sort, no
// offset, up to maxExportSize rows.
var containerSpec = vocab.Spec{Filters: containerFilters, Columns: containerColumns, MaxLimit: maxExportSize,
	NoSort: "HSS ExportContainerList has no sort"}

// containerExport is a validated containers request in HSS terms.
type containerExport struct {
	entProject string
	size       int
	filters    []containerFilter // ExportContainerListRequestBody's filter members, in key order
	headers    string            // export_headers' JSON value
}

// translateContainers validates the target and builds, from the request the
// door checked (c), the ExportContainerList
// request from the tables.
func (p *Provider) translateContainers(req export.Request, t export.Containers, c vocab.Checked) (containerExport, error) {
	filters, cols := c.Filters, c.Columns
	ep := t.EnterpriseProject // checked at the door; Options.EnterpriseProject by New
	if ep == "" {
		ep = p.entProject
	}
	members := make([]containerFilter, len(filters))
	for i, f := range filters {
		m := containerFilter{key: f.Spec.Vendor}
		switch f.Spec.Kind {
		case vocab.Bool:
			m.kind, m.value = filterBool, f.Values[0]
		case vocab.TimeRange:
			m.kind, m.from, m.to = filterRange, f.From.UnixMilli(), f.To.UnixMilli()
		default:
			m.kind, m.value = filterString, f.Values[0]
		}
		members[i] = m
	}
	sortFilters(members)
	headers := containerDefaultHeadersJSON // built once
	if len(req.Columns) != 0 {
		pairs := make([][2]string, len(cols)) // [key, header] pairs
		for i, c := range cols {
			pairs[i] = [2]string{c.Spec.Vendor, c.Header}
		}
		headers = string(appendHeaders(nil, pairs))
	}
	size := req.Limit
	if size == 0 {
		size = maxExportSize
	}
	return containerExport{entProject: ep, size: size, filters: members, headers: headers}, nil
}

// A create_time range goes to HSS as {"start_time","end_time"} in epoch
// milliseconds (containersBody). The door has filled open bounds (From
// with the epoch, To with the largest create_time HSS documents,
// check.DefaultWindow) and checked that the range is ordered and inside
// that window, so the request never depends on how HSS reads a missing
// bound.

func (p *Provider) createContainers(ctx context.Context, req export.Request, c vocab.Checked) (export.Job, error) {
	t, err := door.Target[export.Containers](req)
	if err != nil {
		return export.Job{}, err
	}
	x, err := p.translateContainers(req, t, c)
	if err != nil || req.DryRun {
		return export.Job{}, err
	}
	job := export.Job{Provider: Name, Service: ServiceHSS, Kind: export.KindContainers, Region: p.region,
		Scope: map[string]string{"project_id": p.projectID}}
	if x.entProject != "" {
		job.Scope["enterprise_project_id"] = x.entProject
	}
	body := containersBody(x.filters, x.headers)
	q := p.containersQuery(x.entProject, x.size)
	var out struct {
		TaskID string `json:"task_id"`
	}
	err = p.callJSON(ctx, call{service: ServiceHSS, action: actionExportContainerList, method: http.MethodPost,
		project: p.projectID, path: p.containersPath, query: q, body: body}, &out)
	if err != nil {
		return export.Job{}, err
	}
	if out.TaskID == "" {
		return export.Job{}, &provider.Error{Code: provider.Internal, Provider: Name, Service: ServiceHSS, Action: actionExportContainerList,
			HTTPStatus: http.StatusOK, Message: "the answer has no task_id"}
	}
	job.ID = out.TaskID
	job.Created = time.Now().UTC()
	return job, nil
}

// containersQuery is ExportContainerList's query for enterprise project ep
// and export_size size. The common one (the Provider's enterprise project,
// the default size) is built once by New and shared: it is never changed.
func (p *Provider) containersQuery(ep string, size int) url.Values {
	if ep == p.entProject && size == maxExportSize && p.containersDefaultQuery != nil {
		return p.containersDefaultQuery
	}
	return entQuery(ep, "export_size", strconv.Itoa(size))
}

// hssTask is the part of the ListQueryExportTask answer the adapter reads.
type hssTask struct {
	TaskName   string `json:"task_name"`
	TaskStatus string `json:"task_status"`
	FileID     string `json:"file_id"`
	FileName   string `json:"file_name"`
}

func (p *Provider) pollContainers(ctx context.Context, job export.Job) (export.Status, error) {
	pid := p.jobProject(job)
	var out hssTask
	err := p.callJSON(ctx, call{service: ServiceHSS, action: actionListQueryExportTask, method: http.MethodGet,
		project: pid, path: "/v5/" + pid + "/export-task/" + job.ID, query: entQuery(job.Scope["enterprise_project_id"])}, &out)
	if err != nil {
		return export.Status{}, err
	}
	return hssStatus(job, out)
}

// hssTaskStates translates HSS task_status (case-insensitive).
var hssTaskStates = vocab.Enums{
	{Neutral: string(export.StateRunning), Vendor: "running"},
	{Neutral: string(export.StateSucceeded), Vendor: "success"},
	{Neutral: string(export.StateFailed), Vendor: "failure"},
}

// hssStatus translates an HSS export task by hssTaskStates; HSS reports no
// progress. An unknown or missing status is an Internal error naming it.
func hssStatus(job export.Job, t hssTask) (export.Status, error) {
	st, err := statusFrom(job, hssTaskStates, ServiceHSS, actionListQueryExportTask, "HSS task_status", t.TaskStatus)
	if err != nil {
		return st, err
	}
	switch st.State {
	case export.StateSucceeded:
		st.Progress = 1
		if t.FileID == "" {
			st.Message = "HSS reported success without a file_id"
			break
		}
		name := t.FileName
		if !plainFileName(name) {
			name = t.FileID // checked as an id at the door
		}
		st.Files = []export.File{{ID: t.FileID, Name: name}}
	case export.StateFailed:
		st.Message = "HSS export task failed (task_status failure; HSS gives no reason)"
		if t.TaskName != "" {
			st.Message = fmt.Sprintf("HSS export task %q failed (task_status failure; HSS gives no reason)", errs.Clip(t.TaskName))
		}
	}
	return st, nil
}

// maxFileNameLen bounds an HSS file_name (1–255 characters, as documented).
const maxFileNameLen = 255

// plainFileName reports whether name, an HSS file_name, can be shown and
// used as a file name as it is: 1 to maxFileNameLen characters of valid
// UTF-8, no path separator, no control or format character (a terminal
// escape, a bidi override), and not "." or "..". Any other name is replaced
// by the file id.
func plainFileName(name string) bool {
	if name == "" || name == "." || name == ".." || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxFileNameLen {
		return false
	}
	return strings.IndexFunc(name, func(r rune) bool {
		return r == '/' || r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) < 0
}

// hssFileTables is, by kind, what the adapter knows of the HSS files it
// downloads: the default headers sent in export_headers and the
// export_headers keys, with the neutral key of each, and the neutral
// spelling of cells (see Download). A containers cell is read by the
// filter table the request was translated with, the other way
// (status Running is running, create_time in epoch milliseconds is RFC
// 3339), so rows speak the words filters take.
var hssFileTables = map[export.Kind]vocab.FileTable{
	export.KindContainers:      {Titles: containerColumns.Titles(), Cell: containerFilters.NeutralCells(epochMillis)},
	export.KindVulnerabilities: {Titles: hssVulnColumns.Titles(), Cell: hssVulCell},
}

// downloadContainers fetches an HSS export file (ListDownloadExportedFile),
// for containers and vulnerabilities jobs alike. The body it returns also
// has a Columns method giving the neutral key of each default title, which
// rows.NewReader uses, and NeutralCell (hssFileTables).
func (p *Provider) downloadContainers(ctx context.Context, job export.Job, f export.File) (io.ReadCloser, error) {
	if err := checkID("File.ID (HSS file_id)", f.ID, 128); err != nil {
		return nil, err
	}
	pid := p.jobProject(job)
	resp, _, err := p.send(ctx, call{service: ServiceHSS, action: actionListDownloadExportedFile, method: http.MethodGet,
		project: pid, path: "/v5/" + pid + "/download/" + f.ID, query: entQuery(job.Scope["enterprise_project_id"]), file: true})
	if err != nil {
		return nil, err
	}
	return vocab.Describe(resp.Body, hssFileTables[job.Kind]), nil
}

// entQuery is an HSS query of the given key, value pairs plus
// enterprise_project_id set to ep, if any; nil when empty.
func entQuery(ep string, kv ...string) url.Values {
	if ep == "" && len(kv) == 0 {
		return nil
	}
	q := make(url.Values, len(kv)/2+1)
	for i := 0; i+1 < len(kv); i += 2 {
		q[kv[i]] = []string{kv[i+1]}
	}
	if ep != "" {
		q["enterprise_project_id"] = []string{ep}
	}
	return q
}
