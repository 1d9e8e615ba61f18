package tencenttest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

type exportAnswer struct {
	TaskId   *uint64
	CosPaths []string
}

func TestExportImagesValidation(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(0)
	c := newClient(t, s)
	noRegion := newClient(t, s, func(c *clientConfig) { c.region = "" })
	beijing := newClient(t, s, func(c *clientConfig) { c.region = "ap-beijing" })
	img := SeedLinuxImage
	tests := []struct {
		name   string
		client *common.Client
		params map[string]any
		want   string
	}{
		{"no region", noRegion, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}}, "MissingParameter"},
		{"no bucket", c, map[string]any{"ImageIds": []string{img}}, "MissingParameter"},
		{"no images", c, map[string]any{"BucketName": Bucket}, "InvalidParameter.ImageIdsSnapshotIdsMustOne"},
		{"images and snapshots", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}, "SnapshotIds": []string{"snap-hedv100v"}}, "InvalidParameter.ImageIdsSnapshotIdsMustOne"},
		{"snapshots only", c, map[string]any{"BucketName": Bucket, "SnapshotIds": []string{"snap-hedv100v"}}, "UnsupportedOperation"},
		{"format in lower case", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}, "ExportFormat": "qcow2"}, "InvalidParameterValue"},
		{"unknown format", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}, "ExportFormat": "ISO"}, "InvalidParameterValue"},
		{"prefixes mismatch", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}, "FileNamePrefixList": []string{"a", "b"}}, "InvalidParameterValue.InvalidFileNamePrefixList"},
		{"duplicate image", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img, img}}, "InvalidParameterValue"},
		{"missing bucket", c, map[string]any{"BucketName": MissingBucket, "ImageIds": []string{img}}, "InvalidParameterValue.BucketNotFound"},
		{"bucket without appid", c, map[string]any{"BucketName": "mybucket", "ImageIds": []string{img}}, "InvalidParameterValue.BucketNotFound"},
		{"bucket missing-bucket", c, map[string]any{"BucketName": "missing-bucket", "ImageIds": []string{img}}, "InvalidParameterValue.BucketNotFound"},
		{"role missing", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}, "RoleName": "missing-role"}, "AuthFailure.CamRoleNameAuthenticateFailed"},
		{"malformed image id", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{"img-XYZ"}}, "InvalidImageId.Malformed"},
		{"unknown image", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{"img-00000000"}}, "InvalidImageId.NotFound"},
		{"image of another region", beijing, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}}, "InvalidImageId.NotFound"},
		{"windows image", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img, SeedWindowsImage}}, "UnsupportedOperation.WindowsImageExportUnsupported"},
		{"unknown key", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}, "Format": "RAW"}, "UnknownParameter"},
		{"valid", c, map[string]any{"BucketName": Bucket, "ImageIds": []string{img}, "ExportFormat": "VMDK", "RoleName": "CVM_QcsRole"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := send(context.Background(), tt.client, "cvm", "ExportImages", tt.params)
			if got := codeOf(err); got != tt.want {
				t.Errorf("code = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}
}

func TestExportImagesDryRun(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(time.Hour)
	c := newClient(t, s)
	var a exportAnswer
	mustSend(t, c, "cvm", "ExportImages", map[string]any{"BucketName": Bucket, "ImageIds": []string{SeedLinuxImage}, "DryRun": true}, &a)
	if a.TaskId != nil || a.CosPaths != nil {
		t.Errorf("dry run answered %+v, want no TaskId and no CosPaths", a)
	}
	if st, _ := s.ImageState(SeedLinuxImage); st != ImageStateNormal {
		t.Errorf("after a dry run ImageState = %s, want NORMAL", st)
	}
	_, err := send(context.Background(), c, "cvm", "ExportImages", map[string]any{"BucketName": Bucket, "ImageIds": []string{SeedWindowsImage}, "DryRun": true})
	if got := codeOf(err); got != "UnsupportedOperation.WindowsImageExportUnsupported" {
		t.Errorf("dry run of a Windows image: code = %q, want UnsupportedOperation.WindowsImageExportUnsupported", got)
	}

	s.SetDryRunOperation(true)
	_, err = send(context.Background(), c, "cvm", "ExportImages", map[string]any{"BucketName": Bucket, "ImageIds": []string{SeedLinuxImage}, "DryRun": true})
	if got := codeOf(err); got != "DryRunOperation" {
		t.Errorf("passing dry run after SetDryRunOperation(true): code = %q, want DryRunOperation", got)
	}
	_, err = send(context.Background(), c, "cvm", "ExportImages", map[string]any{"BucketName": MissingBucket, "ImageIds": []string{SeedLinuxImage}, "DryRun": true})
	if got := codeOf(err); got != "InvalidParameterValue.BucketNotFound" {
		t.Errorf("failing dry run after SetDryRunOperation(true): code = %q, want InvalidParameterValue.BucketNotFound", got)
	}
	if st, _ := s.ImageState(SeedLinuxImage); st != ImageStateNormal {
		t.Errorf("after dry runs ImageState = %s, want NORMAL", st)
	}
}

func TestExportImagesCosPaths(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(0)
	c := newClient(t, s)
	tests := []struct {
		name   string
		params map[string]any
		want   []string
	}{
		{"defaults", map[string]any{"ImageIds": []string{SeedLinuxImage}},
			[]string{"/img-dz6w75t0_system_snap-hedv100v.raw"}},
		{"data disk, prefix and format", map[string]any{"ImageIds": []string{SeedLinuxDataImage}, "FileNamePrefixList": []string{"nightly"}, "ExportFormat": "QCOW2"},
			[]string{"/nightly_img-pq5pau1w_system_snap-fiux4bof.qcow2", "/nightly_img-pq5pau1w_data_snap-k2l9d0ma.qcow2"}},
		{"root disk only", map[string]any{"ImageIds": []string{SeedLinuxDataImage}, "OnlyExportRootDisk": true, "ExportFormat": "VHD"},
			[]string{"/img-pq5pau1w_system_snap-fiux4bof.vhd"}},
		{"two images", map[string]any{"ImageIds": []string{SeedLinuxImage, SeedLinuxDataImage}, "FileNamePrefixList": []string{"a", "b"}, "OnlyExportRootDisk": true},
			[]string{"/a_img-dz6w75t0_system_snap-hedv100v.raw", "/b_img-pq5pau1w_system_snap-fiux4bof.raw"}},
	}
	var last uint64
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.params["BucketName"] = Bucket
			var a exportAnswer
			mustSend(t, c, "cvm", "ExportImages", tt.params, &a)
			if diff := cmp.Diff(tt.want, a.CosPaths); diff != "" {
				t.Errorf("CosPaths (-want +got):\n%s", diff)
			}
			if a.TaskId == nil || *a.TaskId <= last {
				t.Errorf("TaskId = %v, want a number above %d", a.TaskId, last)
			} else {
				last = *a.TaskId
			}
		})
	}
}

