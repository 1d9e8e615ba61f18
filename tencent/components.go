package tencent

import (
	"context"
	"io"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/door"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
)

// TCSS actions.
const (
	actionCreateComponentExportJob = "CreateComponentExportJob"
	actionDescribeExportJobResult  = "DescribeExportJobResult"
	actionDownload                 = "Download" // an HTTP GET of the DownloadURL
)

// componentMaxLimit is the most rows one CreateComponentExportJob exports.
const componentMaxLimit = 10000

// maxImageIDLen bounds export.Components.ImageID ("sha256:" + 64 hex is 71).
const maxImageIDLen = 256

// componentFilters translates components filters into TCSS AssetFilters.
var componentFilters = vocab.Filters{
	{Field: "name", Vendor: "ComponentName", Kind: vocab.String, Fuzzy: true, MaxLen: 256},
	{Field: "version", Vendor: "ComponentVersion", Kind: vocab.String, Fuzzy: true, MaxLen: 256},
	{Field: "type", Vendor: "ComponentType", Kind: vocab.String, Fuzzy: true, MaxLen: 256},
	{Field: "vul_level", Vendor: "VulLevel", Kind: vocab.Enumerated, Values: vocab.Enums{
		{Neutral: "critical", Vendor: "CRITICAL"},
		{Neutral: "high", Vendor: "HIGH"},
		{Neutral: "medium", Vendor: "MIDDLE"},
		{Neutral: "low", Vendor: "LOW"},
	}},
	{Field: "has_vul", Vendor: "HasVul", Kind: vocab.Bool, MaxValues: 1}, // sent as "true" or "false"
}

// componentColumns translates components columns into TCSS ExportField
// names (the fields of TCSS ImageComponent), in the default order.
var componentColumns = vocab.Columns{
	{Key: "name", Vendor: "Name", Header: "Name"},
	{Key: "version", Vendor: "Version", Header: "Version"},
	{Key: "path", Vendor: "Path", Header: "Path"},
	{Key: "type", Vendor: "Type", Header: "Type"},
	{Key: "vul_count", Vendor: "VulCount", Header: "Vulnerabilities"},
	{Key: "image_id", Vendor: "ImageID", Header: "Image ID"},
}

// componentSpec is what a components request may ask for.
var componentSpec = vocab.Spec{Filters: componentFilters, Columns: componentColumns, Sort: true, Offset: true, MaxLimit: componentMaxLimit}

// exportStates translates TCSS ExportStatus (any case) into job states.
var exportStates = vocab.Enums{
	{Neutral: string(export.StateRunning), Vendor: "RUNNING"},
	{Neutral: string(export.StateSucceeded), Vendor: "SUCCESS"},
	{Neutral: string(export.StateFailed), Vendor: "FAILURE"},
}

// assetFilter is TCSS AssetFilters.
type assetFilter struct {
	Name       string   `json:"Name"`
	Values     []string `json:"Values"`
	ExactMatch bool     `json:"ExactMatch"`
}

// createComponentExportJobRequest is the body of TCSS CreateComponentExportJob.
type createComponentExportJobRequest struct {
	ImageID     string        `json:"ImageID"`
	ExportField []string      `json:"ExportField,omitempty"`
	Limit       uint64        `json:"Limit,omitempty"`
	Offset      uint64        `json:"Offset,omitempty"`
	Filters     []assetFilter `json:"Filters,omitempty"`
	By          string        `json:"By,omitempty"`
	Order       string        `json:"Order,omitempty"`
}

type createComponentExportJobResponse struct {
	JobId     string `json:"JobId"`
	RequestId string `json:"RequestId"`
}

// describeExportJobResultRequest is the body of TCSS DescribeExportJobResult.
type describeExportJobResultRequest struct {
	JobId string `json:"JobId"`
}

type describeExportJobResultResponse struct {
	ExportStatus   *string  `json:"ExportStatus"`
	DownloadURL    *string  `json:"DownloadURL"`
	ExportProgress *float64 `json:"ExportProgress"`
	FailureMsg     *string  `json:"FailureMsg"`
	RequestId      string   `json:"RequestId"`
}

// componentsRequest validates a components target and translates the
// request, whose filters, columns, sort and paging the door checked (c),
// into the CreateComponentExportJob body. It sends nothing.
func componentsRequest(t export.Components, req export.Request, c vocab.Checked) (createComponentExportJobRequest, error) {
	var out createComponentExportJobRequest
	if err := checkImageID(t.ImageID); err != nil {
		return out, err
	}
	out.ImageID = t.ImageID
	for _, f := range c.Filters {
		out.Filters = append(out.Filters, assetFilter{Name: f.Spec.Vendor, Values: f.Values, ExactMatch: f.Exact})
	}
	for i, col := range c.Columns {
		if col.Header != col.Spec.Header {
			return out, errs.Invalid("Columns[%d] (%s): TCSS writes its own column titles, so a custom Header cannot be honoured; leave Header empty", i, col.Spec.Key)
		}
		out.ExportField = append(out.ExportField, col.Spec.Vendor)
	}
	if c.SortBy != "" {
		out.By = c.SortBy
		out.Order = "asc"
		if req.Sort.Desc {
			out.Order = "desc"
		}
	}
	out.Offset = uint64(req.Offset)
	out.Limit = uint64(req.Limit)
	return out, nil
}

