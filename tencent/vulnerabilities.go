package tencent

// Host vulnerabilities through Tencent Cloud Workload Protection (CWP).
//
// Sources (read 2026-11-28):
//   - CWP Go models: repository TencentCloud/tencentcloud-sdk-go, file
//     tencentcloud/cwp/v20180228/models.go at commit
//     144f6c8d39e410da77a70472f1416e9903740593 (ExportVulListRequestParams,
//     ExportVulListResponseParams, ExportTasksRequestParams,
//     ExportTasksResponseParams, DescribeScanVulSettingResponseParams, Filter,
//     VulInfoList). Every request field there is a pointer with
//     `json:"Name,omitnil,omitempty"`; FromJsonString rejects unknown keys.
//   - API reference: https://cloud.tencent.com/document/api/296/60894
//     (ExportVulList, 15 requests per second, Filters.N and IfDetail only) and
//     https://tencentcloud.com/document/product/296/63701 (the same in English).
//
// What the vendor leaves open, and how this file reads it (UNCONFIRMED):
//   - Level 4: the ExportVulList filter comment calls it "提示" (notice), while
//     DescribeScanVulSetting.VulLevels and VulInfoList.Level call it "严重"
//     (critical). Two of three comments say critical, so critical is 4.
//   - Filter.ExactMatch: the Go comment says "模糊搜索" (fuzzy search), the
//     name says exact. As for TCSS, true is sent for an exact match.
//   - IfDetail: 1 is sent, reading "导出详情" as one row per affected host,
//     which the neutral host columns need.
//   - The export file's column titles are not documented anywhere we could
//     find. cwpVulTitles holds our reading, in one place, so that a user
//     report fixes it in one line. The emulator (tencenttest) writes them.
//   - No row cap, paging, sort or column choice is documented: Limit, Offset,
//     Sort and Columns are rejected.

import (
	"context"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/door"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/scan"
)

// CWP actions.
const (
	actionExportVulList          = "ExportVulList"
	actionExportTasks            = "ExportTasks"
	actionDescribeScanVulSetting = "DescribeScanVulSetting"
)

// maxVulNameLen bounds the name filter; CWP documents no limit, so this is ours.
const maxVulNameLen = 256

// vulnFilters translates vulnerabilities filters into CWP ExportVulList
// Filters. A vendor value written "Name=Value" is sent as its own filter Name
// with that value: CWP states emergency vulnerabilities by the IfEmergency
// filter, not by a VulCategory number.
var vulnFilters = vocab.Filters{
	{Field: "category", Vendor: "VulCategory", Kind: vocab.Enumerated, MaxValues: 1, Values: cwpCategories},
	{Field: "level", Vendor: "Level", Kind: vocab.Enumerated, Values: cwpLevels},
	{Field: "status", Vendor: "Status", Kind: vocab.Enumerated, Values: vocab.Enums{
		{Neutral: "unfixed", Vendor: "0"},
		{Neutral: "ignored", Vendor: "1"},
		{Neutral: "fixed", Vendor: "3"},
	}},
	{Field: "name", Vendor: "VulName", Kind: vocab.String, MaxValues: 1, Fuzzy: true, MaxLen: maxVulNameLen},
	{Field: "cve_id", NotHere: "tencent CWP ExportVulList has no CVE filter (cve_id is a Huawei HSS filter)"},
}

// vulnSpec is what a vulnerabilities request may ask for: filters only.
// CWP has no column choice (its file yields the keys of cwpVulTitles), no
// sort and no paging.
var vulnSpec = vocab.Spec{Filters: vulnFilters, NoSort: "CWP ExportVulList has no sort",
	NoColumns: "CWP ExportVulList has no column choice; its file reads back with the neutral keys Huawei's default columns have"}

// cwpCategories are CWP's VulCategory numbers, and emergency.
var cwpCategories = vocab.Enums{
	{Neutral: "linux", Vendor: "4"},
	{Neutral: "windows", Vendor: "5"},
	{Neutral: "web_cms", Vendor: "1"},
	{Neutral: "app", Vendor: "2"},
	{Neutral: "emergency", Vendor: "IfEmergency=yes"},
}

