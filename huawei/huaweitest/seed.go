package huaweitest

import (
	"slices"
	"time"
)

// seed fills the server with the default data described in the package doc.
func (s *Server) seed(now time.Time) {
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	day := 24 * time.Hour
	base := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	s.containers = []Container{
		{ContainerID: "c0a1", ContainerName: "nginx-web", ImageName: "nginx:1.25", PodName: "web-7d9f-abcde", ClusterName: "prod-cce", ClusterType: "cce", Status: "Running", Risky: true, LowRisk: 3, MediumRisk: 2, HighRisk: 1, CreateTime: ms(base), RestartCount: 0, CPULimit: "500m", MemoryLimit: "512Mi", ClusterContainer: true},
		{ContainerID: "c0a2", ContainerName: "redis-cache", ImageName: "redis:7.2", PodName: "cache-0", ClusterName: "prod-cce", ClusterType: "cce", Status: "Running", CreateTime: ms(base.Add(2 * day)), RestartCount: 1, CPULimit: "250m", MemoryLimit: "1Gi", ClusterContainer: true},
		{ContainerID: "c0a3", ContainerName: "batch-job", ImageName: "python:3.12", PodName: "batch-28471-xk2p", ClusterName: "prod-cce", ClusterType: "cce", Status: "Terminated", Risky: true, MediumRisk: 4, CreateTime: ms(base.Add(5 * day)), RestartCount: 3, CPULimit: "1000m", MemoryLimit: "2Gi", ClusterContainer: true},
		{ContainerID: "c0a4", ContainerName: "api-gateway", ImageName: "envoy:1.29", PodName: "gw-5c8d-qwert", ClusterName: "edge-idc", ClusterType: "self_built_idc", Status: "Running", Risky: true, HighRisk: 2, FatalRisk: 1, CreateTime: ms(base.Add(10 * day)), RestartCount: 0, CPULimit: "500m", MemoryLimit: "300Mi", ClusterContainer: true, EnterpriseProject: "ep-edge"},
		{ContainerID: "c0a5", ContainerName: "miner-suspect", ImageName: "alpine:3.19", PodName: "tools-6f7g-zxcvb", ClusterName: "dev-aws", ClusterType: "aws", Status: "Isolated", Risky: true, FatalRisk: 3, CreateTime: ms(base.Add(12 * day)), RestartCount: 7, CPULimit: "100m", MemoryLimit: "128Mi", ClusterContainer: true},
		{ContainerID: "c0a6", ContainerName: "metrics-agent", ImageName: "prom/node-exporter:1.7", PodName: "node-exp-2hj4k", ClusterName: "dev-aws", ClusterType: "aws", Status: "Paused", CreateTime: ms(base.Add(15 * day)), RestartCount: 0, CPULimit: "100m", MemoryLimit: "64Mi", ClusterContainer: true},
		{ContainerID: "c0a7", ContainerName: "init-db", ImageName: "postgres:16", PodName: "db-0", ClusterName: "prod-cce", ClusterType: "cce", Status: "Waiting", LowRisk: 1, CreateTime: ms(base.Add(20 * day)), RestartCount: 2, CPULimit: "2000m", MemoryLimit: "4Gi", ClusterContainer: true},
		{ContainerID: "c0a8", ContainerName: "legacy-app", ImageName: "tomcat:9", Status: "Running", Risky: true, LowRisk: 5, MediumRisk: 1, CreateTime: ms(base.Add(25 * day)), RestartCount: 0, CPULimit: "", MemoryLimit: ""},
	}
	s.imagePolicy = ImageScanPolicy{
		IsAll:     false,
		Enabled:   true,
		ScanCycle: 7,
		ScanScope: 0x000f0f00,
		RateLimit: 100,
		TimeScope: 0,
		RegistryList: []Registry{
			{IsSelected: true, RegistryName: "swr-prod", RegistryID: "reg-0001", RegistryType: "SwrEnterprise"},
			{IsSelected: false, RegistryName: "harbor-dev", RegistryID: "reg-0002", RegistryType: "Harbor"},
		},
	}
	older, newer := now.Add(-8*day), now.Add(-1*day)
	s.imageTasks = []ImageScanTask{
		{TaskID: "img-task-0001", PolicyID: "policy-0001", TaskName: "cycle-scan-" + older.UTC().Format("20060102"), BeginTime: ms(older), EndTime: ms(older.Add(42 * time.Minute)), TaskType: "cycle", ImageType: "registry", TaskStatus: 100, ScanScope: 0x000f0f00, RateLimit: 100, SuccessNum: 118, FailedNum: 2, TotalNum: 120, RiskyNum: 17},
		{TaskID: "img-task-0002", PolicyID: "policy-0001", TaskName: "cycle-scan-" + newer.UTC().Format("20060102"), BeginTime: ms(newer), EndTime: ms(newer.Add(37 * time.Minute)), TaskType: "cycle", ImageType: "registry", TaskStatus: 100, ScanScope: 0x000f0f00, RateLimit: 100, SuccessNum: 121, TotalNum: 121, RiskyNum: 15},
		{TaskID: "img-task-0003", TaskName: "manual-scan-1", BeginTime: ms(now.Add(-3 * time.Hour)), EndTime: ms(now.Add(-150 * time.Minute)), TaskType: "manual", ImageType: "local", TaskStatus: -3, ScanScope: 0x000f0000, IsAll: true, FailedNum: 4, TotalNum: 4, FailedReason: "image pull failed"},
		{TaskID: "img-sync-0001", TaskName: "registry-sync", BeginTime: ms(now.Add(-2 * day)), EndTime: ms(now.Add(-2*day + 5*time.Minute)), TaskType: "autoSync", ImageType: "registry", TaskStatus: 100, SyncTaskType: "full", SuccessNum: 121, TotalNum: 121},
	}
	s.vulPolicy = VulScanPolicy{
		ScanPeriod:    "one_week",
		ScanVulTypes:  []string{"linux_vul", "windows_vul", "web_cms", "app_vul"},
		ScanRangeType: "all_host",
		HostIDs:       []string{},
		TotalHostNum:  12,
		Status:        "open",
		Time: VulScanTime{
			DayPart:        []int32{2}, // Monday (1 = Sunday)
			HourPart:       2,
			MinutePart:     30,
			NextScanTime:   nextWeekly(now, time.Monday, 2, 30, 8*time.Hour).UnixMilli(),
			TimezoneOffset: -480,
		},
	}
	s.apps = []App{
		{ID: "app-order-0001", Name: "order-service", Remark: "orders and payments"},
		{ID: "app-crm-0002", Name: "crm-sync"},
		{ID: "app-iot-0003", Name: "iot-bridge", Remark: "device telemetry"},
	}
	s.tasks = []Task{
		{ID: "task-fdi-0001", Name: "orders-to-dws", AppID: "app-order-0001"},
		{ID: "task-fdi-0002", Name: "crm-nightly", AppID: "app-crm-0002"},
		{ID: "task-fdi-0003", Name: "telemetry-archive", AppID: "app-iot-0003"},
		{ID: "task-fdi-0004", Name: "customer-dedupe", AppID: "app-crm-0002"},
	}
}

