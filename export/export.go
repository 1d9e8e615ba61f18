package export

import (
	"strconv"
	"time"
)

// Kind names what an export reads.
type Kind string

// The kinds of export the module knows.
const (
	KindComponents    Kind = "components"     // software components of one container image
	KindContainers    Kind = "containers"     // container inventory
	KindAssets        Kind = "assets"         // integration assets: applications and tasks
	KindMachineImages Kind = "machine-images" // custom VM images written to object storage

	KindVulnerabilities Kind = "vulnerabilities" // host vulnerabilities found by host security
)

// Kinds lists every kind the module knows, in a stable order.
func Kinds() []Kind {
	return []Kind{KindComponents, KindContainers, KindAssets, KindMachineImages, KindVulnerabilities}
}

// Target says what one export reads. There is one type per kind; each
// implements Kind on the value, so export.Components{...} is a Target.
type Target interface{ Kind() Kind }

// Components exports the software components of one local container image.
// Tencent TCSS CreateComponentExportJob.
type Components struct {
	ImageID string // the local image id, e.g. "sha256:…"; required
}

// Kind returns KindComponents.
func (Components) Kind() Kind { return KindComponents }

// Containers exports the container inventory. Huawei HSS ExportContainerList.
type Containers struct {
	EnterpriseProject string // "" = the provider's default enterprise project
}

// Kind returns KindContainers.
func (Containers) Kind() Kind { return KindContainers }

// Assets exports integration assets (applications and tasks). Huawei ROMA
// Connect ExportAsset.
type Assets struct {
	InstanceID string   // "" = the provider's default instance
	AppIDs     []string // application ids
	TaskIDs    []string // task ids
}

// Kind returns KindAssets.
func (Assets) Kind() Kind { return KindAssets }

// MachineImages exports custom VM images to an object-storage bucket.
// Tencent CVM ExportImages.
type MachineImages struct {
	ImageIDs     []string // e.g. "img-dz6w75t0"; at least one
	Bucket       string   // the bucket the images are written to; required
	Format       string   // raw (default), qcow2, vhd, vmdk; case-insensitive
	FilePrefixes []string // optional; one per image
	RootDiskOnly bool     // export the system disk only
	Role         string   // optional role that may write to the bucket
}

// Kind returns KindMachineImages.
func (MachineImages) Kind() Kind { return KindMachineImages }

// Vulnerabilities targets host-security findings: the vulnerabilities each
// cloud's host security service found on your servers. Tencent Cloud Workload
// Protection ExportVulList, Huawei HSS ExportVuls (exported by vulnerability,
// category "vul").
//
// The same request runs on either cloud, with the neutral filters category
// (linux, windows, web_cms, app, emergency), level (critical, high, medium,
// low), status (unfixed, ignored, fixed) and name (Like), plus the
// vendor-only filters each adapter documents; rows read back from either
// cloud's file carry the same neutral column keys.
type Vulnerabilities struct {
	EnterpriseProject string // Huawei only; "" = the provider's default enterprise project
}

// Kind returns KindVulnerabilities.
func (Vulnerabilities) Kind() Kind { return KindVulnerabilities }

// Request describes one export.
type Request struct {
	Target  Target   // what to export, e.g. Components{ImageID: ...}; required
	Filters []Filter // every filter must hold; see the kind's vocabulary
	Columns []Column // ordered; empty = the kind's default columns
	Sort    *Sort    // nil = the vendor's order
	Offset  int      // rows to skip, where the kind has paging
	Limit   int      // 0 = the provider's default
	DryRun  bool     // validate locally, send nothing and start nothing (see provider.Provider)
}

// Match says how a filter compares values.
type Match int

// The ways a filter matches.
const (
	MatchExact Match = iota // the field equals one of the values
	MatchFuzzy              // the field contains the value
)

// String returns "exact" or "fuzzy".
func (m Match) String() string {
	switch m {
	case MatchExact:
		return "exact"
	case MatchFuzzy:
		return "fuzzy"
	}
	return "match(" + strconv.Itoa(int(m)) + ")"
}

// Filter restricts the rows an export returns.
type Filter struct {
	Field    string    // neutral field name, e.g. "vul_level"
	Values   []string  // any of these
	Match    Match     // exact or fuzzy
	From, To time.Time // range fields only (create_time); a zero bound is open
}

// Eq returns a filter that keeps rows whose field equals any of values.
func Eq(field string, values ...string) Filter {
	return Filter{Field: field, Values: values, Match: MatchExact}
}

// Like returns a filter that keeps rows whose field contains value.
func Like(field, value string) Filter {
	return Filter{Field: field, Values: []string{value}, Match: MatchFuzzy}
}

// Between returns a range filter on a time field; a zero bound is open.
func Between(field string, from, to time.Time) Filter {
	return Filter{Field: field, From: from, To: to}
}

// IsRange reports whether f is a range filter (made by Between).
func (f Filter) IsRange() bool { return !f.From.IsZero() || !f.To.IsZero() }

// Column is one column of the result file.
type Column struct {
	Key    string // neutral column key, e.g. "vul_count"
	Header string // "" = a default English title
}

// Cols returns columns for keys, with default headers.
func Cols(keys ...string) []Column {
	out := make([]Column, len(keys))
	for i, k := range keys {
		out[i] = Column{Key: k}
	}
	return out
}

// Sort orders the rows of the result.
type Sort struct {
	Field string // a column key
	Desc  bool   // descending; false = ascending
}

// Job identifies a started export job. It carries everything later calls
// (PollJob, Download) need, and never a secret.
type Job struct {
	Provider string            // "tencent" | "huawei"
	Service  string            // "tcss" | "cvm" | "hss" | "roma"
	Kind     Kind              // what the job exports
	ID       string            // the vendor's job or task id (CVM's numeric TaskId in decimal)
	Region   string            // the region the job runs in
	Scope    map[string]string // what later calls need: project id, instance id, image ids...; never a secret
	Created  time.Time         // when the job was created, as seen by this process
}

// State is the coarse state of a job.
type State string

// The states of a job.
const (
	StateRunning   State = "running"
	StateSucceeded State = "succeeded"
	StateFailed    State = "failed"
)

// Status is what PollJob learns about a job.
type Status struct {
	Job      Job     // the job that was polled
	State    State   // running, succeeded or failed
	Progress float64 // fraction 0..1; -1 when the vendor reports none
	Files    []File  // set once succeeded
	Message  string  // the vendor's failure reason, or a note on the state
}

// Done reports whether the job has ended, successfully or not.
func (s Status) Done() bool { return s.State == StateSucceeded || s.State == StateFailed }

// File is one result file of a finished job.
type File struct {
	Name string // a file name, e.g. "components.xlsx"
	URL  string // a direct link where the vendor gives one (TCSS DownloadURL)
	ID   string // a vendor file or archive id (HSS file_id, ROMA archive_id)
	Path string // an object path in the user's bucket (CVM CosPaths)
}