// cwpLevels are CWP's level numbers (4 = critical is UNCONFIRMED, see the file comment).
var cwpLevels = vocab.Enums{
	{Neutral: "critical", Vendor: "4"},
	{Neutral: "high", Vendor: "3"},
	{Neutral: "medium", Vendor: "2"},
	{Neutral: "low", Vendor: "1"},
}

// vulnStatusAll is what an absent neutral status sends. CWP marks Status
// required; users expect every finding, so the four states the console
// handles are sent: 0 pending, 1 ignored, 3 fixed, 5 being checked.
var vulnStatusAll = []string{"0", "1", "3", "5"}

// cwpVulTitles maps the column titles of CWP's vulnerability export file to
// neutral column keys; Download hands it to package rows (see fileTables). UNCONFIRMED: CWP documents neither the file nor its
// titles; these follow the console's Chinese field names (VulInfoList
// comments), with English spellings for the international console. Titles
// not listed are kept as the file gives them.
var cwpVulTitles = []export.Column{
	{Key: "name", Header: "漏洞名称"},
	{Key: "cve_id", Header: "CVE编号"},
	{Key: "level", Header: "危害等级"},
	{Key: "category", Header: "漏洞类型"},
	{Key: "status", Header: "处理状态"},
	{Key: "host_id", Header: "主机UUID"},
	{Key: "host_name", Header: "主机名称"},
	{Key: "host_ip", Header: "主机IP"},
	{Key: "component", Header: "影响组件"},
	{Key: "first_seen", Header: "首次发现时间"},
	{Key: "last_seen", Header: "最近检测时间"},
	{Key: "name", Header: "Vulnerability Name"},
	{Key: "cve_id", Header: "CVE ID"},
	{Key: "level", Header: "Threat Level"},
	{Key: "category", Header: "Vulnerability Type"},
	{Key: "status", Header: "Status"},
	{Key: "host_id", Header: "Host UUID"},
	{Key: "host_name", Header: "Host Name"},
	{Key: "host_ip", Header: "Host IP"},
	{Key: "component", Header: "Component"},
	{Key: "first_seen", Header: "First Detected"},
	{Key: "last_seen", Header: "Last Detected"},
}

// cwpFilter is CWP Filter. ExactMatch is always sent (see the file comment).
type cwpFilter struct {
	Name       string   `json:"Name"`
	Values     []string `json:"Values"`
	ExactMatch bool     `json:"ExactMatch"`
}

// exportVulListRequest is the body of CWP ExportVulList.
type exportVulListRequest struct {
	Filters  []cwpFilter `json:"Filters,omitempty"`
	IfDetail *uint64     `json:"IfDetail,omitempty"` // 1 exports details, 0 not
}

// exportVulListResponse is the CWP ExportVulList answer. DownloadUrl is
// deprecated by the vendor; the file is fetched through ExportTasks.
type exportVulListResponse struct {
	DownloadUrl *string `json:"DownloadUrl"`
	TaskId      *string `json:"TaskId"`
	RequestId   string  `json:"RequestId"`
}

// exportTasksRequest is the body of CWP ExportTasks.
type exportTasksRequest struct {
	TaskId string `json:"TaskId"`
}

// exportTasksResponse is the CWP ExportTasks answer.
type exportTasksResponse struct {
	Status      *string `json:"Status"` // PENDING, FINISHED, ERROR
	DownloadUrl *string `json:"DownloadUrl"`
	FileName    *string `json:"FileName"`
	RequestId   string  `json:"RequestId"`
}

// cwpTaskStates translates CWP ExportTasks Status (any case) into job states.
var cwpTaskStates = vocab.Enums{
	{Neutral: string(export.StateRunning), Vendor: "PENDING"},
	{Neutral: string(export.StateSucceeded), Vendor: "FINISHED"},
	{Neutral: string(export.StateFailed), Vendor: "ERROR"},
}

