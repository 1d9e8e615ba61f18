package tencenttest

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/internal/emulator"
)

// Image is a CVM custom image that ExportImages may export. Add one with
// AddImage.
type Image struct {
	ImageID     string    // "img-" and 8 lower-case letters or digits, e.g. "img-dz6w75t0"
	Name        string    // ImageName; "" = the image id
	OsName      string    // e.g. "CentOS 7.9 64位"
	Platform    string    // e.g. "CentOS"; "" = the first word of OsName
	SnapshotIDs []string  // disk snapshots, the system disk first; none = one made-up system-disk snapshot
	Created     time.Time // CreatedTime; zero = 2024-10-29 09:10:00 UTC
	// ExportError is "" for an image that can be exported, otherwise the
	// vendor error code ExportImages answers with, e.g.
	// "UnsupportedOperation.WindowsImageExportUnsupported".
	ExportError string
}

// The ImageState values the emulator reports. The SDK (cvm v20170312
// Image.ImageState) lists CREATING, NORMAL, CREATEFAILED, SYNCING, IMPORTING
// and IMPORTFAILED, none of which is about exports, and no CVM call reports
// an export by its TaskId. So only NORMAL is an SDK state here; the two
// export states are ASSUMPTIONS of the emulator, kept because no listed state
// means "exporting" or "export failed". The adapter does not depend on their
// spelling: all NORMAL is success, any state ending in FAILED is failure, an
// image no longer listed is failure, anything else (these two, SYNCING,
// CREATING, IMPORTING, a state the SDK does not list) is running.
const (
	// ImageStateNormal is an image at rest. Listed by the SDK.
	ImageStateNormal = "NORMAL"
	// ImageStateExporting is an image whose export is running. ASSUMPTION:
	// not in the SDK's list; the real service is known only to leave NORMAL
	// during an export (Terraform's tencentcloud_cvm_export_images waits for
	// NORMAL again).
	ImageStateExporting = "EXPORTING"
	// ImageStateExportFailed is an image whose last export failed (jobs
	// created while FailJobs is set). ASSUMPTION: not in the SDK's list; an
	// emulator convention so that a failed export is observable through
	// DescribeImages, ending in FAILED like the SDK's CREATEFAILED and
	// IMPORTFAILED. The next export of the image starts afresh.
	ImageStateExportFailed = "EXPORTFAILED"
)

// image is a stored custom image.
type image struct {
	Image
	export *emulator.Job // the last export, nil if none
}

// state is the image's ImageState at now.
func (img *image) state(now time.Time) string {
	switch {
	case img.export == nil:
		return ImageStateNormal
	case !img.export.Done(now):
		return ImageStateExporting
	case img.export.Failed(now):
		return ImageStateExportFailed
	}
	return ImageStateNormal
}

// exportTask is one ExportImages task.
type exportTask struct {
	bucket   string
	cosPaths []string
	job      emulator.Job
}

