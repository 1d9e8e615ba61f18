package huawei

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/check"
	"github.com/cloudexport/cloudexport/internal/door"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/provider"
)

// The ROMA Connect operations the assets export uses (SDK operation names).
const (
	actionExportAsset          = "ExportAsset"
	actionCheckAssetJobStatus  = "CheckAssetJobStatus"
	actionDownloadAssetArchive = "DownloadAssetArchive"
)

const maxAssetIDs = check.ROMAMaxAssetIDs // app and task ids per job, in total

// assetIDs are the ids of an assets target, checked at the door
// (check.ID's alphabet): the instance (0-64), application ids in the
// documented 36-character UUID form, task ids 1-32, at most 100 of each
// (and of both together, checked by translateAssets).
var assetIDs = []door.ID{
	{Name: "InstanceID", Max: check.ROMAInstanceIDLen},
	{Name: "AppIDs", Max: check.ROMAAppIDLen, Count: maxAssetIDs},
	{Name: "TaskIDs", Max: check.ROMATaskIDLen, Count: maxAssetIDs},
}

// assetSpec is what an assets request may ask for: ids only, at most
// maxAssetIDs per job, one job per instance at a time.
var assetSpec = vocab.Spec{MaxIDs: maxAssetIDs, Concurrency: 1}

// assetID is one id of the ExportAsset body.
type assetID struct {
	ID string `json:"id"`
}

// assetExportBody is the ExportAsset body (AssetExportRequest): "apps" is
// always sent, and so is "tasks", as [] when empty: the SDK requires apps,
// and the current docs and OpenAPI definition mark both mandatory.
type assetExportBody struct {
	Apps  []assetID `json:"apps"`
	Tasks []assetID `json:"tasks"`
}

// translateAssets validates the target and returns the instance and the body.
func (p *Provider) translateAssets(t export.Assets) (string, assetExportBody, error) {
	inst := t.InstanceID // checked at the door; Options.ROMAInstanceID by New
	if inst == "" {
		inst = p.romaInst
	}
	if inst == "" {
		return "", assetExportBody{}, invalid("Target.InstanceID: no ROMA Connect instance given; set export.Assets.InstanceID or huawei.Options.ROMAInstanceID")
	}
	n := len(t.AppIDs) + len(t.TaskIDs)
	if n == 0 {
		return "", assetExportBody{}, invalid("Target: no ids; give at least one of AppIDs or TaskIDs (at most %d in total per job)", maxAssetIDs)
	}
	if n > maxAssetIDs {
		return "", assetExportBody{}, invalid("Target: %d app and task ids; one ROMA job takes at most %d in total; use provider.Export to split the request", n, maxAssetIDs)
	}
	// The door checked each id (assetIDs) and that none is given twice.
	body := assetExportBody{Apps: make([]assetID, len(t.AppIDs)), Tasks: make([]assetID, len(t.TaskIDs))}
	for i, id := range t.AppIDs {
		body.Apps[i] = assetID{ID: id}
	}
	for i, id := range t.TaskIDs {
		body.Tasks[i] = assetID{ID: id}
	}
	return inst, body, nil
}

func (p *Provider) createAssets(ctx context.Context, req export.Request, _ vocab.Checked) (export.Job, error) {
	t, err := door.Target[export.Assets](req)
	if err != nil {
		return export.Job{}, err
	}
	inst, b, err := p.translateAssets(t)
	if err != nil || req.DryRun {
		return export.Job{}, err
	}
	job := export.Job{Provider: Name, Service: ServiceROMA, Kind: export.KindAssets, Region: p.region,
		Scope: map[string]string{"project_id": p.projectID, "instance_id": inst}}
	body, err := jsonBody(b)
	if err != nil {
		return export.Job{}, err
	}

	// One running job per instance: hold the instance's lease from before
	// the create until PollJob sees the job end (lease.go).
	hold, err := p.holdROMA(ctx, romaLeaseKey(p.projectID, inst))
	if err != nil {
		return export.Job{}, err
	}
	var out struct {
		JobID string `json:"job_id"`
	}
	err = p.callJSON(ctx, call{service: ServiceROMA, action: actionExportAsset, method: http.MethodPost, project: p.projectID,
		path: "/v2/" + p.projectID + "/instances/" + inst + "/assets/export", body: body, contentType: contentJSONUTF8}, &out)
	if err == nil && out.JobID == "" {
		err = &provider.Error{Code: provider.Internal, Provider: Name, Service: ServiceROMA, Action: actionExportAsset,
			HTTPStatus: http.StatusOK, Message: "the answer has no job_id"}
	}
	if err != nil {
		p.romaCreated(ctx, hold, nil)
		return export.Job{}, err
	}
	job.ID = out.JobID
	job.Created = time.Now().UTC()
	p.romaCreated(ctx, hold, &job)
	return job, nil
}

// romaJob is the part of the CheckAssetJobStatus answer the adapter reads.
type romaJob struct {
	Status          string       `json:"status"`
	Reasons         []romaReason `json:"reasons"`
	Reason          []romaReason `json:"reason"` // the docs' spelling
	ProgressPercent *float64     `json:"progress_percent"`
	ArchiveID       string       `json:"archive_id"`
}

type romaReason struct {
	ResourceType string `json:"resource_type"`
	ResourceName string `json:"resource_name"`
	ErrorCode    string `json:"error_code"`
	ErrorMsg     string `json:"error_msg"`
}