// vulnListBody builds the ExportVulList body from filters already validated
// by vulnFilters: each value under its vendor filter (a "Name=Value" value
// under its own Name), the Status filter of every state when the request
// gave none, and IfDetail 1.
func vulnListBody(filters []vocab.Translated) exportVulListRequest {
	var out exportVulListRequest
	hasStatus := false
	for _, f := range filters {
		hasStatus = hasStatus || f.Spec.Field == "status"
		for _, v := range f.Values {
			name, value := f.Spec.Vendor, v
			if n, vv, ok := strings.Cut(v, "="); ok {
				name, value = n, vv
			}
			out.Filters = appendFilter(out.Filters, name, value, f.Exact)
		}
	}
	if !hasStatus {
		out.Filters = append(out.Filters, cwpFilter{Name: "Status", Values: append([]string(nil), vulnStatusAll...), ExactMatch: true})
	}
	detail := uint64(1)
	out.IfDetail = &detail
	return out
}

// appendFilter adds value to the filter called name, creating it if needed.
func appendFilter(fs []cwpFilter, name, value string, exact bool) []cwpFilter {
	for i := range fs {
		if fs[i].Name == name {
			fs[i].Values = append(fs[i].Values, value)
			return fs
		}
	}
	return append(fs, cwpFilter{Name: name, Values: []string{value}, ExactMatch: exact})
}

// vulnStatus translates a CWP ExportTasks answer for a vulnerabilities job.
// CWP reports no progress. An unknown Status is an Internal error naming the
// states CWP documents.
func vulnStatus(job export.Job, r exportTasksResponse) (export.Status, error) {
	st := export.Status{Job: job, Progress: -1}
	status := ""
	if r.Status != nil {
		status = *r.Status
	}
	state, ok := cwpTaskStates.ToNeutral(status)
	if !ok {
		err := door.UnknownState(Name, serviceCWP, actionExportTasks, "Status", status, cwpTaskStates.Vendor())
		if e, ok := err.(*errs.Error); ok {
			e.RequestID = r.RequestId
		}
		return st, err
	}
	st.State = export.State(state)
	switch st.State {
	case export.StateSucceeded:
		st.Progress = 1
		if r.DownloadUrl == nil || *r.DownloadUrl == "" {
			st.Message = "CWP reported FINISHED without a DownloadUrl"
			break
		}
		name := fileName(job.ID, *r.DownloadUrl)
		if r.FileName != nil && safeFileName.MatchString(*r.FileName) {
			name = *r.FileName
		}
		st.Files = []export.File{{Name: name, URL: *r.DownloadUrl}}
	case export.StateFailed:
		st.Message = "CWP export task ended in ERROR (CWP gives no reason)"
	}
	return st, nil
}

// HostVulScanSetting is the CWP DescribeScanVulSetting answer, field for
// field as the vendor names it: the timed host-vulnerability scan.
// Schedule translates it into a scan.Schedule; the fields with no neutral
// home (VulCategories, VulLevels, VulEmergency, StartTime, ClickTimeout,
// ScanMethod) are read here, and Categories and Levels give the first three
// in the neutral vocabulary of vulnerabilities exports.
type HostVulScanSetting struct {
	VulCategories string   `json:"VulCategories"` // "1,2,4": 1 Web-CMS, 2 application, 4 Linux software, 5 Windows system
	VulLevels     string   `json:"VulLevels"`     // "1,2,3,4": 1 low, 2 medium, 3 high, 4 critical
	TimerInterval uint64   `json:"TimerInterval"` // days between timed scans
	TimerTime     string   `json:"TimerTime"`     // start time of day, e.g. "00:00"
	VulEmergency  uint64   `json:"VulEmergency"`  // 1 = emergency vulnerabilities are scanned too
	StartTime     string   `json:"StartTime"`     // start of the scan window (form UNCONFIRMED)
	EnableScan    uint64   `json:"EnableScan"`    // 1 = the timed scan is on
	EndTime       string   `json:"EndTime"`       // end of the scan window (form UNCONFIRMED)
	ClickTimeout  uint64   `json:"ClickTimeout"`  // one-click scan timeout in seconds, e.g. 1800
	Uuids         []string `json:"Uuids"`         // hosts scanned; empty = every Professional, Ultimate and Lite host
	ScanMethod    uint64   `json:"ScanMethod"`    // 0 version comparison, 2 version comparison + PoC
	RequestId     string   `json:"RequestId"`     // the vendor's request id
}

