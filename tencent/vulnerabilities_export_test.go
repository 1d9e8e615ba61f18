package tencent

// Exposed to the external tests until the front door calls these itself.

import (
	"encoding/json"

	"github.com/cloudexport/cloudexport/export"
)

// VulnerabilitiesBody is vulnerabilitiesRequest's body as JSON.
func VulnerabilitiesBody(req export.Request) (json.RawMessage, error) {
	t, _ := req.Target.(export.Vulnerabilities)
	body, err := vulnerabilitiesRequest(t, req)
	if err != nil {
		return nil, err
	}
	return json.Marshal(body)
}

// VulnStatus is vulnStatus on an ExportTasks answer given as JSON.
func VulnStatus(job export.Job, answer []byte) (export.Status, error) {
	var r exportTasksResponse
	if err := json.Unmarshal(answer, &r); err != nil {
		return export.Status{}, err
	}
	return vulnStatus(job, r)
}

// CWPVulTable is cwpVulTable.
var CWPVulTable = cwpVulTable

// ScanSetting decodes a DescribeScanVulSetting answer.
func ScanSetting(answer []byte) (HostVulScanSetting, error) {
	var s HostVulScanSetting
	err := json.Unmarshal(answer, &s)
	return s, err
}
