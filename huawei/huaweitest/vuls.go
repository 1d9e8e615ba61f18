package huaweitest

// HSS ExportVuls: POST /v5/{project_id}/vul/export.
//
// The parameters follow the SDK (huaweicloud-sdk-go-v3 services/hss/v5
// model ExportVulsRequest and ExportVulRequestBody, hss_meta.go
// GenReqDefForExportVuls) and the API reference
// (https://support.huaweicloud.com/api-hss2.0/ExportVuls.html): export_size
// and category are required query parameters, export_headers the required
// body. The task it starts is read by ListQueryExportTask and downloaded by
// ListDownloadExportedFile, as container exports are.
//
// The emulator's reading of what the vendor leaves open (UNCONFIRMED): the
// allowed export_headers keys are vulColumns (field names of the
// ListVulnerabilities and ListVulHosts answers); repair_priority takes a comma
// list (the API reference's request example sends one), type and status one
// value; vul_name matches as a substring; a query parameter the operation
// does not have is rejected; the file holds one row per vulnerability and
// host (category vul: in seed order, category host: by host), its sheet is
// named "Vulnerabilities" and times are epoch milliseconds as the list APIs
// give them.

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Vulnerability is one HSS finding: one vulnerability on one host. Seed
// rows with SetVulnerabilities.
type Vulnerability struct {
	VulID             string // e.g. "EulerOS-SA-2024-1805"
	VulName           string
	CVEID             string // "" when none
	Type              string // linux_vul, windows_vul, web_cms, app_vul
	Urgent            bool   // also an emergency vulnerability (type urgent_vul)
	RepairPriority    string // Critical, High, Medium, Low
	Status            string // vul_status_unfix, vul_status_ignored, vul_status_fixed, …
	HostID            string
	HostName          string
	HostIP            string
	AppName           string // the affected software
	FirstScanTime     int64  // epoch milliseconds
	ScanTime          int64  // epoch milliseconds
	EnterpriseProject string // "" or "0" = the default enterprise project
	AssetValue        string // important, common, test
	GroupName         string
}

// SetVulnerabilities replaces the findings ExportVuls reads.
func (s *Server) SetVulnerabilities(rows []Vulnerability) {
	cp := slices.Clone(rows)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vulns = cp
}

// vulColumns are the export_headers keys ExportVuls accepts and how each
// reads a finding.
var vulColumns = map[string]func(Vulnerability) string{
	"vul_name":        func(v Vulnerability) string { return v.VulName },
	"cve_id":          func(v Vulnerability) string { return v.CVEID },
	"repair_priority": func(v Vulnerability) string { return v.RepairPriority },
	"type":            func(v Vulnerability) string { return v.Type },
	"status":          func(v Vulnerability) string { return v.Status },
	"host_id":         func(v Vulnerability) string { return v.HostID },
	"host_name":       func(v Vulnerability) string { return v.HostName },
	"host_ip":         func(v Vulnerability) string { return v.HostIP },
	"app_name":        func(v Vulnerability) string { return v.AppName },
	"first_scan_time": func(v Vulnerability) string { return strconv.FormatInt(v.FirstScanTime, 10) },
	"scan_time":       func(v Vulnerability) string { return strconv.FormatInt(v.ScanTime, 10) },
}