// Schedule translates the setting into the neutral scan.Schedule:
// TimerInterval days → Period{N, Day}, TimerTime → At, EnableScan 1 →
// Enabled, Uuids → HostIDs (Scope selected; all when empty), Types
// vulnerabilities. EndTime becomes Until when it is a time of day (the scan
// window's end; its form is UNCONFIRMED, so another form is left to the
// struct). Times that are not H:MM, HH:MM or HH:MM:SS are kept as given in At.
func (s HostVulScanSetting) Schedule() scan.Schedule {
	out := scan.Schedule{
		Provider: Name,
		Kind:     scan.HostVulnerabilities,
		Enabled:  s.EnableScan == 1,
		At:       clock(s.TimerTime),
		Types:    []scan.Type{scan.Vulnerabilities},
		Scope:    scan.ScopeAll,
	}
	out.Period = days(s.TimerInterval)
	if until, ok := timeOfDay(s.EndTime); ok {
		out.Until = until
	}
	if len(s.Uuids) > 0 {
		out.Scope = scan.ScopeSelected
		out.HostIDs = append([]string(nil), s.Uuids...)
	}
	return out
}

// Categories returns VulCategories in the neutral category vocabulary
// (linux, windows, web_cms, app), plus emergency when VulEmergency is 1.
// Unknown numbers are kept as given.
func (s HostVulScanSetting) Categories() []string {
	out := neutralList(s.VulCategories, cwpCategories)
	if s.VulEmergency == 1 {
		out = append(out, "emergency")
	}
	return out
}

// Levels returns VulLevels in the neutral level vocabulary (critical, high,
// medium, low). Unknown numbers are kept as given.
func (s HostVulScanSetting) Levels() []string { return neutralList(s.VulLevels, cwpLevels) }

// neutralList splits a CWP comma list and translates each number by es.
func neutralList(list string, es vocab.Enums) []string {
	var out []string
	for _, v := range strings.Split(list, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if n, ok := es.ToNeutral(v); ok {
			v = n
		}
		out = append(out, v)
	}
	return out
}

// timeOfDay normalises "H:MM", "HH:MM" and "HH:MM:SS" to "HH:MM" and reports
// whether v was one of them.
func timeOfDay(v string) (string, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("15:04"), true
		}
	}
	return "", false
}

// cwpVulCells translates the words of CWP's vulnerability file into the
// neutral values of the same columns, by neutral key. UNCONFIRMED like the
// titles: the console's Chinese words, and the numbers of the API, both
// accepted. Cells not listed are kept as given.
var cwpVulCells = map[string]vocab.Enums{
	"level": {
		{Neutral: "critical", Vendor: "严重"}, {Neutral: "high", Vendor: "高危"}, {Neutral: "medium", Vendor: "中危"}, {Neutral: "low", Vendor: "低危"},
		{Neutral: "critical", Vendor: "4"}, {Neutral: "high", Vendor: "3"}, {Neutral: "medium", Vendor: "2"}, {Neutral: "low", Vendor: "1"},
	},
	"status": {
		{Neutral: "unfixed", Vendor: "待处理"}, {Neutral: "ignored", Vendor: "已忽略"}, {Neutral: "fixed", Vendor: "已修复"}, {Neutral: "checking", Vendor: "检测中"},
		{Neutral: "unfixed", Vendor: "0"}, {Neutral: "ignored", Vendor: "1"}, {Neutral: "fixed", Vendor: "3"}, {Neutral: "checking", Vendor: "5"},
	},
	"category": {
		{Neutral: "web_cms", Vendor: "Web-CMS漏洞"}, {Neutral: "app", Vendor: "应用漏洞"}, {Neutral: "linux", Vendor: "Linux软件漏洞"}, {Neutral: "windows", Vendor: "Windows系统漏洞"},
		{Neutral: "web_cms", Vendor: "1"}, {Neutral: "app", Vendor: "2"}, {Neutral: "linux", Vendor: "4"}, {Neutral: "windows", Vendor: "5"},
	},
}