// nextWeekly is the next wd at hh:mm in the zone east of UTC by off, after now.
func nextWeekly(now time.Time, wd time.Weekday, hh, mm int, off time.Duration) time.Time {
	loc := time.FixedZone("", int(off/time.Second))
	l := now.In(loc)
	t := time.Date(l.Year(), l.Month(), l.Day(), hh, mm, 0, 0, loc)
	for t.Weekday() != wd || !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// SetContainers replaces the container inventory that ExportContainerList
// exports. Jobs already created keep the rows they were created with.
func (s *Server) SetContainers(rows []Container) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.containers = slices.Clone(rows)
}

// SetImageScanPolicy sets what ListImageScanPolicy answers.
func (s *Server) SetImageScanPolicy(p ImageScanPolicy) {
	p.RegistryList = slices.Clone(p.RegistryList)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.imagePolicy = p
}

// SetImageScanTasks replaces the tasks ListImageScanTask lists. Tasks whose
// TaskType is autoSync or manualSync are listed for type=image_sync, the
// others for type=image_scan.
func (s *Server) SetImageScanTasks(tasks []ImageScanTask) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.imageTasks = slices.Clone(tasks)
}

// SetVulScanPolicy sets what ShowVulScanPolicy answers.
func (s *Server) SetVulScanPolicy(p VulScanPolicy) {
	p.ScanVulTypes = slices.Clone(p.ScanVulTypes)
	p.HostIDs = slices.Clone(p.HostIDs)
	p.Time.DayPart = slices.Clone(p.Time.DayPart)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vulPolicy = p
}

// SetAssets replaces the applications and tasks of the emulated ROMA Connect
// instance. Jobs already created keep what they exported.
func (s *Server) SetAssets(apps []App, tasks []Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps = slices.Clone(apps)
	s.tasks = slices.Clone(tasks)
}

// Apps returns the applications of the emulated ROMA Connect instance.
func (s *Server) Apps() []App {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.apps)
}

// Tasks returns the tasks of the emulated ROMA Connect instance.
func (s *Server) Tasks() []Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tasks)
}

// Containers returns the container inventory.
func (s *Server) Containers() []Container {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.containers)
}