// waitImageState polls DescribeImages until the image leaves EXPORTING.
func waitImageState(t *testing.T, c *common.Client, id string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := describeState(t, c, id)
		if st != ImageStateExporting {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("image %s still EXPORTING after 10s", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func describeState(t *testing.T, c *common.Client, id string) string {
	t.Helper()
	var out struct {
		ImageSet []struct{ ImageId, ImageState string }
	}
	mustSend(t, c, "cvm", "DescribeImages", map[string]any{"ImageIds": []string{id}}, &out)
	if len(out.ImageSet) != 1 || out.ImageSet[0].ImageId != id {
		t.Fatalf("DescribeImages %s = %+v, want that one image", id, out.ImageSet)
	}
	return out.ImageSet[0].ImageState
}

func TestImageStateTransitions(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	export := func(id string) error {
		_, err := send(context.Background(), c, "cvm", "ExportImages", map[string]any{"BucketName": Bucket, "ImageIds": []string{id}})
		return err
	}

	// A long export keeps the image busy.
	s.SetJobDuration(time.Hour)
	if err := export(SeedLinuxImage); err != nil {
		t.Fatal(err)
	}
	if st := describeState(t, c, SeedLinuxImage); st != ImageStateExporting {
		t.Errorf("during an export ImageState = %s, want EXPORTING", st)
	}
	if got := codeOf(export(SeedLinuxImage)); got != "InvalidParameterValue.InvalidImageState" {
		t.Errorf("second export of a busy image: code = %q, want InvalidParameterValue.InvalidImageState", got)
	}

	// A short export ends with the image NORMAL and the objects in the bucket.
	s.SetJobDuration(30 * time.Millisecond)
	if err := export(SeedLinuxDataImage); err != nil {
		t.Fatal(err)
	}
	if st := waitImageState(t, c, SeedLinuxDataImage); st != ImageStateNormal {
		t.Errorf("after the export ImageState = %s, want NORMAL", st)
	}
	want := []string{"/img-pq5pau1w_system_snap-fiux4bof.raw", "/img-pq5pau1w_data_snap-k2l9d0ma.raw"}
	if diff := cmp.Diff(want, s.BucketObjects(Bucket)); diff != "" {
		t.Errorf("BucketObjects (-want +got):\n%s", diff)
	}

	// A failed export leaves EXPORTFAILED until the next export.
	s.FailJobs("COS write failed")
	if err := export(SeedLinuxDataImage); err != nil {
		t.Fatal(err)
	}
	if st := waitImageState(t, c, SeedLinuxDataImage); st != ImageStateExportFailed {
		t.Errorf("after a failed export ImageState = %s, want EXPORTFAILED", st)
	}
	if n := len(s.BucketObjects(Bucket)); n != 2 {
		t.Errorf("a failed export wrote objects: %d in the bucket, want 2", n)
	}
	s.FailJobs("")
	if err := export(SeedLinuxDataImage); err != nil {
		t.Fatalf("exporting again after a failure: %v", err)
	}
	if st := waitImageState(t, c, SeedLinuxDataImage); st != ImageStateNormal {
		t.Errorf("after a retried export ImageState = %s, want NORMAL", st)
	}

	// AddImage images behave the same.
	s.AddImage(Image{ImageID: "img-abcdefgh", OsName: "Debian 12 64位"})
	s.SetJobDuration(time.Hour)
	if err := export("img-abcdefgh"); err != nil {
		t.Fatal(err)
	}
	if st, ok := s.ImageState("img-abcdefgh"); !ok || st != ImageStateExporting {
		t.Errorf("ImageState(added image) = %q, %v, want EXPORTING", st, ok)
	}
}

func TestDescribeImages(t *testing.T) {
	s := newTestServer(t)
	c := newClient(t, s)
	beijing := newClient(t, s, func(c *clientConfig) { c.region = "ap-beijing" })
	noRegion := newClient(t, s, func(c *clientConfig) { c.region = "" })
	type answer struct {
		ids   []string
		total int64
	}
	tests := []struct {
		name   string
		client *common.Client
		params map[string]any
		want   answer
		code   string
	}{
		{"all", c, map[string]any{}, answer{[]string{SeedLinuxImage, SeedLinuxDataImage, SeedWindowsImage}, 3}, ""},
		{"by ids, unknown left out", c, map[string]any{"ImageIds": []string{SeedWindowsImage, "img-00000000"}}, answer{[]string{SeedWindowsImage}, 1}, ""},
		{"filter image-id", c, map[string]any{"Filters": []any{map[string]any{"Name": "image-id", "Values": []string{SeedLinuxImage, SeedWindowsImage}}}},
			answer{[]string{SeedLinuxImage, SeedWindowsImage}, 2}, ""},
		{"filter platform", c, map[string]any{"Filters": []any{map[string]any{"Name": "platform", "Values": []string{"Windows"}}}}, answer{[]string{SeedWindowsImage}, 1}, ""},
		{"filter image-type", c, map[string]any{"Filters": []any{map[string]any{"Name": "image-type", "Values": []string{"PUBLIC_IMAGE"}}}}, answer{nil, 0}, ""},
		{"page", c, map[string]any{"Offset": 1, "Limit": 1}, answer{[]string{SeedLinuxDataImage}, 3}, ""},
		{"other region", beijing, map[string]any{}, answer{nil, 0}, ""},
		{"no region", noRegion, map[string]any{}, answer{}, "MissingParameter"},
		{"ids and filters", c, map[string]any{"ImageIds": []string{SeedLinuxImage}, "Filters": []any{map[string]any{"Name": "image-id", "Values": []string{SeedLinuxImage}}}},
			answer{}, "InvalidParameter.InvalidParameterCoexistImageIdsFilters"},
		{"malformed id", c, map[string]any{"ImageIds": []string{"image-1"}}, answer{}, "InvalidImageId.Malformed"},
		{"unknown filter", c, map[string]any{"Filters": []any{map[string]any{"Name": "image-state", "Values": []string{"NORMAL"}}}}, answer{}, "InvalidFilter"},
		{"six filter values", c, map[string]any{"Filters": []any{map[string]any{"Name": "image-id", "Values": []string{"a", "b", "c", "d", "e", "f"}}}}, answer{}, "InvalidFilterValue.LimitExceeded"},
		{"limit over 100", c, map[string]any{"Limit": 101}, answer{}, "InvalidParameterValue.InvalidParameterValueLimit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := send(context.Background(), tt.client, "cvm", "DescribeImages", tt.params)
			if got := codeOf(err); got != tt.code {
				t.Fatalf("code = %q, want %q (err %v)", got, tt.code, err)
			}
			if err != nil {
				return
			}
			var out struct {
				ImageSet   []struct{ ImageId string }
				TotalCount int64
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatal(err)
			}
			got := answer{total: out.TotalCount}
			for _, img := range out.ImageSet {
				got.ids = append(got.ids, img.ImageId)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(answer{})); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTypedCVMClient checks that the SDK's generated CVM client reads the
// emulator's answers into its models.
func TestTypedCVMClient(t *testing.T) {
	s := newTestServer(t)
	s.SetJobDuration(time.Hour)
	id, key := s.Credentials()
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "http"
	cpf.HttpProfile.Endpoint = s.srv.Listener.Addr().String()
	client, err := cvm.NewClient(common.NewCredential(id, key), Region, cpf)
	if err != nil {
		t.Fatal(err)
	}
	client.WithHttpTransport(s.srv.Client().Transport)
	ctx := context.Background()

	ex := cvm.NewExportImagesRequest()
	ex.BucketName = common.StringPtr(Bucket)
	ex.ImageIds = common.StringPtrs([]string{SeedLinuxDataImage})
	ex.ExportFormat = common.StringPtr("VMDK")
	exResp, err := client.ExportImagesWithContext(ctx, ex)
	if err != nil {
		t.Fatal(err)
	}
	if exResp.Response.TaskId == nil || len(exResp.Response.CosPaths) != 2 || exResp.Response.RequestId == nil {
		t.Errorf("ExportImages answer = %s, want TaskId, two CosPaths and RequestId", exResp.ToJsonString())
	}

	di := cvm.NewDescribeImagesRequest()
	di.ImageIds = common.StringPtrs([]string{SeedLinuxDataImage})
	diResp, err := client.DescribeImagesWithContext(ctx, di)
	if err != nil {
		t.Fatal(err)
	}
	r := diResp.Response
	if r.TotalCount == nil || *r.TotalCount != 1 || len(r.ImageSet) != 1 {
		t.Fatalf("DescribeImages answer = %s, want one image", diResp.ToJsonString())
	}
	img := r.ImageSet[0]
	got := []string{*img.ImageId, *img.ImageState, *img.ImageType, *img.OsName, *img.CreatedTime,
		*img.SnapshotSet[0].SnapshotId, *img.SnapshotSet[0].DiskUsage, *img.SnapshotSet[1].DiskUsage}
	want := []string{SeedLinuxDataImage, ImageStateExporting, "PRIVATE_IMAGE", "Ubuntu Server 22.04 LTS 64位", "2024-10-29T09:10:00Z",
		"snap-fiux4bof", "SYSTEM_DISK", "DATA_DISK"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("image (-want +got):\n%s", diff)
	}
}
