package huaweitest

import "github.com/cloudexport/cloudexport/internal/emulator"

// Fault is one injected fault; pass it to Server.Inject. Its Action is one of
// the SDK operation names listed in the package doc ("" = any operation).
type Fault = emulator.Fault

// FaultKind is the kind of an injected fault.
type FaultKind = emulator.FaultKind

// The kinds of fault the server can inject; see the package doc for the
// answer each one produces.
const (
	Throttle    = emulator.Throttle    // 429 APIGW.0308
	ServerError = emulator.ServerError // 500 HSS.1000 / ROMA.00000500
	Malformed   = emulator.Malformed   // 200 with a body that is not valid JSON
	Slow        = emulator.Slow        // the answer is delayed by Fault.Delay
)

// Container is one row of the seeded HSS container inventory: the sixteen
// columns ExportContainerList can export plus the fields only its filters read.
// JSON names are the vendor's export_headers keys.
type Container struct {
	ContainerID   string `json:"container_id"`
	ContainerName string `json:"container_name"`
	ImageName     string `json:"image_name"`
	PodName       string `json:"pod_name"`
	ClusterName   string `json:"cluster_name"`
	ClusterType   string `json:"cluster_type"` // cce, ali, tencent, azure, aws, self_built_hw, self_built_idc; "" outside a cluster
	Status        string `json:"status"`       // Running, Waiting, Terminated, Isolated, Paused
	Risky         bool   `json:"risky"`
	LowRisk       int    `json:"low_risk"`
	MediumRisk    int    `json:"medium_risk"`
	HighRisk      int    `json:"high_risk"`
	FatalRisk     int    `json:"fatal_risk"`
	CreateTime    int64  `json:"create_time"` // epoch milliseconds
	RestartCount  int    `json:"restart_count"`
	CPULimit      string `json:"cpu_limit"`    // e.g. "100m"
	MemoryLimit   string `json:"memory_limit"` // e.g. "300Mi"

	// ClusterContainer is what the cluster_container filter matches; a
	// container with a ClusterName is usually in a cluster.
	ClusterContainer bool `json:"cluster_container"`
	// EnterpriseProject is the enterprise project the container belongs to;
	// "" and "0" are the default project.
	EnterpriseProject string `json:"enterprise_project_id"`
}

// ImageScanPolicy is the answer of ListImageScanPolicy, with the vendor's JSON
// names. TotalRegistryNum 0 is answered as len(RegistryList).
type ImageScanPolicy struct {
	IsAll            bool       `json:"is_all"`
	Enabled          bool       `json:"enabled"`
	ScanCycle        int32      `json:"scan_cycle"` // days: 3, 7, 14
	ScanScope        int32      `json:"scan_scope"` // bitmask, e.g. 0x000f0f00 = vulnerabilities and malicious files
	RateLimit        int32      `json:"rate_limit"` // images per hour, 0 = unlimited
	TimeScope        int32      `json:"time_scope"` // 0 = all images, or 1, 3, 7 days
	TotalRegistryNum int32      `json:"total_registry_num"`
	RegistryList     []Registry `json:"registry_list"`
}

// Registry is one entry of ImageScanPolicy.RegistryList.
type Registry struct {
	IsSelected   bool   `json:"is_selected"`
	RegistryName string `json:"registry_name"`
	RegistryID   string `json:"registry_id"`
	RegistryType string `json:"registry_type"` // SwrPrivate, SwrShared, SwrEnterprise, Harbor, Jfrog, Other
}

// ImageScanTask is one entry of ListImageScanTask's data_list, with the
// vendor's JSON names. Times are epoch milliseconds; TaskStatus is 0..100
// progress (100 = done), -1 stopped, -2 timed out, -3 error.
type ImageScanTask struct {
	TaskID       string `json:"task_id"`
	PolicyID     string `json:"policy_id,omitempty"`
	TaskName     string `json:"task_name"`
	BeginTime    int64  `json:"begin_time"`
	EndTime      int64  `json:"end_time,omitempty"`
	RemainMin    int64  `json:"remain_min"`
	TaskType     string `json:"task_type"`  // cycle, manual, autoSync, manualSync
	ImageType    string `json:"image_type"` // local, registry
	TaskStatus   int32  `json:"task_status"`
	ScanScope    int32  `json:"scan_scope"`
	RateLimit    int32  `json:"rate_limit"`
	IsAll        bool   `json:"is_all"`
	FailedNum    int32  `json:"failed_num"`
	SuccessNum   int32  `json:"success_num"`
	TotalNum     int32  `json:"total_num"`
	RiskyNum     int32  `json:"risky_num"`
	SyncTaskType string `json:"sync_task_type,omitempty"`
	FailedReason string `json:"failed_reason,omitempty"`
}

// VulScanPolicy is the answer of ShowVulScanPolicy, with the vendor's JSON names.
type VulScanPolicy struct {
	ScanPeriod    string      `json:"scan_period"`     // one_day, three_day, one_week, one_month
	ScanVulTypes  []string    `json:"scan_vul_types"`  // linux_vul, windows_vul, web_cms, app_vul, urgent_vul
	ScanRangeType string      `json:"scan_range_type"` // all_host, specific_host
	HostIDs       []string    `json:"host_ids"`
	TotalHostNum  int64       `json:"total_host_num"`
	Status        string      `json:"status"` // open, close
	Time          VulScanTime `json:"time"`
}

// VulScanTime is VulScanPolicy.Time.
type VulScanTime struct {
	DayPart        []int32 `json:"day_part"`
	HourPart       int32   `json:"hour_part"`
	MinutePart     int32   `json:"minute_part"`
	NextScanTime   int64   `json:"next_scan_time"`  // epoch milliseconds
	TimezoneOffset int32   `json:"timezone_offset"` // minutes, JS getTimezoneOffset sign: GMT+8 = -480
}

// App is a ROMA Connect integration application in the emulated instance.
type App struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Remark string `json:"remark,omitempty"`
}

// Task is a ROMA Connect data-integration task in the emulated instance.
type Task struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	AppID string `json:"app_id,omitempty"` // the application the task belongs to
}
