package huawei

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/scan"
)

// The HSS operations the schedules use (SDK operation names).
const (
	actionListImageScanPolicy = "ListImageScanPolicy"
	actionListImageScanTask   = "ListImageScanTask"
	actionShowVulScanPolicy   = "ShowVulScanPolicy"
)

// ImageScanPolicy is HSS's periodic registry-image scan policy
// (ListImageScanPolicy with type=cycle, global_image_type=registry) as the
// vendor states it. A nil pointer means the vendor did not send the field.
type ImageScanPolicy struct {
	Enabled          *bool               `json:"enabled,omitempty"`            // scheduled scan on/off
	IsAll            *bool               `json:"is_all,omitempty"`             // true = every image; false = the selected registries
	ScanCycle        *int32              `json:"scan_cycle,omitempty"`         // days: 3, 7, 14
	ScanScope        *int32              `json:"scan_scope,omitempty"`         // bitmask of risk types
	RateLimit        *int32              `json:"rate_limit,omitempty"`         // images per hour; 0 = unlimited (no neutral home)
	TimeScope        *int32              `json:"time_scope,omitempty"`         // days: 0 = all images, or 1, 3, 7 (no neutral home)
	TotalRegistryNum *int32              `json:"total_registry_num,omitempty"` // number of registries
	RegistryList     []ImageScanRegistry `json:"registry_list,omitempty"`      // registries and whether each is selected
}

// ImageScanRegistry is one registry of an ImageScanPolicy.
type ImageScanRegistry struct {
	IsSelected   *bool  `json:"is_selected,omitempty"`
	RegistryName string `json:"registry_name,omitempty"`
	RegistryID   string `json:"registry_id,omitempty"`
	RegistryType string `json:"registry_type,omitempty"` // SwrPrivate, SwrShared, SwrEnterprise, Harbor, Jfrog, Other
}

