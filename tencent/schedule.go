package tencent

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/internal/vocab"
	"github.com/cloudexport/cloudexport/scan"
)

// actionDescribeImageRegistryTimingScanTask reads the registry timed scan.
const actionDescribeImageRegistryTimingScanTask = "DescribeImageRegistryTimingScanTask"

// chinaStandardTime is the zone TCSS states LastScanTime in (UTC+8, no DST).
var chinaStandardTime = time.FixedZone("CST", 8*60*60)

// lastScanLayout is the form of TimingScanTask.LastScanTime.
const lastScanLayout = "2006-01-02 15:04:05"

// scanTypes translates TCSS ScanType values; others are kept verbatim.
var scanTypes = vocab.Enums{
	{Neutral: string(scan.Vulnerabilities), Vendor: "CVE"},
	{Neutral: string(scan.Malware), Vendor: "VIRUS"},
	{Neutral: string(scan.Risks), Vendor: "RISK"},
}

// scanScopes translates TCSS ScanScope numbers; others become "scope-<n>".
var scanScopes = map[uint64]scan.Scope{
	0: scan.ScopeAll,
	1: scan.ScopeSelected,
	2: scan.ScopeRecommended,
}

// TimingScanTask is the TCSS DescribeImageRegistryTimingScanTask answer, field
// for field, as the vendor names it. GetScanSchedule translates it into a
// scan.Schedule; RegistryScanTask returns it whole, for the fields that have
// no neutral home (ImageInfo.Force, the deprecated All) and for the raw
// spellings of translated ones.
type TimingScanTask struct {
	Enable               bool        `json:"Enable"`               // the timed scan is on
	ScanTime             string      `json:"ScanTime"`             // start time of day, e.g. "17:10" or "03:00:00"
	ScanPeriod           uint64      `json:"ScanPeriod"`           // days between scans (unit UNCONFIRMED)
	ScanType             []string    `json:"ScanType"`             // CVE, VIRUS, RISK
	All                  bool        `json:"All"`                  // deprecated: scan all images
	Images               []ImageInfo `json:"Images"`               // images selected for scanning
	Id                   []uint64    `json:"Id"`                   // image asset ids selected for scanning
	Latest               bool        `json:"Latest"`               // latest image versions only
	ScanEndTime          string      `json:"ScanEndTime"`          // end of the scan window, e.g. "20:00"
	RegistryType         []string    `json:"RegistryType"`         // tcr, ccr, harbor
	ContainerRunning     bool        `json:"ContainerRunning"`     // only images with running containers
	ScanScope            *uint64     `json:"ScanScope"`            // 0 all, 1 selected, 2 recommended; nil when absent
	Namespace            []string    `json:"Namespace"`            // namespaces
	ExcludeImageAssetIds []uint64    `json:"ExcludeImageAssetIds"` // image asset ids excluded
	LastScanTime         string      `json:"LastScanTime"`         // "2006-01-02 15:04:05", China Standard Time
	ScanResult           string      `json:"ScanResult"`           // Success, InsufficientLicense, ImageNeedIsEmpty, InternalError
	RequestId            string      `json:"RequestId"`            // the vendor's request id
}

// ImageInfo is TCSS ImageInfo: one image selected for a timed scan.
type ImageInfo struct {
	InstanceName     string `json:"InstanceName"`
	Namespace        string `json:"Namespace"`
	ImageName        string `json:"ImageName"`
	ImageTag         string `json:"ImageTag"`
	Force            string `json:"Force"` // force-scan flag, a string; no neutral home
	ImageDigest      string `json:"ImageDigest"`
	RegistryType     string `json:"RegistryType"`
	ImageRepoAddress string `json:"ImageRepoAddress"`
	InstanceId       string `json:"InstanceId"`
}

// RegistryScanTask reads the registry-images timed scan (TCSS
// DescribeImageRegistryTimingScanTask) and returns it exactly as TCSS states
// it. Use it for vendor fields GetScanSchedule has no place for, such as
// ImageInfo.Force.
func (p *Provider) RegistryScanTask(ctx context.Context) (TimingScanTask, error) {
	var t TimingScanTask
	err := p.callTCSS(ctx, actionDescribeImageRegistryTimingScanTask, struct{}{}, &t)
	return t, err
}

// Schedule translates the task into the neutral scan.Schedule. Nothing is
// dropped except what has no neutral home (ImageInfo.Force, All, RequestId)
// and what cannot be read: unknown scan types are kept verbatim, an unknown
// ScanScope n becomes Scope("scope-n"), and times that are not H:MM, HH:MM
// or HH:MM:SS are kept as given; but a LastScanTime not in the form
// "2006-01-02 15:04:05" leaves LastScan zero (unknown), and a ScanPeriod
// above math.MaxInt32 days leaves Period zero.
func (t TimingScanTask) Schedule() scan.Schedule {
	s := scan.Schedule{
		Provider:    Name,
		Kind:        scan.RegistryImages,
		Enabled:     t.Enable,
		At:          clock(t.ScanTime),
		Until:       clock(t.ScanEndTime),
		AssetIDs:    t.Id,
		ExcludedIDs: t.ExcludeImageAssetIds,
		Namespaces:  t.Namespace,
		LatestOnly:  t.Latest,
		RunningOnly: t.ContainerRunning,
		LastResult:  t.ScanResult,
	}
	s.Period = days(t.ScanPeriod)
	for _, v := range t.ScanType {
		if n, ok := scanTypes.ToNeutral(v); ok {
			s.Types = append(s.Types, scan.Type(n))
		} else {
			s.Types = append(s.Types, scan.Type(v))
		}
	}
	switch {
	case t.ScanScope != nil:
		if sc, ok := scanScopes[*t.ScanScope]; ok {
			s.Scope = sc
		} else {
			s.Scope = scan.Scope(fmt.Sprintf("scope-%d", *t.ScanScope))
		}
	case t.All:
		s.Scope = scan.ScopeAll
	}
	for _, im := range t.Images {
		s.Images = append(s.Images, scan.Image{
			RegistryType: im.RegistryType,
			InstanceID:   im.InstanceId,
			InstanceName: im.InstanceName,
			Namespace:    im.Namespace,
			Name:         im.ImageName,
			Tag:          im.ImageTag,
			Digest:       im.ImageDigest,
			Address:      im.ImageRepoAddress,
		})
	}
	for _, rt := range t.RegistryType {
		s.Registries = append(s.Registries, scan.Registry{Type: rt, Selected: true})
	}
	if t.LastScanTime != "" {
		if ts, err := time.ParseInLocation(lastScanLayout, t.LastScanTime, chinaStandardTime); err == nil {
			s.LastScan = ts
		}
	}
	return s
}

// days is the Period of n days, or none when n is 0 or more than
// math.MaxInt32 (which an int could turn negative).
func days(n uint64) scan.Period {
	if n == 0 || n > math.MaxInt32 {
		return scan.Period{}
	}
	return scan.Period{Every: int(n), Unit: scan.Day}
}

// clock normalises "H:MM", "HH:MM" and "HH:MM:SS" to "HH:MM"; anything else
// is returned as given.
func clock(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("15:04")
		}
	}
	return v
}
