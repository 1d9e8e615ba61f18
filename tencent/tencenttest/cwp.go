package tencenttest

// Cloud Workload Protection (CWP, version 2018-02-28): the host
// vulnerability export and the timed host-vulnerability scan setting.
//
// What CWP documents (tencentcloud-sdk-go tencentcloud/cwp/v20180228
// models.go; https://cloud.tencent.com/document/api/296/60894) is followed:
// ExportVulList takes Filters (VulCategory 1/2/4/5, IfEmergency yes, Status
// 0/1/3/5 and required, Level 1-4, VulName) and IfDetail, and answers a
// TaskId; ExportTasks answers Status PENDING / FINISHED / ERROR with a
// DownloadUrl and FileName; DescribeScanVulSetting takes nothing.
//
// What it leaves open is read as follows (UNCONFIRMED): the file's column
// titles (cwpTitles: the console's Chinese field names) and its cell words
// (危害等级 低危/中危/高危/严重, 处理状态 待处理/已忽略/已修复/检测中,
// 漏洞类型 Web-CMS漏洞/应用漏洞/Linux软件漏洞/Windows系统漏洞); IfDetail 1
// writes one row per vulnerability and host with the host and component
// columns, IfDetail 0 one row per vulnerability without them; VulName
// matches as a substring whatever ExactMatch says; a missing Status filter is
// InvalidParameter.MissingParameter; the deprecated DownloadUrl of
// ExportVulList is answered as null.

import (
	"slices"
	"strconv"
	"strings"
)

// CWPVersion is the CWP API version the emulator serves.
const CWPVersion = "2018-02-28"

// Vulnerability is one finding of CWP: one vulnerability on one host. Seed
// rows with SetVulnerabilities.
type Vulnerability struct {
	Name      string // e.g. "OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)"
	CVEID     string // e.g. "CVE-2024-6387"; "" when none
	Level     int    // 1 low, 2 medium, 3 high, 4 critical
	Category  int    // 1 Web-CMS, 2 application, 4 Linux software, 5 Windows system
	Emergency bool   // an emergency vulnerability (IfEmergency yes)
	Status    int    // 0 pending, 1 ignored, 3 fixed, 5 being checked
	HostUUID  string // the CWP host Uuid
	HostName  string
	HostIP    string // private IP
	Component string // the affected software, e.g. "openssh-server 8.0p1"
	FirstSeen string // "2006-01-02 15:04:05", China Standard Time
	LastSeen  string // "2006-01-02 15:04:05", China Standard Time
}

// ScanVulSetting is what DescribeScanVulSetting answers, field for field
// with the vendor's JSON names.
type ScanVulSetting struct {
	VulCategories string   `json:"VulCategories"` // "1,2,4"
	VulLevels     string   `json:"VulLevels"`     // "1,2,3,4"
	TimerInterval uint64   `json:"TimerInterval"` // days
	TimerTime     string   `json:"TimerTime"`     // "00:00"
	VulEmergency  uint64   `json:"VulEmergency"`  // 0 or 1
	StartTime     string   `json:"StartTime"`
	EnableScan    uint64   `json:"EnableScan"` // 0 or 1
	EndTime       string   `json:"EndTime"`
	ClickTimeout  uint64   `json:"ClickTimeout"` // seconds
	Uuids         []string `json:"Uuids"`        // empty = all hosts
	ScanMethod    uint64   `json:"ScanMethod"`   // 0 version comparison, 2 with PoC
}

// SetVulnerabilities replaces the findings ExportVulList reads.
func (s *Server) SetVulnerabilities(rows []Vulnerability) {
	cp := slices.Clone(rows)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vulns = cp
}

// SetScanVulSetting sets what DescribeScanVulSetting answers.
func (s *Server) SetScanVulSetting(v ScanVulSetting) {
	v.Uuids = slices.Clone(v.Uuids)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scanVul = v
}