// ImageScanPolicy reads HSS ListImageScanPolicy (type=cycle,
// global_image_type=registry, the provider's enterprise project) verbatim,
// including rate_limit and time_scope, which scan.Schedule has no place for.
func (p *Provider) ImageScanPolicy(ctx context.Context) (*ImageScanPolicy, error) {
	q := entQuery(p.entProject, "type", "cycle", "global_image_type", "registry")
	var out ImageScanPolicy
	err := p.callJSON(ctx, call{service: ServiceHSS, action: actionListImageScanPolicy, method: http.MethodGet,
		project: p.projectID, path: "/v5/" + p.projectID + "/image/scanner-policies", query: q}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// imageScanTask is the part of one ImageScanTaskInfo of ListImageScanTask
// the adapter reads.
type imageScanTask struct {
	BeginTime    *int64 `json:"begin_time"`
	TaskStatus   *int32 `json:"task_status"`
	FailedReason string `json:"failed_reason"`
}

// scanScopeBits maps HSS scan_scope nibbles to scan types, in the order of
// the scan.Type constants.
var scanScopeBits = []struct {
	mask int32
	typ  scan.Type
}{
	{0x000f0000, scan.Vulnerabilities},
	{0x00000f00, scan.Malware},
	{0x0000f000, scan.Risks}, // baseline checks
	{0x000000f0, scan.SensitiveInfo},
	{0x0000000f, scan.Compliance},
}

// scanScopeAll are the two spellings of "every type": 0x7fffffff (PUT model,
// tasks) and 0x0fffff (GET model, docs).
var scanScopeAll = []int32{0x7fffffff, 0x000fffff}

// scanTypes turns a scan_scope bitmask into types. Bits outside the five
// known nibbles are kept as one Type("scan-scope-0x…") holding them.
func scanTypes(v int32) []scan.Type {
	for _, all := range scanScopeAll {
		if v == all {
			v = 0x000fffff
		}
	}
	var out []scan.Type
	var known int32
	for _, b := range scanScopeBits {
		known |= b.mask
		if v&b.mask != 0 {
			out = append(out, b.typ)
		}
	}
	if rest := v &^ known; rest != 0 {
		out = append(out, scan.Type(fmt.Sprintf("scan-scope-0x%08x", uint32(rest))))
	}
	return out
}

// registrySchedule reads the registry-image schedule.
func (p *Provider) registrySchedule(ctx context.Context) (scan.Schedule, error) {
	pol, err := p.ImageScanPolicy(ctx)
	if err != nil {
		return scan.Schedule{}, err
	}
	q := entQuery(p.entProject, "type", "image_scan", "task_type", "cycle", "global_image_type", "registry", "limit", "10")
	var tasks struct {
		DataList []imageScanTask `json:"data_list"`
	}
	err = p.callJSON(ctx, call{service: ServiceHSS, action: actionListImageScanTask, method: http.MethodGet,
		project: p.projectID, path: "/v5/" + p.projectID + "/image/tasks", query: q}, &tasks)
	if err != nil {
		return scan.Schedule{}, err
	}
	return registryScheduleFrom(pol, tasks.DataList), nil
}

// registryScheduleFrom translates the image scan policy and the cycle tasks.
// A scan_cycle of 0 or less is no Period (ImageScanPolicy keeps it).
func registryScheduleFrom(pol *ImageScanPolicy, tasks []imageScanTask) scan.Schedule {
	s := scan.Schedule{Provider: Name, Kind: scan.RegistryImages}
	if pol.Enabled != nil {
		s.Enabled = *pol.Enabled
	}
	if pol.ScanCycle != nil && *pol.ScanCycle > 0 {
		s.Period = scan.Period{Every: int(*pol.ScanCycle), Unit: scan.Day}
	}
	if pol.ScanScope != nil {
		s.Types = scanTypes(*pol.ScanScope)
	}
	if pol.IsAll != nil {
		s.Scope = scan.ScopeSelected
		if *pol.IsAll {
			s.Scope = scan.ScopeAll
		}
	}
	for _, r := range pol.RegistryList {
		s.Registries = append(s.Registries, scan.Registry{ID: r.RegistryID, Name: r.RegistryName, Type: r.RegistryType,
			Selected: r.IsSelected != nil && *r.IsSelected})
	}
	if t := newestTask(tasks); t != nil {
		if t.BeginTime != nil && *t.BeginTime > 0 {
			s.LastScan = time.UnixMilli(*t.BeginTime).UTC()
		}
		s.LastResult = taskResult(t)
	}
	return s
}

// newestTask is the task with the latest begin_time (the first when none
// has one).
func newestTask(ts []imageScanTask) *imageScanTask {
	var best *imageScanTask
	for i := range ts {
		t := &ts[i]
		if best == nil || (t.BeginTime != nil && (best.BeginTime == nil || *t.BeginTime > *best.BeginTime)) {
			best = t
		}
	}
	return best
}

// imageTaskResults words the ImageScanTaskInfo task_status codes that are
// not progress (0–99).
var imageTaskResults = map[int32]string{
	100: "finished",
	-1:  "stopped",
	-2:  "timed out",
	-3:  "error",
}

// taskResult words an image scan task's task_status by imageTaskResults,
// with failed_reason after it when given; 0–99 is "running N%"; anything
// else is kept verbatim.
func taskResult(t *imageScanTask) string {
	if t.TaskStatus == nil {
		return ""
	}
	v := *t.TaskStatus
	if v >= 0 && v < 100 {
		return fmt.Sprintf("running %d%%", v)
	}
	word, ok := imageTaskResults[v]
	if !ok {
		word = fmt.Sprintf("task_status %d", v)
	}
	if t.FailedReason != "" {
		word += ": " + t.FailedReason
	}
	return word
}

// VulScanPolicy is HSS's host vulnerability scan policy
// (ShowVulScanPolicy) as the vendor states it.
type VulScanPolicy struct {
	ScanPeriod    string       `json:"scan_period,omitempty"`     // one_day, three_day, one_week, one_month
	ScanVulTypes  []string     `json:"scan_vul_types,omitempty"`  // e.g. linux_vul, windows_vul, web_cms, app_vul, urgent_vul
	ScanRangeType string       `json:"scan_range_type,omitempty"` // all_host, specific_host
	HostIDs       []string     `json:"host_ids,omitempty"`        // with specific_host
	TotalHostNum  *int64       `json:"total_host_num,omitempty"`  // hosts eligible for vulnerability scans
	Status        string       `json:"status,omitempty"`          // open, close
	Time          *VulScanTime `json:"time,omitempty"`            // when the scan runs
}

// VulScanTime is the time of a VulScanPolicy.
type VulScanTime struct {
	DayPart        []int32 `json:"day_part,omitempty"`        // dates or weekdays, meaning depends on scan_period (no neutral home)
	HourPart       *int32  `json:"hour_part,omitempty"`       // hour of day
	MinutePart     *int32  `json:"minute_part,omitempty"`     // minute of hour
	NextScanTime   *int64  `json:"next_scan_time,omitempty"`  // next run, epoch ms (UNCONFIRMED unit)
	TimezoneOffset *int32  `json:"timezone_offset,omitempty"` // minutes, JS getTimezoneOffset sign: GMT+8 = -480 (no neutral home)
}

// VulScanPolicy reads HSS ShowVulScanPolicy for the provider's enterprise
// project verbatim, including time.timezone_offset and time.day_part, which
// scan.Schedule has no place for.
func (p *Provider) VulScanPolicy(ctx context.Context) (*VulScanPolicy, error) {
	var out VulScanPolicy
	err := p.callJSON(ctx, call{service: ServiceHSS, action: actionShowVulScanPolicy, method: http.MethodGet,
		project: p.projectID, path: "/v5/" + p.projectID + "/vulnerability/scan-policy", query: entQuery(p.entProject)}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// vulPeriods maps HSS scan_period values to periods.
var vulPeriods = map[string]scan.Period{
	"one_day":   {Every: 1, Unit: scan.Day},
	"three_day": {Every: 3, Unit: scan.Day},
	"one_week":  {Every: 1, Unit: scan.Week},
	"one_month": {Every: 1, Unit: scan.Month},
}

// vulScopes translates HSS scan_range_type.
var vulScopes = vocab.Enums{
	{Neutral: string(scan.ScopeAll), Vendor: "all_host"},
	{Neutral: string(scan.ScopeSelected), Vendor: "specific_host"},
}

// vulStatuses translates HSS status into Schedule.Enabled.
var vulStatuses = vocab.Enums{
	{Neutral: "true", Vendor: "open"},
	{Neutral: "false", Vendor: "close"},
}

func (p *Provider) hostVulSchedule(ctx context.Context) (scan.Schedule, error) {
	pol, err := p.VulScanPolicy(ctx)
	if err != nil {
		return scan.Schedule{}, err
	}
	return hostVulScheduleFrom(pol), nil
}

// hostVulScheduleFrom translates the host vulnerability scan policy. An
// hour_part outside 0–23 or minute_part outside 0–59 leaves At empty (the
// values stay in VulScanPolicy). An unknown scan_period is kept as Period{Every: 0, Unit: <the vendor's
// value>}; an unknown scan_range_type as Scope(<value>); scan_vul_types
// verbatim as Types.
func hostVulScheduleFrom(pol *VulScanPolicy) scan.Schedule {
	s := scan.Schedule{Provider: Name, Kind: scan.HostVulnerabilities}
	if on, ok := vulStatuses.ToNeutral(pol.Status); ok {
		s.Enabled = on == "true"
	}
	if pol.ScanPeriod != "" {
		per, ok := vulPeriods[pol.ScanPeriod]
		if !ok {
			per = scan.Period{Unit: scan.Unit(pol.ScanPeriod)}
		}
		s.Period = per
	}
	if pol.Time != nil && pol.Time.HourPart != nil {
		m := int32(0)
		if pol.Time.MinutePart != nil {
			m = *pol.Time.MinutePart
		}
		if h := *pol.Time.HourPart; h >= 0 && h < 24 && m >= 0 && m < 60 {
			s.At = fmt.Sprintf("%02d:%02d", h, m)
		}
	}
	for _, t := range pol.ScanVulTypes {
		s.Types = append(s.Types, scan.Type(t))
	}
	if pol.ScanRangeType != "" {
		sc, ok := vulScopes.ToNeutral(pol.ScanRangeType)
		if !ok {
			sc = pol.ScanRangeType
		}
		s.Scope = scan.Scope(sc)
	}
	s.HostIDs = append(s.HostIDs, pol.HostIDs...)
	return s
}
