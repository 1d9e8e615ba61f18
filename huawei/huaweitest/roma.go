package huaweitest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"time"

	"github.com/cloudexport/cloudexport/internal/emulator"
)

// Limits of ExportAsset.
const (
	maxAssetIDs  = 100 // apps and tasks together
	maxAppIDLen  = 36  // application ids are UUIDs (docs' examples; no maximum is documented)
	maxTaskIDLen = 32  // OpenAPI AssetExportTask: 1-32
)

// romaJob is one ExportAsset job.
type romaJob struct {
	id, archiveID string
	instance      string
	job           emulator.Job
	apps          []App
	tasks         []Task
	reasons       []assetJobReason
	downloaded    bool
}

// assetJobReason is AssetJobReason.
type assetJobReason struct {
	ResourceType string `json:"resource_type"` // application, task
	ResourceName string `json:"resource_name"`
	ErrorCode    string `json:"error_code"`
	ErrorMsg     string `json:"error_msg"`
}

// assetExportRequest is AssetExportRequest. The current docs and the
// OpenAPI definition mark both lists mandatory, so an absent or null list is
// refused; an empty one is fine.
type assetExportRequest struct {
	Apps  *[]assetRef `json:"apps"`
	Tasks *[]assetRef `json:"tasks"`
}

type assetRef struct {
	ID *string `json:"id"`
}

func romaInvalid(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, codeROMAInvalid, "Parameter is not valid for operation [ExportAsset]. "+format, args...)
}

// exportAsset is POST /v2/{project_id}/instances/{instance_id}/assets/export.
func (s *Server) exportAsset(w http.ResponseWriter, c call) *apiError {
	var req assetExportRequest
	if len(bytes.TrimSpace(c.body)) == 0 {
		return romaInvalid("The request body is required.")
	}
	if err := decodeStrict(c.body, &req); err != nil {
		return romaInvalid("Malformed request body: %v.", err)
	}
	for _, l := range []struct {
		name string
		refs *[]assetRef
	}{{"apps", req.Apps}, {"tasks", req.Tasks}} {
		if l.refs == nil {
			return romaInvalid("Parameter is [%s]. The %s list is mandatory; send [] for none.", l.name, l.name)
		}
	}
	if n := len(*req.Apps) + len(*req.Tasks); n == 0 {
		return romaInvalid("Parameter is [apps]. At least one application or task is required.")
	} else if n > maxAssetIDs {
		return romaInvalid("Parameter is [apps, tasks]. At most %d applications and tasks are allowed, got %d.", maxAssetIDs, n)
	}
	check := func(kind string, refs []assetRef, maxLen int) ([]string, *apiError) {
		ids := make([]string, len(refs))
		for i, r := range refs {
			if r.ID == nil {
				return nil, romaInvalid("Parameter is [%s[%d].id]. The id is required.", kind, i)
			}
			if n := len(*r.ID); n < 1 || n > maxLen {
				return nil, romaInvalid("Parameter is [%s[%d].id]. The id must be 1-%d characters.", kind, i, maxLen)
			}
			ids[i] = *r.ID
		}
		return ids, nil
	}
	appIDs, e := check("apps", *req.Apps, maxAppIDLen)
	if e != nil {
		return e
	}
	taskIDs, e := check("tasks", *req.Tasks, maxTaskIDLen)
	if e != nil {
		return e
	}

	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.instance == c.instance && !j.job.Done(now) {
			return errorf(http.StatusConflict, codeROMAJobBusy, "An asset job is already running in instance %s: job %s. Only one job may be in the Running state at a time.", c.instance, j.id)
		}
	}
	j := &romaJob{id: s.nextID("job"), instance: c.instance, job: s.NewJob()}
	for _, id := range appIDs {
		if a, ok := findApp(s.apps, id); ok {
			j.apps = append(j.apps, a)
			continue
		}
		j.reasons = append(j.reasons, assetJobReason{ResourceType: "application", ResourceName: id, ErrorCode: codeROMANotFound, ErrorMsg: "The application does not exist."})
	}
	for _, id := range taskIDs {
		if t, ok := findTask(s.tasks, id); ok {
			j.tasks = append(j.tasks, t)
			continue
		}
		j.reasons = append(j.reasons, assetJobReason{ResourceType: "task", ResourceName: id, ErrorCode: codeROMANotFound, ErrorMsg: "The task does not exist."})
	}
	if r := j.job.FailReason; r != "" {
		name := ""
		if len(j.apps) > 0 {
			name = j.apps[0].Name
		}
		j.reasons = append(j.reasons, assetJobReason{ResourceType: "application", ResourceName: name, ErrorCode: codeROMAJobFailed, ErrorMsg: r})
	}
	if len(j.reasons) > 10 {
		j.reasons = j.reasons[:10]
	}
	if len(j.reasons) > 0 && j.job.FailReason == "" {
		j.job.FailReason = j.reasons[0].ErrorMsg
	}
	if !j.job.Failed(j.job.Start.Add(j.job.Duration)) {
		j.archiveID = s.nextID("archive")
		s.archives[j.archiveID] = j
	}
	s.jobs[j.id] = j
	writeJSON(w, http.StatusOK, map[string]string{"job_id": j.id})
	return nil
}