// cwpColumn is one column of the vulnerability file: its title, whether it
// is a detail (host) column, and how it reads a finding.
type cwpColumn struct {
	title  string
	detail bool
	value  func(Vulnerability) string
}

var (
	cwpLevelWords    = map[int]string{1: "低危", 2: "中危", 3: "高危", 4: "严重"}
	cwpStatusWords   = map[int]string{0: "待处理", 1: "已忽略", 3: "已修复", 5: "检测中"}
	cwpCategoryWords = map[int]string{1: "Web-CMS漏洞", 2: "应用漏洞", 4: "Linux软件漏洞", 5: "Windows系统漏洞"}
)

// cwpColumns are the columns of the file, in order (titles UNCONFIRMED).
var cwpColumns = []cwpColumn{
	{"漏洞名称", false, func(v Vulnerability) string { return v.Name }},
	{"CVE编号", false, func(v Vulnerability) string { return v.CVEID }},
	{"危害等级", false, func(v Vulnerability) string { return cwpLevelWords[v.Level] }},
	{"漏洞类型", false, func(v Vulnerability) string { return cwpCategoryWords[v.Category] }},
	{"处理状态", false, func(v Vulnerability) string { return cwpStatusWords[v.Status] }},
	{"主机UUID", true, func(v Vulnerability) string { return v.HostUUID }},
	{"主机名称", true, func(v Vulnerability) string { return v.HostName }},
	{"主机IP", true, func(v Vulnerability) string { return v.HostIP }},
	{"影响组件", true, func(v Vulnerability) string { return v.Component }},
	{"首次发现时间", false, func(v Vulnerability) string { return v.FirstSeen }},
	{"最近检测时间", false, func(v Vulnerability) string { return v.LastSeen }},
}

// CWPColumnTitles returns the column titles ExportVulList's file carries:
// all eleven with IfDetail 1, the seven without host and component
// otherwise.
func CWPColumnTitles(detail bool) []string {
	var out []string
	for _, c := range cwpColumns {
		if detail || !c.detail {
			out = append(out, c.title)
		}
	}
	return out
}

type cwpFilter struct {
	Name       *string  `json:"Name"`
	Values     []string `json:"Values"`
	ExactMatch *bool    `json:"ExactMatch"`
}

type exportVulListRequest struct {
	Filters  []cwpFilter `json:"Filters"`
	IfDetail *uint64     `json:"IfDetail"`
}

// cwpNumbers are the values of the numeric filters.
var cwpNumbers = map[string][]string{
	"VulCategory": {"1", "2", "4", "5"},
	"Status":      {"0", "1", "3", "5"},
	"Level":       {"1", "2", "3", "4"},
}

// vulFilter reports whether a finding passes one filter.
type vulFilter func(Vulnerability) bool

// newVulFilter validates Filters.i and returns its predicate.
func newVulFilter(i int, f cwpFilter) (string, vulFilter, *apiError) {
	if f.Name == nil || *f.Name == "" {
		return "", nil, errorf("InvalidParameter.MissingParameter", "Filters.%d.Name is required", i)
	}
	name := *f.Name
	if len(f.Values) == 0 {
		return "", nil, errorf("InvalidParameterValue", "Filters.%d.Values must hold at least one value", i)
	}
	if allowed, ok := cwpNumbers[name]; ok {
		want := map[int]bool{}
		for _, v := range f.Values {
			if !slices.Contains(allowed, v) {
				return "", nil, errorf("InvalidParameterValue", "Filters.%d %s value %q is not supported; allowed: %s", i, name, v, strings.Join(allowed, ", "))
			}
			n, _ := strconv.Atoi(v)
			want[n] = true
		}
		get := map[string]func(Vulnerability) int{
			"VulCategory": func(v Vulnerability) int { return v.Category },
			"Status":      func(v Vulnerability) int { return v.Status },
			"Level":       func(v Vulnerability) int { return v.Level },
		}[name]
		return name, func(v Vulnerability) bool { return want[get(v)] }, nil
	}
	switch name {
	case "IfEmergency":
		if len(f.Values) != 1 || f.Values[0] != "yes" {
			return "", nil, errorf("InvalidParameterValue", "Filters.%d IfEmergency takes the one value yes", i)
		}
		return name, func(v Vulnerability) bool { return v.Emergency }, nil
	case "VulName":
		values := f.Values
		return name, func(v Vulnerability) bool {
			for _, w := range values {
				if strings.Contains(v.Name, w) {
					return true
				}
			}
			return false
		}, nil
	}
	return "", nil, errorf("InvalidParameterValue", "Filters.%d.Name %q is not supported; allowed: VulCategory, IfEmergency, Status, Level, VulName", i, name)
}