func (p *Provider) pollAssets(ctx context.Context, job export.Job) (export.Status, error) {
	inst := job.Scope["instance_id"] // checked by checkJob
	pid := p.jobProject(job)
	var out romaJob
	err := p.callJSON(ctx, call{service: ServiceROMA, action: actionCheckAssetJobStatus, method: http.MethodGet, project: pid,
		path: "/v2/" + pid + "/instances/" + inst + "/assets/jobs/" + job.ID}, &out)
	if err != nil {
		if errors.Is(err, provider.ErrNotFound) {
			p.romaPolled(ctx, job, true) // ROMA no longer knows the job: it is not running
		}
		return export.Status{}, err
	}
	st, err := romaStatus(job, out)
	if err != nil {
		return st, err
	}
	p.romaPolled(ctx, job, st.Done())
	return st, nil
}

// romaJobStates translates ROMA CheckAssetJobStatus status
// (case-insensitive): the SDK enum, then the older documentation's spellings
// that differ from it (Running and Failed match by case). Finished means the
// archive was already downloaded, so ROMA no longer gives archive_id.
var romaJobStates = vocab.Enums{
	{Neutral: string(export.StateRunning), Vendor: "RUNNING"},
	{Neutral: string(export.StateSucceeded), Vendor: "SUCCEEDED"},
	{Neutral: string(export.StateFailed), Vendor: "FAILED"},
	{Neutral: string(export.StateSucceeded), Vendor: "Success"},
	{Neutral: string(export.StateSucceeded), Vendor: "Finished"},
}

// romaStatus translates a ROMA asset job by romaJobStates. A succeeded job
// has its archive as the one file; without archive_id (Finished, or
// SUCCEEDED once downloaded) it has no file and a Message saying so. A failed
// job has the reasons in Message; an unknown or missing status is an
// Internal error naming it. progress_percent is a fraction (a value above 1 is
// read as a percentage); none is -1.
func romaStatus(job export.Job, j romaJob) (export.Status, error) {
	st, err := statusFrom(job, romaJobStates, ServiceROMA, actionCheckAssetJobStatus, "ROMA job status", j.Status)
	if err != nil {
		return st, err
	}
	if j.ProgressPercent != nil {
		v := *j.ProgressPercent
		if v > 1 && v <= 100 {
			v /= 100
		}
		st.Progress = min(max(v, 0), 1)
	}
	switch st.State {
	case export.StateSucceeded:
		st.Progress = 1
		if j.ArchiveID == "" {
			st.Message = fmt.Sprintf("the archive of this job was already downloaded (ROMA status %s); ROMA serves each archive once, so export again to get it", j.Status)
			break
		}
		st.Files = []export.File{{ID: j.ArchiveID, Name: j.ArchiveID + ".zip"}}
	case export.StateFailed:
		st.Message = errs.Clip(romaReasons(append(j.Reasons, j.Reason...)))
	}
	return st, nil
}

// romaReasons joins failure reasons as "application X: code: msg; …".
func romaReasons(rs []romaReason) string {
	if len(rs) == 0 {
		return "ROMA reported the job FAILED without reasons"
	}
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		var b strings.Builder
		if r.ResourceType != "" || r.ResourceName != "" {
			b.WriteString(strings.TrimSpace(r.ResourceType + " " + r.ResourceName))
			b.WriteString(": ")
		}
		if r.ErrorCode != "" {
			b.WriteString(r.ErrorCode)
			if r.ErrorMsg != "" {
				b.WriteString(": ")
			}
		}
		b.WriteString(r.ErrorMsg)
		parts = append(parts, strings.TrimSuffix(b.String(), ": "))
	}
	return strings.Join(parts, "; ")
}

func (p *Provider) downloadAssets(ctx context.Context, job export.Job, f export.File) (io.ReadCloser, error) {
	inst := job.Scope["instance_id"] // checked by checkJob
	if err := checkID("File.ID (ROMA archive_id)", f.ID, 128); err != nil {
		return nil, err
	}
	pid := p.jobProject(job)
	key := pid + "/" + inst + "/" + f.ID
	p.mu.Lock()
	served, seen := p.downloaded[key]
	if !seen {
		p.downloaded[key] = false // being fetched
	}
	p.mu.Unlock()
	if seen {
		what := "was already downloaded"
		if !served {
			what = "is being downloaded"
		}
		return nil, &provider.Error{Code: provider.FailedPrecondition, Provider: Name, Service: ServiceROMA, Action: actionDownloadAssetArchive,
			Message: fmt.Sprintf("archive %s of instance %s %s by this provider; ROMA serves each archive once, so export again to get it", f.ID, inst, what)}
	}
	resp, _, err := p.send(ctx, call{service: ServiceROMA, action: actionDownloadAssetArchive, method: http.MethodGet, project: pid,
		path: "/v2/" + pid + "/instances/" + inst + "/assets/archives/" + f.ID, file: true})
	p.mu.Lock()
	if err != nil {
		delete(p.downloaded, key) // not served: a later Download may try again
	} else {
		p.downloaded[key] = true
	}
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func (p *Provider) debugf(ctx context.Context, msg string, args ...any) {
	if p.loop.Log != nil {
		p.loop.Log.DebugContext(ctx, msg, args...)
	}
}