// cwpTimeLayout is the form of CWP's times, stated in China Standard Time
// (UNCONFIRMED for the file; the list APIs use it).
const cwpTimeLayout = "2006-01-02 15:04:05"

// cwpVulCell returns a cell of a CWP vulnerability file, from the column
// with neutral key key, the neutral way: level, status and category words
// by cwpVulCells, first_seen and last_seen as RFC 3339 in UTC. A cell it
// cannot translate is returned as given.
func cwpVulCell(key, cell string) string {
	c := strings.TrimSpace(cell)
	switch key {
	case "first_seen", "last_seen":
		if t, err := time.ParseInLocation(cwpTimeLayout, c, chinaStandardTime); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	default:
		if n, ok := cwpVulCells[key].ToNeutral(c); ok {
			return n
		}
	}
	return cell
}

// createVulns starts a CWP ExportVulList task. Target.EnterpriseProject is
// a Huawei notion and is ignored, so that one request runs on both clouds.
func (p *Provider) createVulns(ctx context.Context, req export.Request, c vocab.Checked) (export.Job, error) {
	if _, err := door.Target[export.Vulnerabilities](req); err != nil {
		return export.Job{}, err
	}
	body := vulnListBody(c.Filters)
	if req.DryRun {
		return export.Job{}, nil
	}
	var resp exportVulListResponse
	if err := p.callCommon(ctx, serviceCWP, actionExportVulList, body, &resp); err != nil {
		return export.Job{}, err
	}
	if resp.TaskId == nil || *resp.TaskId == "" {
		return export.Job{}, &errs.Error{Code: errs.Internal, Provider: Name, Service: serviceCWP, Action: actionExportVulList, RequestID: resp.RequestId, Message: "the answer has no TaskId"}
	}
	return export.Job{
		Provider: Name,
		Service:  serviceCWP,
		Kind:     export.KindVulnerabilities,
		ID:       *resp.TaskId,
		Region:   p.region,
		Created:  time.Now().UTC(),
	}, nil
}

// pollVulns reads a CWP export task through ExportTasks.
func (p *Provider) pollVulns(ctx context.Context, job export.Job) (export.Status, error) {
	var resp exportTasksResponse
	if err := p.callCommon(ctx, serviceCWP, actionExportTasks, exportTasksRequest{TaskId: job.ID}, &resp); err != nil {
		return export.Status{}, err
	}
	return vulnStatus(job, resp)
}

// HostVulScanSetting reads CWP's timed host-vulnerability scan setting
// (DescribeScanVulSetting) with every vendor field, including those
// GetScanSchedule(scan.HostVulnerabilities) has no neutral home for: the
// categories and levels scanned (Categories, Levels), emergency
// vulnerabilities, the scan window's start and the scan method. Errors are
// *provider.Error, as from GetScanSchedule.
func (p *Provider) HostVulScanSetting(ctx context.Context) (HostVulScanSetting, error) {
	var s HostVulScanSetting
	err := p.callCommon(ctx, serviceCWP, actionDescribeScanVulSetting, struct{}{}, &s)
	return s, err
}

// hostVulSchedule is the scan.HostVulnerabilities row: see HostVulScanSetting.
func (p *Provider) hostVulSchedule(ctx context.Context) (scan.Schedule, error) {
	s, err := p.HostVulScanSetting(ctx)
	if err != nil {
		return scan.Schedule{}, err
	}
	return s.Schedule(), nil
}