func (s *Server) exportVulList(c *call) (any, *apiError) {
	var req exportVulListRequest
	if err := decodeParams(c.body, &req, "Filters", "IfDetail"); err != nil {
		return nil, err
	}
	detail := false
	if req.IfDetail != nil {
		switch *req.IfDetail {
		case 0:
		case 1:
			detail = true
		default:
			return nil, errorf("InvalidParameterValue", "IfDetail %d is not supported; allowed: 0, 1", *req.IfDetail)
		}
	}
	var filters []vulFilter
	hasStatus := false
	for i, f := range req.Filters {
		name, pass, err := newVulFilter(i, f)
		if err != nil {
			return nil, err
		}
		hasStatus = hasStatus || name == "Status"
		filters = append(filters, pass)
	}
	if !hasStatus {
		return nil, errorf("InvalidParameter.MissingParameter", "the filter Status is required (0 pending, 1 ignored, 3 fixed, 5 being checked)")
	}

	var cols []cwpColumn
	for _, col := range cwpColumns {
		if detail || !col.detail {
			cols = append(cols, col)
		}
	}
	header := make([]string, len(cols))
	for i, col := range cols {
		header[i] = col.title
	}
	s.mu.Lock()
	all := slices.Clone(s.vulns)
	s.mu.Unlock()
	var rows [][]string
	seen := map[string]bool{}
next:
	for _, v := range all {
		for _, pass := range filters {
			if !pass(v) {
				continue next
			}
		}
		if !detail { // one row per vulnerability
			if seen[v.Name] {
				continue
			}
			seen[v.Name] = true
		}
		row := make([]string, len(cols))
		for i, col := range cols {
			row[i] = col.value(v)
		}
		rows = append(rows, row)
	}

	j := &exportJob{token: randomHex(20), job: s.NewJob(), header: header, rows: rows}
	s.mu.Lock()
	s.nextCWPTask++
	j.id = strconv.FormatUint(s.nextCWPTask, 10)
	s.jobs[j.id] = j
	s.mu.Unlock()
	return struct {
		DownloadUrl *string `json:"DownloadUrl"` // deprecated by the vendor
		TaskId      string  `json:"TaskId"`
	}{nil, j.id}, nil
}

func (s *Server) exportTasks(c *call) (any, *apiError) {
	var req struct {
		TaskId *string `json:"TaskId"`
	}
	if err := decodeParams(c.body, &req, "TaskId"); err != nil {
		return nil, err
	}
	if req.TaskId == nil || *req.TaskId == "" {
		return nil, errorf("InvalidParameter.MissingParameter", "the required parameter `TaskId` is missing")
	}
	// CWP task ids are decimal; TCSS job ids (UUIDs) in the same table are not CWP's.
	j := s.lookupJob(*req.TaskId)
	if _, err := strconv.ParseUint(*req.TaskId, 10, 64); err != nil || j == nil {
		return nil, errorf("ResourceNotFound", "the export task %q does not exist", *req.TaskId)
	}
	var res struct {
		Status      string  `json:"Status"`
		DownloadUrl *string `json:"DownloadUrl"`
		FileName    *string `json:"FileName"`
	}
	switch {
	case !j.job.Done(c.now):
		res.Status = "PENDING"
	case j.job.Failed(c.now):
		res.Status = "ERROR"
	default:
		res.Status = "FINISHED"
		u := s.downloadURL(j)
		name := "漏洞列表-" + j.id + ".xlsx"
		res.DownloadUrl, res.FileName = &u, &name
	}
	return res, nil
}