func findApp(apps []App, id string) (App, bool) {
	for _, a := range apps {
		if a.ID == id {
			return a, true
		}
	}
	return App{}, false
}

func findTask(tasks []Task, id string) (Task, bool) {
	for _, t := range tasks {
		if t.ID == id {
			return t, true
		}
	}
	return Task{}, false
}

// checkAssetJobStatus is GET /v2/{project_id}/instances/{instance_id}/assets/jobs/{job_id}.
func (s *Server) checkAssetJobStatus(w http.ResponseWriter, c call) *apiError {
	now := time.Now()
	s.mu.Lock()
	j, ok := s.jobs[c.id]
	docs := s.docsStyle
	var downloaded bool
	if ok {
		downloaded = j.downloaded
	}
	s.mu.Unlock()
	if !ok || j.instance != c.instance {
		return errorf(http.StatusNotFound, codeROMANotFound, "The resource does not exist. Check whether the resource ID %s is correct.", c.id)
	}
	resp := map[string]any{
		"id":               j.id,
		"type":             "exportAsset",
		"progress_percent": j.job.Progress(now),
		"begin_time":       j.job.Start.UTC().Format(time.RFC3339),
	}
	status := func(sdk, doc string) string {
		if docs {
			return doc
		}
		return sdk
	}
	switch {
	case !j.job.Done(now):
		resp["status"] = status("RUNNING", "Running")
	case j.job.Failed(now):
		resp["status"] = status("FAILED", "Failed")
		resp["reasons"] = j.reasons
	case downloaded:
		resp["status"] = status("SUCCEEDED", "Finished")
	default:
		resp["status"] = status("SUCCEEDED", "Success")
		resp["archive_id"] = j.archiveID
	}
	if j.job.Done(now) {
		resp["end_time"] = j.job.Start.Add(j.job.Duration).UTC().Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// downloadAssetArchive is GET /v2/{project_id}/instances/{instance_id}/assets/archives/{archive_id}:
// a real .zip, served once.
func (s *Server) downloadAssetArchive(w http.ResponseWriter, c call) *apiError {
	now := time.Now()
	s.mu.Lock()
	j, ok := s.archives[c.id]
	if !ok || j.instance != c.instance || !j.job.Done(now) {
		s.mu.Unlock()
		return errorf(http.StatusNotFound, codeROMANotFound, "The resource does not exist. Check whether the resource ID %s is correct.", c.id)
	}
	if j.downloaded {
		s.mu.Unlock()
		return errorf(http.StatusGone, codeROMAGone, "The asset archive %s has already been downloaded. An archive can be downloaded only once.", c.id)
	}
	j.downloaded = true
	s.mu.Unlock()

	data, err := assetZip(j)
	if err != nil {
		return errorf(http.StatusInternalServerError, codeROMAInternal, "Building the archive failed: %v", err)
	}
	writeFile(w, "assets-"+j.id+".zip", data)
	return nil
}

// assetZip builds the archive: manifest.csv (type,id,name), then
// apps/<id>.json and tasks/<id>.json.
func assetZip(j *romaJob) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	mf, err := zw.Create("manifest.csv")
	if err != nil {
		return nil, err
	}
	cw := csv.NewWriter(mf)
	_ = cw.Write([]string{"type", "id", "name"})
	for _, a := range j.apps {
		_ = cw.Write([]string{"application", a.ID, a.Name})
	}
	for _, t := range j.tasks {
		_ = cw.Write([]string{"task", t.ID, t.Name})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	put := func(name string, v any) error {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	for _, a := range j.apps {
		if err := put("apps/"+escape(a.ID)+".json", a); err != nil {
			return nil, err
		}
	}
	for _, t := range j.tasks {
		if err := put("tasks/"+escape(t.ID)+".json", t); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