// checkImageID validates export.Components.ImageID.
func checkImageID(id string) error {
	if id == "" {
		return errs.Invalid("Target.ImageID: empty; want the local image id, e.g. sha256:…")
	}
	if n := utf8.RuneCountInString(id); n > maxImageIDLen {
		return errs.Invalid("Target.ImageID: %d characters; want at most %d", n, maxImageIDLen)
	}
	if !utf8.ValidString(id) || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return errs.Invalid("Target.ImageID: %q contains spaces or control characters; want an image id such as sha256:…", id)
	}
	return nil
}

// createComponents starts a TCSS CreateComponentExportJob.
func (p *Provider) createComponents(ctx context.Context, req export.Request, c vocab.Checked) (export.Job, error) {
	t, err := door.Target[export.Components](req)
	if err != nil {
		return export.Job{}, err
	}
	body, err := componentsRequest(t, req, c)
	if err != nil || req.DryRun {
		return export.Job{}, err
	}
	var resp createComponentExportJobResponse
	if err := p.callTCSS(ctx, actionCreateComponentExportJob, body, &resp); err != nil {
		return export.Job{}, err
	}
	if resp.JobId == "" {
		return export.Job{}, &errs.Error{Code: errs.Internal, Provider: Name, Service: serviceTCSS, Action: actionCreateComponentExportJob, RequestID: resp.RequestId, Message: "the answer has no JobId"}
	}
	return export.Job{
		Provider: Name,
		Service:  serviceTCSS,
		Kind:     export.KindComponents,
		ID:       resp.JobId,
		Region:   p.region,
		Scope:    map[string]string{"image_id": t.ImageID},
		Created:  time.Now().UTC(),
	}, nil
}

// pollComponents reads a TCSS export job's progress.
func (p *Provider) pollComponents(ctx context.Context, job export.Job) (export.Status, error) {
	var resp describeExportJobResultResponse
	if err := p.callTCSS(ctx, actionDescribeExportJobResult, describeExportJobResultRequest{JobId: job.ID}, &resp); err != nil {
		return export.Status{}, err
	}
	return componentsStatus(job, resp)
}

// componentsStatus translates a DescribeExportJobResult answer.
func componentsStatus(job export.Job, r describeExportJobResultResponse) (export.Status, error) {
	st := export.Status{Job: job, Progress: -1}
	if r.ExportProgress != nil {
		st.Progress = clamp01(*r.ExportProgress / 100)
	}
	status := ""
	if r.ExportStatus != nil {
		status = *r.ExportStatus
	}
	state, ok := exportStates.ToNeutral(status)
	if !ok {
		return st, door.UnknownState(Name, serviceTCSS, actionDescribeExportJobResult, "ExportStatus", status, exportStates.Vendor())
	}
	st.State = export.State(state)
	switch st.State {
	case export.StateSucceeded:
		st.Progress = 1
		if r.DownloadURL != nil && *r.DownloadURL != "" {
			st.Files = []export.File{{Name: fileName(job.ID, *r.DownloadURL), URL: *r.DownloadURL}}
		} else {
			st.Message = "TCSS reported SUCCESS without a DownloadURL"
		}
	case export.StateFailed:
		if r.FailureMsg != nil {
			st.Message = errs.Clip(*r.FailureMsg)
		}
	}
	return st, nil
}

func clamp01(f float64) float64 {
	switch {
	case f != f: // NaN
		return -1
	case f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

var safeFileName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}\.[A-Za-z0-9]{1,8}$`)

// fileName names a result file after the last element of its URL's path
// when that is a plain file name, else "<job id>.xlsx".
func fileName(jobID, raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if b := path.Base(u.Path); safeFileName.MatchString(b) {
			return b
		}
	}
	id := strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return r
		}
		return '_'
	}, jobID)
	return id + ".xlsx"
}

// fileTables is, by kind, what the adapter knows of the files it
// downloads: their column titles with the neutral key of each, and the
// neutral spelling of their cells (see Download). Components are not
// listed: the titles TCSS writes are UNCONFIRMED (the emulator's
// "Component" is not componentColumns' "Name"), and a header half mapped
// to keys is worse than one left as the vendor wrote it. Nor have their
// cells a vocabulary to spell them in: no components column is an
// enumerated, bool or time filter of componentFilters.
var fileTables = map[export.Kind]vocab.FileTable{
	export.KindVulnerabilities: {Titles: cwpVulTitles, Cell: cwpVulCell},
}

// downloadURL fetches a result file's presigned URL (TCSS DownloadURL, CWP
// DownloadUrl) through the job's service's download policy (see Download).
// The body it returns also has a Columns method giving the neutral key of
// each column title of the kind's file, which rows.NewReader uses, and
// NeutralCell (fileTables).
func (p *Provider) downloadURL(ctx context.Context, job export.Job, f export.File) (io.ReadCloser, error) {
	rc, err := p.fetch(ctx, job.Service, f)
	if err != nil {
		return nil, err
	}
	return vocab.Describe(rc, fileTables[job.Kind]), nil
}
