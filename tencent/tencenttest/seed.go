package tencenttest

// The seeded data, named so tests and examples can refer to it.
const (
	// SeedImageID is the local container image whose components are seeded
	// (eight rows).
	SeedImageID = "sha256:3f5a6c2d9e8b7a1f0c4d2e6b8a9f1c3d5e7a9b0c2d4f6e8a1b3c5d7e9f0a2b4c"
	// SeedSmallImageID is a second local image with two component rows.
	SeedSmallImageID = "sha256:9b1d4e7f2a5c8d0e3f6a9b2c5d8e1f4a7b0c3d6e9f2a5b8c1d4e7f0a3b6c9d2e"

	// SeedLinuxImage is an exportable CVM custom image with a system disk only.
	SeedLinuxImage = "img-dz6w75t0"
	// SeedLinuxDataImage is an exportable CVM custom image with a system
	// disk and one data disk.
	SeedLinuxDataImage = "img-pq5pau1w"
	// SeedWindowsImage is a CVM custom image that ExportImages refuses with
	// UnsupportedOperation.WindowsImageExportUnsupported.
	SeedWindowsImage = "img-w2019dc0"

	// Bucket is a bucket name that exists (any name of the form
	// <name>-<appid> does, except those starting with "missing-bucket").
	Bucket = "cloudexport-1250000000"
	// MissingBucket is a bucket name that ExportImages answers with
	// InvalidParameterValue.BucketNotFound.
	MissingBucket = "missing-bucket-1250000000"
)

func seedComponents() []Component {
	img, small := SeedImageID, SeedSmallImageID
	return []Component{
		{img, "openssl", "1.1.1k", "/usr/lib64/libssl.so.1.1", "SYSTEM_COMPONENT", 5, []string{"CRITICAL", "HIGH", "MIDDLE"}},
		{img, "bash", "4.4.20", "/usr/bin/bash", "SYSTEM_COMPONENT", 1, []string{"LOW"}},
		{img, "glibc", "2.28", "/usr/lib64/libc.so.6", "SYSTEM_COMPONENT", 3, []string{"HIGH", "MIDDLE"}},
		{img, "zlib", "1.2.11", "/usr/lib64/libz.so.1", "SYSTEM_COMPONENT", 0, nil},
		{img, "log4j-core", "2.14.1", "/app/lib/log4j-core-2.14.1.jar", "APPLICATION_COMPONENT", 2, []string{"CRITICAL"}},
		{img, "jackson-databind", "2.13.4", "/app/lib/jackson-databind-2.13.4.jar", "APPLICATION_COMPONENT", 0, nil},
		{img, "python3", "3.6.8", "/usr/bin/python3.6", "SYSTEM_COMPONENT", 4, []string{"HIGH", "LOW"}},
		{img, "openssl-libs", "1.1.1k", "/usr/lib64/libcrypto.so.1.1", "SYSTEM_COMPONENT", 2, []string{"MIDDLE"}},
		{small, "busybox", "1.36.1", "/bin/busybox", "SYSTEM_COMPONENT", 0, nil},
		{small, "musl", "1.2.4", "/lib/ld-musl-x86_64.so.1", "SYSTEM_COMPONENT", 1, []string{"MIDDLE"}},
	}
}

func seedTimingScanTask() TimingScanTask {
	return TimingScanTask{
		Enable:     true,
		ScanTime:   "17:10",
		ScanPeriod: 1,
		ScanType:   []string{"CVE", "VIRUS", "RISK"},
		Images: []ImageInfo{
			{
				InstanceName:     "tcr-prod",
				Namespace:        "payments",
				ImageName:        "payments/api",
				ImageTag:         "v1.4.2",
				Force:            "false",
				ImageDigest:      "sha256:1319b1eaa0b7bcebae63af321fa67559b9517e8494060403d083bb3508fe52c8",
				RegistryType:     "tcr",
				ImageRepoAddress: "prod.tencentcloudcr.com/payments/api:v1.4.2",
				InstanceId:       "tcr-8k3m2x9q",
			},
			{
				InstanceName:     "tcr-prod",
				Namespace:        "payments",
				ImageName:        "payments/worker",
				ImageTag:         "v2.0.0",
				Force:            "true",
				ImageDigest:      "sha256:6d2f1a8c4b9e7d3f0a5c8e1b4d7f0a3c6e9b2d5f8a1c4e7b0d3f6a9c2e5b8d1f",
				RegistryType:     "tcr",
				ImageRepoAddress: "prod.tencentcloudcr.com/payments/worker:v2.0.0",
				InstanceId:       "tcr-8k3m2x9q",
			},
		},
		Id:                   []uint64{128, 129},
		Latest:               true,
		ScanEndTime:          "20:00",
		RegistryType:         []string{"tcr"},
		ContainerRunning:     false,
		ScanScope:            1,
		Namespace:            []string{"payments"},
		ExcludeImageAssetIds: []uint64{888},
		LastScanTime:         "2024-10-29 17:10:00",
		ScanResult:           "Success",
	}
}

func seedImages() []Image {
	return []Image{
		{ImageID: SeedLinuxImage, Name: "web-centos7", OsName: "CentOS 7.9 64位", SnapshotIDs: []string{"snap-hedv100v"}},
		{ImageID: SeedLinuxDataImage, Name: "db-ubuntu22", OsName: "Ubuntu Server 22.04 LTS 64位", SnapshotIDs: []string{"snap-fiux4bof", "snap-k2l9d0ma"}},
		{ImageID: SeedWindowsImage, Name: "win-2019", OsName: "Windows Server 2019 数据中心版 64位中文版", Platform: "Windows",
			SnapshotIDs: []string{"snap-w19sys00"}, ExportError: "UnsupportedOperation.WindowsImageExportUnsupported"},
	}
}