func (s *Server) describeScanVulSetting(c *call) (any, *apiError) {
	var req struct{}
	if err := decodeParams(c.body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.scanVul
	if v.Uuids == nil {
		v.Uuids = []string{}
	}
	return v, nil
}

// Seeded CWP hosts, named so tests can refer to them.
const (
	SeedHostWeb = "3b0c9f1e-6a2d-4e8f-9c1b-7d5e2a4f6c80" // web-01, 10.0.1.11
	SeedHostDB  = "8e4d2a6c-1f3b-4c5d-8e7f-9a0b1c2d3e4f" // db-01, 10.0.2.21
	SeedHostWin = "c5a7e9b1-3d2f-4a6c-8b0e-1f2a3b4c5d6e" // win-01, 10.0.3.31
)

// seedVulnerabilities are seven findings of six vulnerabilities on three hosts.
func seedVulnerabilities() []Vulnerability {
	return []Vulnerability{
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", 4, 4, true, 0, SeedHostWeb, "web-01", "10.0.1.11", "openssh-server 8.0p1", "2024-07-02 10:00:00", "2026-11-27 03:00:00"},
		{"OpenSSH regreSSHion远程代码执行漏洞(CVE-2024-6387)", "CVE-2024-6387", 4, 4, true, 0, SeedHostDB, "db-01", "10.0.2.21", "openssh-server 8.0p1", "2024-07-02 10:05:00", "2026-11-27 03:00:00"},
		{"glibc缓冲区溢出漏洞(CVE-2023-4911)", "CVE-2023-4911", 3, 4, false, 3, SeedHostWeb, "web-01", "10.0.1.11", "glibc 2.28", "2023-10-04 09:00:00", "2026-11-27 03:00:00"},
		{"Apache Log4j2远程代码执行漏洞(CVE-2021-44228)", "CVE-2021-44228", 4, 2, true, 1, SeedHostDB, "db-01", "10.0.2.21", "log4j-core 2.14.1", "2021-12-10 08:00:00", "2026-11-27 03:00:00"},
		{"WordPress跨站脚本漏洞", "", 2, 1, false, 0, SeedHostWeb, "web-01", "10.0.1.11", "WordPress 6.1", "2025-03-01 12:00:00", "2026-11-27 03:00:00"},
		{"Windows远程桌面服务远程代码执行漏洞(CVE-2019-0708)", "CVE-2019-0708", 4, 5, false, 0, SeedHostWin, "win-01", "10.0.3.31", "Remote Desktop Services", "2019-05-15 08:00:00", "2026-11-27 03:00:00"},
		{"bash信息泄露漏洞", "", 1, 4, false, 5, SeedHostDB, "db-01", "10.0.2.21", "bash 4.4.20", "2025-06-01 02:00:00", "2026-11-27 03:00:00"},
	}
}

// seedScanVulSetting is a scan every 3 days at 02:30 of every category and
// level, emergency included, on two selected hosts.
func seedScanVulSetting() ScanVulSetting {
	return ScanVulSetting{
		VulCategories: "1,2,4,5",
		VulLevels:     "1,2,3,4",
		TimerInterval: 3,
		TimerTime:     "02:30",
		VulEmergency:  1,
		StartTime:     "00:00",
		EnableScan:    1,
		EndTime:       "06:00",
		ClickTimeout:  1800,
		Uuids:         []string{SeedHostWeb, SeedHostDB},
		ScanMethod:    2,
	}
}