// VulExportKeys returns the export_headers keys ExportVuls accepts, sorted.
func VulExportKeys() []string {
	keys := make([]string, 0, len(vulColumns))
	for k := range vulColumns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var (
	vulTypes       = []string{"linux_vul", "windows_vul", "web_cms", "app_vul", "urgent_vul"}
	vulPriorities  = []string{"Critical", "High", "Medium", "Low"}
	vulStatuses    = []string{"vul_status_unfix", "vul_status_ignored", "vul_status_verified", "vul_status_fixing", "vul_status_fixed", "vul_status_reboot", "vul_status_failed", "vul_status_fix_after_reboot"}
	vulHandled     = []string{"vul_status_ignored", "vul_status_fixed", "vul_status_reboot"} // handle_status handled
	vulCategories  = []string{"vul", "host"}
	assetValues    = []string{"important", "common", "test"}
	nodeTypes      = []string{"cce", "not_cce"}
	vulQueryParams = []string{"enterprise_project_id", "type", "vul_id", "vul_name", "host_id", "export_size", "category", "limit", "offset",
		"repair_priority", "handle_status", "cve_id", "label_list", "status", "asset_value", "group_name", "node_type"}
	vulXLSXTab = "Vulnerabilities"
)

// exportVulsBody is ExportVulRequestBody.
type exportVulsBody struct {
	ExportHeaders [][]string `json:"export_headers"`
	VulIDList     []string   `json:"vul_id_list"`
	HostIDList    []string   `json:"host_id_list"`
}

// exportVuls is POST /v5/{project_id}/vul/export.
func (s *Server) exportVuls(w http.ResponseWriter, c call) *apiError {
	q := c.r.URL.Query()
	for k := range q {
		if !slices.Contains(vulQueryParams, k) {
			return hssInvalid("unknown query parameter %s", k)
		}
	}
	ep, e := enterpriseProject(q)
	if e != nil {
		return e
	}
	if !q.Has("export_size") {
		return hssInvalid("export_size is required")
	}
	size, err := strconv.Atoi(q.Get("export_size"))
	if err != nil || size < 1 || size > maxExportSize {
		return hssInvalid("export_size must be an integer 1-%d", maxExportSize)
	}
	if !q.Has("category") {
		return hssInvalid("category is required: vul or host")
	}
	offset := 0
	if q.Has("offset") {
		if offset, err = strconv.Atoi(q.Get("offset")); err != nil || offset < 0 {
			return hssInvalid("offset must be an integer of at least 0")
		}
	}
	if q.Has("limit") {
		if n, err := strconv.Atoi(q.Get("limit")); err != nil || n < 0 {
			return hssInvalid("limit must be an integer of at least 0")
		}
	}
	var priorities []string
	if p := queryParam(q, "repair_priority"); p != nil {
		priorities = strings.Split(*p, ",")
		for _, v := range priorities {
			if !slices.Contains(vulPriorities, v) {
				return hssInvalid("repair_priority must be a comma list of %s", strings.Join(vulPriorities, ", "))
			}
		}
	}
	for _, chk := range []*apiError{
		checkEnum("category", queryParam(q, "category"), vulCategories),
		checkEnum("type", queryParam(q, "type"), vulTypes),
		checkEnum("handle_status", queryParam(q, "handle_status"), []string{"unhandled", "handled"}),
		checkEnum("status", queryParam(q, "status"), vulStatuses),
		checkEnum("asset_value", queryParam(q, "asset_value"), assetValues),
		checkEnum("node_type", queryParam(q, "node_type"), nodeTypes),
		checkLen("vul_name", queryParam(q, "vul_name"), 0, 256),
		checkLen("vul_id", queryParam(q, "vul_id"), 0, 256),
		checkLen("cve_id", queryParam(q, "cve_id"), 0, 256),
		checkLen("host_id", queryParam(q, "host_id"), 0, 128),
		checkLen("group_name", queryParam(q, "group_name"), 0, 256),
		checkLen("label_list", queryParam(q, "label_list"), 0, 256),
	} {
		if chk != nil {
			return chk
		}
	}
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return hssInvalid("the request body is required")
	}
	var b exportVulsBody
	if err := decodeStrict(c.body, &b); err != nil {
		return hssInvalid("malformed request body: %v", err)
	}
	if len(b.ExportHeaders) == 0 {
		return hssInvalid("export_headers must list at least one [key, header] pair")
	}
	for i, h := range b.ExportHeaders {
		if len(h) != 2 {
			return hssInvalid("export_headers[%d] must be a [key, header] pair", i)
		}
		if _, ok := vulColumns[h[0]]; !ok {
			return hssInvalid("export_headers[%d] key %q is not one of %s", i, h[0], strings.Join(VulExportKeys(), ", "))
		}
		if n := len([]rune(h[1])); n < 1 || n > 256 {
			return hssInvalid("export_headers[%d] header must be 1-256 characters", i)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var found []Vulnerability
	for _, v := range s.vulns {
		if matchVul(v, q, priorities, b, ep) {
			found = append(found, v)
		}
	}
	if q.Get("category") == "host" {
		sort.SliceStable(found, func(i, j int) bool { return found[i].HostID < found[j].HostID })
	}
	found = found[min(offset, len(found)):]
	found = found[:min(size, len(found))]
	header := make([]string, len(b.ExportHeaders))
	for i, h := range b.ExportHeaders {
		header[i] = h[1]
	}
	rows := make([][]string, len(found))
	for i, v := range found {
		row := make([]string, len(b.ExportHeaders))
		for j, h := range b.ExportHeaders {
			row[j] = vulColumns[h[0]](v)
		}
		rows[i] = row
	}
	t := &hssTask{id: s.nextID("task-"), job: s.NewJob(), sheet: vulXLSXTab, cells: append([][]string{header}, rows...)}
	t.name = "vul_export_" + t.job.Start.UTC().Format("20060102150405")
	t.fileID = s.nextID("file-")
	t.fileName = "hss-vul-list-" + t.id + ".xlsx"
	s.exports[t.id] = t
	s.files[t.fileID] = t
	writeJSON(w, http.StatusOK, map[string]string{"task_id": t.id})
	return nil
}

// matchVul applies the query filters, the body's id lists and the enterprise
// project to one finding.
func matchVul(v Vulnerability, q map[string][]string, priorities []string, b exportVulsBody, ep string) bool {
	get := func(k string) (string, bool) {
		vs, ok := q[k]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
	switch {
	case ep == allEPs:
	case slices.Contains(defaultEPs, ep):
		if !slices.Contains(defaultEPs, v.EnterpriseProject) {
			return false
		}
	case v.EnterpriseProject != ep:
		return false
	}
	if t, ok := get("type"); ok && !(t == v.Type || t == "urgent_vul" && v.Urgent) {
		return false
	}
	if len(priorities) > 0 && !slices.Contains(priorities, v.RepairPriority) {
		return false
	}
	if h, ok := get("handle_status"); ok && (h == "handled") != slices.Contains(vulHandled, v.Status) {
		return false
	}
	for _, eq := range []struct{ key, val string }{
		{"status", v.Status}, {"vul_id", v.VulID}, {"cve_id", v.CVEID}, {"host_id", v.HostID},
		{"asset_value", v.AssetValue}, {"group_name", v.GroupName},
	} {
		if want, ok := get(eq.key); ok && want != "" && want != eq.val {
			return false
		}
	}
	if name, ok := get("vul_name"); ok && !strings.Contains(v.VulName, name) {
		return false
	}
	if len(b.VulIDList) > 0 && !slices.Contains(b.VulIDList, v.VulID) {
		return false
	}
	if len(b.HostIDList) > 0 && !slices.Contains(b.HostIDList, v.HostID) {
		return false
	}
	return true
}

// Seeded HSS hosts, named so tests can refer to them.
const (
	SeedHSSHostWeb = "71a15ecc-049f-4cca-bd28-5e90aca1817f" // ecs-web-01, 192.168.0.11
	SeedHSSHostDB  = "a2b8c4d6-0e1f-4a3b-9c5d-7e9f1a3b5c7d" // ecs-db-01, 192.168.0.21
	SeedHSSHostWin = "e4f6a8b0-2c3d-4e5f-8a9b-0c1d2e3f4a5b" // ecs-win-01, 192.168.0.31
)

// seedVulnerabilities are seven findings of six vulnerabilities on three
// hosts, one of them in enterprise project ep-edge.
func seedVulnerabilities() []Vulnerability {
	const seen, last = 1719900000000, 1795900000000 // 2024-07-02, 2026-11-28
	return []Vulnerability{
		{"EulerOS-SA-2024-1805", "openssh security update", "CVE-2024-6387", "linux_vul", true, "Critical", "vul_status_unfix", SeedHSSHostWeb, "ecs-web-01", "192.168.0.11", "openssh-server", seen, last, "", "important", "web"},
		{"EulerOS-SA-2024-1805", "openssh security update", "CVE-2024-6387", "linux_vul", true, "Critical", "vul_status_unfix", SeedHSSHostDB, "ecs-db-01", "192.168.0.21", "openssh-server", seen + 300000, last, "", "important", "db"},
		{"EulerOS-SA-2023-3011", "glibc security update", "CVE-2023-4911", "linux_vul", false, "High", "vul_status_fixed", SeedHSSHostWeb, "ecs-web-01", "192.168.0.11", "glibc", seen - 86400000, last, "", "common", "web"},
		{"HW-APP-2021-44228", "Apache Log4j2 remote code execution", "CVE-2021-44228", "app_vul", true, "Critical", "vul_status_ignored", SeedHSSHostDB, "ecs-db-01", "192.168.0.21", "log4j-core", seen - 2*86400000, last, "", "important", "db"},
		{"HW-CMS-2025-0301", "WordPress stored XSS", "", "web_cms", false, "Medium", "vul_status_unfix", SeedHSSHostWeb, "ecs-web-01", "192.168.0.11", "WordPress", seen + 86400000, last, "", "test", "web"},
		{"KB4499175", "Remote Desktop Services remote code execution", "CVE-2019-0708", "windows_vul", false, "Critical", "vul_status_unfix", SeedHSSHostWin, "ecs-win-01", "192.168.0.31", "Remote Desktop Services", seen, last, "ep-edge", "common", "win"},
		{"EulerOS-SA-2025-0601", "bash information disclosure", "", "linux_vul", false, "Low", "vul_status_fixing", SeedHSSHostDB, "ecs-db-01", "192.168.0.21", "bash", seen + 2*86400000, last, "", "common", "db"},
	}
}