var (
	imageIDPattern = regexp.MustCompile(`^img-[a-z0-9]{8}$`)
	// bucketPattern is the COS bucket form <name>-<appid>.
	bucketPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?-[0-9]{5,}$`)
)

// exportFormats are the ExportFormat values ExportImages accepts.
var exportFormats = []string{"RAW", "QCOW2", "VHD", "VMDK"}

// AddImage adds (or replaces, by ImageID) a custom image in the emulator's
// region. An invalid ImageID is stored as given, so tests can provoke
// InvalidImageId.Malformed only through the API, never through AddImage.
func (s *Server) AddImage(img Image) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addImage(img)
}

// addImage does AddImage with s.mu held (or before the server runs).
func (s *Server) addImage(img Image) {
	img.SnapshotIDs = append([]string(nil), img.SnapshotIDs...)
	if len(img.SnapshotIDs) == 0 {
		img.SnapshotIDs = []string{"snap-" + strings.TrimPrefix(img.ImageID, "img-")}
	}
	if img.Name == "" {
		img.Name = img.ImageID
	}
	if img.Platform == "" {
		img.Platform, _, _ = strings.Cut(img.OsName, " ")
	}
	if img.Created.IsZero() {
		img.Created = time.Date(2024, 10, 29, 9, 10, 0, 0, time.UTC)
	}
	for i, old := range s.images {
		if old.ImageID == img.ImageID {
			s.images[i] = &image{Image: img}
			return
		}
	}
	s.images = append(s.images, &image{Image: img})
}

// SetDryRunOperation chooses how a passing ExportImages DryRun answers:
// false (the default) a success with only a RequestId, true the common error
// DryRunOperation. Which one the real service sends is UNCONFIRMED, so
// adapters should accept both.
func (s *Server) SetDryRunOperation(asError bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dryRunError = asError
}

// ImageState returns the ImageState DescribeImages reports for id now, and
// whether the image exists.
func (s *Server) ImageState(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := s.findImage(id)
	if img == nil {
		return "", false
	}
	return img.state(time.Now()), true
}

// BucketObjects returns the object paths (CosPaths) that finished, successful
// exports have written to bucket, in the order they were written.
func (s *Server) BucketObjects(bucket string) []string {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, t := range s.tasks {
		if t.bucket == bucket && t.job.Done(now) && !t.job.Failed(now) {
			out = append(out, t.cosPaths...)
		}
	}
	return out
}

// findImage returns the image with id, or nil; s.mu must be held.
func (s *Server) findImage(id string) *image {
	for _, img := range s.images {
		if img.ImageID == id {
			return img
		}
	}
	return nil
}

type exportImagesRequest struct {
	BucketName         *string  `json:"BucketName"`
	ImageIds           []string `json:"ImageIds"`
	SnapshotIds        []string `json:"SnapshotIds"`
	ExportFormat       *string  `json:"ExportFormat"`
	FileNamePrefixList []string `json:"FileNamePrefixList"`
	OnlyExportRootDisk *bool    `json:"OnlyExportRootDisk"`
	DryRun             *bool    `json:"DryRun"`
	RoleName           *string  `json:"RoleName"`
}

func (s *Server) exportImages(c *call) (any, *apiError) {
	var req exportImagesRequest
	if err := decodeParams(c.body, &req, "BucketName", "ImageIds", "SnapshotIds", "ExportFormat",
		"FileNamePrefixList", "OnlyExportRootDisk", "DryRun", "RoleName"); err != nil {
		return nil, err
	}
	if c.region == "" {
		return nil, errorf("MissingParameter", "the request is missing the required parameter `Region` (header X-TC-Region)")
	}
	if req.BucketName == nil || *req.BucketName == "" {
		return nil, errorf("MissingParameter", "the request is missing the required parameter `BucketName`")
	}
	if (len(req.ImageIds) == 0) == (len(req.SnapshotIds) == 0) {
		return nil, errorf("InvalidParameter.ImageIdsSnapshotIdsMustOne", "exactly one of the parameters ImageIds and SnapshotIds must be given")
	}
	if len(req.SnapshotIds) > 0 {
		return nil, errorf("UnsupportedOperation", "exporting by SnapshotIds is not open to this account")
	}
	format := "RAW"
	if req.ExportFormat != nil && *req.ExportFormat != "" {
		format = *req.ExportFormat
		if !slices.Contains(exportFormats, format) {
			return nil, errorf("InvalidParameterValue", "ExportFormat %q is not supported; allowed: RAW, QCOW2, VHD, VMDK", format)
		}
	}
	if len(req.FileNamePrefixList) > 0 && len(req.FileNamePrefixList) != len(req.ImageIds) {
		return nil, errorf("InvalidParameterValue.InvalidFileNamePrefixList", "FileNamePrefixList has %d entries but ImageIds has %d", len(req.FileNamePrefixList), len(req.ImageIds))
	}
	for i, id := range req.ImageIds {
		if slices.Contains(req.ImageIds[:i], id) {
			return nil, errorf("InvalidParameterValue", "ImageIds contains %q twice", id)
		}
	}
	if !bucketExists(*req.BucketName) {
		return nil, errorf("InvalidParameterValue.BucketNotFound", "the bucket %q does not exist; bucket names have the form <name>-<appid>", *req.BucketName)
	}
	if req.RoleName != nil && strings.HasPrefix(*req.RoleName, "missing") {
		return nil, errorf("AuthFailure.CamRoleNameAuthenticateFailed", "the role %q does not exist or may not write to the bucket", *req.RoleName)
	}
	rootOnly := req.OnlyExportRootDisk != nil && *req.OnlyExportRootDisk
	dryRun := req.DryRun != nil && *req.DryRun

	var job emulator.Job
	if !dryRun {
		job = s.NewJob()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var imgs []*image
	for _, id := range req.ImageIds {
		if !imageIDPattern.MatchString(id) {
			return nil, errorf("InvalidImageId.Malformed", "the image id %q is malformed", id)
		}
		img := s.findImage(id)
		if img == nil || c.region != Region {
			return nil, errorf("InvalidImageId.NotFound", "the image %q was not found in region %s", id, c.region)
		}
		if img.ExportError != "" {
			return nil, errorf(img.ExportError, "the image %q cannot be exported", id)
		}
		if img.state(c.now) == ImageStateExporting {
			return nil, errorf("InvalidParameterValue.InvalidImageState", "the image %q is busy with another operation; retry later", id)
		}
		imgs = append(imgs, img)
	}
	if dryRun {
		if s.dryRunError {
			return nil, errorf("DryRunOperation", "DryRun operation: the request would have succeeded, but the DryRun parameter was used")
		}
		return struct{}{}, nil
	}
	ext := strings.ToLower(format)
	var paths []string
	for i, img := range imgs {
		prefix := ""
		if len(req.FileNamePrefixList) > 0 && req.FileNamePrefixList[i] != "" {
			prefix = req.FileNamePrefixList[i] + "_"
		}
		for d, snap := range img.SnapshotIDs {
			usage := "system"
			if d > 0 {
				if rootOnly {
					break
				}
				usage = "data"
			}
			paths = append(paths, "/"+prefix+img.ImageID+"_"+usage+"_"+snap+"."+ext)
		}
		j := job
		img.export = &j
	}
	s.nextTaskID++
	s.tasks = append(s.tasks, &exportTask{bucket: *req.BucketName, cosPaths: paths, job: job})
	return struct {
		TaskId   uint64   `json:"TaskId"`
		CosPaths []string `json:"CosPaths"`
	}{s.nextTaskID, paths}, nil
}

// bucketExists is the emulator's rule for buckets: every name of the COS
// form <name>-<appid> (lower-case letters, digits and hyphens, then a hyphen
// and an appid of at least 5 digits) exists, except names starting with
// "missing-bucket".
func bucketExists(name string) bool {
	return bucketPattern.MatchString(name) && !strings.HasPrefix(name, "missing-bucket")
}

type cvmFilter struct {
	Name   *string  `json:"Name"`
	Values []string `json:"Values"`
}

type describeImagesRequest struct {
	ImageIds     []string    `json:"ImageIds"`
	Filters      []cvmFilter `json:"Filters"`
	Offset       *uint64     `json:"Offset"`
	Limit        *uint64     `json:"Limit"`
	InstanceType *string     `json:"InstanceType"`
}

type snapshotJSON struct {
	SnapshotId string `json:"SnapshotId"`
	DiskUsage  string `json:"DiskUsage"`
	DiskSize   int64  `json:"DiskSize"`
}

type imageJSON struct {
	ImageId            string         `json:"ImageId"`
	OsName             string         `json:"OsName"`
	ImageType          string         `json:"ImageType"`
	CreatedTime        string         `json:"CreatedTime"`
	ImageName          string         `json:"ImageName"`
	ImageDescription   string         `json:"ImageDescription"`
	ImageSize          int64          `json:"ImageSize"`
	Architecture       string         `json:"Architecture"`
	ImageState         string         `json:"ImageState"`
	Platform           string         `json:"Platform"`
	ImageCreator       string         `json:"ImageCreator"`
	ImageSource        string         `json:"ImageSource"`
	SyncPercent        *int64         `json:"SyncPercent"`
	IsSupportCloudinit bool           `json:"IsSupportCloudinit"`
	SnapshotSet        []snapshotJSON `json:"SnapshotSet"`
	Tags               []struct{}     `json:"Tags"`
	LicenseType        string         `json:"LicenseType"`
	ImageFamily        string         `json:"ImageFamily"`
	ImageDeprecated    bool           `json:"ImageDeprecated"`
}

// imageFilters are the DescribeImages filter names the emulator supports,
// with the image value each compares (exactly) against.
var imageFilters = map[string]func(img *image) string{
	"image-id":   func(img *image) string { return img.ImageID },
	"image-type": func(*image) string { return "PRIVATE_IMAGE" },
	"image-name": func(img *image) string { return img.Name },
	"platform":   func(img *image) string { return img.Platform },
}

func (s *Server) describeImages(c *call) (any, *apiError) {
	var req describeImagesRequest
	if err := decodeParams(c.body, &req, "ImageIds", "Filters", "Offset", "Limit", "InstanceType"); err != nil {
		return nil, err
	}
	if c.region == "" {
		return nil, errorf("MissingParameter", "the request is missing the required parameter `Region` (header X-TC-Region)")
	}
	if len(req.ImageIds) > 0 && len(req.Filters) > 0 {
		return nil, errorf("InvalidParameter.InvalidParameterCoexistImageIdsFilters", "ImageIds and Filters cannot be given together")
	}
	if len(req.ImageIds) > 100 {
		return nil, errorf("InvalidParameterValue.LimitExceeded", "at most 100 ImageIds may be given, not %d", len(req.ImageIds))
	}
	for _, id := range req.ImageIds {
		if !imageIDPattern.MatchString(id) {
			return nil, errorf("InvalidImageId.Malformed", "the image id %q is malformed", id)
		}
	}
	if len(req.Filters) > 10 {
		return nil, errorf("InvalidParameterValue.LimitExceeded", "at most 10 Filters may be given, not %d", len(req.Filters))
	}
	for i, f := range req.Filters {
		if f.Name == nil || imageFilters[*f.Name] == nil {
			name := "<missing>"
			if f.Name != nil {
				name = *f.Name
			}
			return nil, errorf("InvalidFilter", "Filters.%d.Name %q is not supported; the emulator knows image-id, image-type, image-name, platform", i, name)
		}
		if len(f.Values) == 0 || len(f.Values) > 5 {
			return nil, errorf("InvalidFilterValue.LimitExceeded", "Filters.%d.Values must hold 1 to 5 values, not %d", i, len(f.Values))
		}
	}
	limit := uint64(20)
	if req.Limit != nil && *req.Limit != 0 {
		limit = *req.Limit
	}
	if limit > 100 {
		return nil, errorf("InvalidParameterValue.InvalidParameterValueLimit", "Limit %d exceeds the maximum 100", limit)
	}
	var offset uint64
	if req.Offset != nil {
		offset = *req.Offset
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*image
	if c.region == Region {
		for _, img := range s.images {
			if len(req.ImageIds) > 0 && !slices.Contains(req.ImageIds, img.ImageID) {
				continue
			}
			keep := true
			for _, f := range req.Filters {
				if !slices.Contains(f.Values, imageFilters[*f.Name](img)) {
					keep = false
					break
				}
			}
			if keep {
				match = append(match, img)
			}
		}
	}
	total := len(match)
	if offset > uint64(len(match)) {
		offset = uint64(len(match))
	}
	match = match[offset:]
	if uint64(len(match)) > limit {
		match = match[:limit]
	}
	set := make([]imageJSON, 0, len(match))
	for _, img := range match {
		set = append(set, s.imageJSON(img, c.now))
	}
	return struct {
		ImageSet   []imageJSON `json:"ImageSet"`
		TotalCount int64       `json:"TotalCount"`
	}{set, int64(total)}, nil
}

// imageJSON renders img as DescribeImages does.
func (s *Server) imageJSON(img *image, now time.Time) imageJSON {
	snaps := make([]snapshotJSON, len(img.SnapshotIDs))
	var size int64
	for i, id := range img.SnapshotIDs {
		snaps[i] = snapshotJSON{SnapshotId: id, DiskUsage: "DATA_DISK", DiskSize: 100}
		if i == 0 {
			snaps[i].DiskUsage, snaps[i].DiskSize = "SYSTEM_DISK", 50
		}
		size += snaps[i].DiskSize
	}
	return imageJSON{
		ImageId:            img.ImageID,
		OsName:             img.OsName,
		ImageType:          "PRIVATE_IMAGE",
		CreatedTime:        img.Created.UTC().Format(time.RFC3339),
		ImageName:          img.Name,
		ImageSize:          size,
		Architecture:       "x86_64",
		ImageState:         img.state(now),
		Platform:           img.Platform,
		ImageCreator:       "100000000001",
		ImageSource:        "CREATE_IMAGE",
		IsSupportCloudinit: true,
		SnapshotSet:        snaps,
		Tags:               []struct{}{},
		LicenseType:        "TencentCloud",
	}
}
