package huawei

// Exposed to the external tests until the front door calls these itself.

import (
	"encoding/json"
	"net/url"

	"github.com/cloudexport/cloudexport/export"
)

// VulnerabilitiesCall is vulnerabilitiesRequest's query and JSON body.
func VulnerabilitiesCall(req export.Request, defaultEP string) (url.Values, []byte, error) {
	t, _ := req.Target.(export.Vulnerabilities)
	x, err := vulnerabilitiesRequest(t, req, defaultEP)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(x.body)
	return x.query, b, err
}

// HSSVulTable is hssVulTable.
var HSSVulTable = hssVulTable
