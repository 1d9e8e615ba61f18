// Package scan holds the provider-neutral value types of scan schedules: how
// often a cloud's security service scans registry images or hosts, at what
// time, for which risks, and over what scope.
//
// Nothing is lost in translation. Periods are kept as the vendor states them
// (Huawei HSS scan_cycle 7 is {7, Day}; one_week is {1, Week}). An enumerated
// value the library does not know yet is kept verbatim: a new scan type
// becomes Type("its-name"), a new scope Scope("its-name"). Vendor fields with
// no neutral home stay reachable through the adapter's escape hatch; each
// adapter's package doc lists them.
//
// # Reading a schedule
//
// A provider.Provider's GetScanSchedule takes a Query naming a Kind and
// returns one Schedule; provider.Capabilities.Schedules lists the kinds a
// provider serves. Fields a vendor does not state stay zero ("" for At and
// Until, a zero LastScan).
package scan

import (
	"strconv"
	"time"
)

// Kind names what a schedule scans.
type Kind string

// The kinds of schedule.
const (
	RegistryImages      Kind = "registry-images"      // timed scans of container-registry images
	HostVulnerabilities Kind = "host-vulnerabilities" // timed vulnerability scans of hosts
)

// Query asks for one schedule.
type Query struct {
	Kind Kind // the schedule to read, e.g. HostVulnerabilities
}

// Type is a kind of risk a scan looks for.
type Type string

// The scan types the library knows. Others are kept verbatim.
const (
	Vulnerabilities Type = "vulnerabilities"
	Malware         Type = "malware"
	Risks           Type = "risks" // configuration and baseline risks
	SensitiveInfo   Type = "sensitive-info"
	Compliance      Type = "compliance"
)

// Scope says which images or hosts a schedule covers.
type Scope string

// The scopes the library knows. Others are kept verbatim.
const (
	ScopeAll         Scope = "all"
	ScopeSelected    Scope = "selected"
	ScopeRecommended Scope = "recommended"
)

// Period is how often a schedule runs: every Every Units, e.g. {1, Day},
// {3, Day}, {1, Week}, {1, Month}.
type Period struct {
	Every int  // how many Units between runs; 0 when kept verbatim (see String)
	Unit  Unit // Day, Week or Month, or the vendor's word when kept verbatim
}

// IsZero reports whether the period is unset.
func (p Period) IsZero() bool { return p.Every == 0 && p.Unit == "" }

// String says the period in words: "every day", "every 7 days", "" when unset.
// A period kept verbatim from the vendor (Every 0, Unit the vendor's word) is
// printed as the vendor gave it.
func (p Period) String() string {
	switch {
	case p.IsZero():
		return ""
	case p.Every == 0:
		return string(p.Unit)
	case p.Every == 1:
		return "every " + string(p.Unit)
	default:
		return "every " + strconv.Itoa(p.Every) + " " + string(p.Unit) + "s"
	}
}

// Unit is the unit of a Period.
type Unit string

// The units of a period.
const (
	Day   Unit = "day"
	Week  Unit = "week"
	Month Unit = "month"
)

// Schedule is a scan schedule as one cloud states it.
type Schedule struct {
	Provider    string     // "tencent" | "huawei"
	Kind        Kind       // what is scanned
	Enabled     bool       // whether the timed scan is switched on
	Period      Period     // how often it runs
	At          string     // "HH:MM" start time of day, "" when the vendor has none
	Until       string     // "HH:MM" end of the scan window, "" when none
	Types       []Type     // what the scan looks for
	Scope       Scope      // which images or hosts
	Images      []Image    // images selected for scanning
	AssetIDs    []uint64   // vendor image asset ids selected for scanning
	ExcludedIDs []uint64   // vendor image asset ids excluded from scanning
	Registries  []Registry // registries known to the schedule, and whether each is selected
	Namespaces  []string   // registry namespaces selected
	LatestOnly  bool       // only the latest version of each image
	RunningOnly bool       // only images with running containers
	HostIDs     []string   // host-vulnerabilities with specific hosts
	LastScan    time.Time  // when the last timed scan ran; zero when unknown
	LastResult  string     // the vendor's word on the last scan, e.g. "Success"
}

// Image is one image selected for scanning.
type Image struct {
	RegistryType string // the registry's type as the vendor names it, e.g. "tcr"
	InstanceID   string // the registry instance
	InstanceName string
	Namespace    string // the image's namespace (repository group)
	Name         string // the repository name
	Tag          string
	Digest       string // "sha256:…" where the vendor gives it
	Address      string // the image address, e.g. "prod.tencentcloudcr.com/payments/api:v1.4.2"
}

// Registry is one container registry a schedule knows.
type Registry struct {
	ID       string // the vendor's registry id
	Name     string
	Type     string // the registry's type as the vendor names it, e.g. "Harbor"
	Selected bool   // whether the schedule scans this registry
}
