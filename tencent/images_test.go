package tencent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

var epoch = time.Unix(1, 0)

// TestImagesWire checks the translation of export.MachineImages into CVM
// ExportImages, for every format and option.
func TestImagesWire(t *testing.T) {
	ids := []string{"img-dz6w75t0", "img-72n9mi0y"}
	tests := []struct {
		name string
		in   export.MachineImages
		want string
		dry  bool
	}{
		{"defaults", export.MachineImages{ImageIDs: ids[:1], Bucket: "bucket-1250000000"},
			`{"BucketName":"bucket-1250000000","ImageIds":["img-dz6w75t0"],"ExportFormat":"RAW"}`, false},
		{"raw", export.MachineImages{ImageIDs: ids[:1], Bucket: "b-1", Format: "raw"},
			`{"BucketName":"b-1","ImageIds":["img-dz6w75t0"],"ExportFormat":"RAW"}`, false},
		{"qcow2 upper case", export.MachineImages{ImageIDs: ids[:1], Bucket: "b-1", Format: "QCOW2"},
			`{"BucketName":"b-1","ImageIds":["img-dz6w75t0"],"ExportFormat":"QCOW2"}`, false},
		{"vhd", export.MachineImages{ImageIDs: ids[:1], Bucket: "b-1", Format: "vhd"},
			`{"BucketName":"b-1","ImageIds":["img-dz6w75t0"],"ExportFormat":"VHD"}`, false},
		{"vmdk mixed case", export.MachineImages{ImageIDs: ids[:1], Bucket: "b-1", Format: "VmDk"},
			`{"BucketName":"b-1","ImageIds":["img-dz6w75t0"],"ExportFormat":"VMDK"}`, false},
		{"everything", export.MachineImages{ImageIDs: ids, Bucket: "b-1", Format: "qcow2", FilePrefixes: []string{"web", "db"}, RootDiskOnly: true, Role: "CVM_QcsRole"},
			`{"BucketName":"b-1","ImageIds":["img-dz6w75t0","img-72n9mi0y"],"ExportFormat":"QCOW2","FileNamePrefixList":["web","db"],"OnlyExportRootDisk":true,"RoleName":"CVM_QcsRole"}`, false},
		// CAM role names take letters, digits and +=,.@-_ (CAM CreateRole,
		// cloud.tencent.com/document/api/598/36225): the comma too.
		{"role with every allowed mark", export.MachineImages{ImageIDs: ids[:1], Bucket: "b-1", Role: "r+=,.@-_1"},
			`{"BucketName":"b-1","ImageIds":["img-dz6w75t0"],"ExportFormat":"RAW","RoleName":"r+=,.@-_1"}`, false},
		{"dry run", export.MachineImages{ImageIDs: ids[:1], Bucket: "b-1"},
			`{"BucketName":"b-1","ImageIds":["img-dz6w75t0"],"ExportFormat":"RAW","DryRun":true}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on(actionExportImages, answer{response: map[string]any{"TaskId": 105591590, "CosPaths": []string{"/img-dz6w75t0_system_snap-1.raw"}}})
			p := f.provider()
			var job export.Job
			var err error
			if tt.dry {
				err = p.CheckMachineImages(context.Background(), tt.in)
			} else {
				job, err = p.CreateExportJob(context.Background(), export.Request{Target: tt.in})
			}
			if err != nil {
				t.Fatalf("CreateExportJob: %v", err)
			}
			got, ok := f.last(actionExportImages)
			if !ok {
				t.Fatal("nothing sent")
			}
			if d := cmp.Diff(jsonValue(t, tt.want), got); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
			if h := f.lastHeader(actionExportImages); h.Get("X-TC-Region") != "ap-guangzhou" || h.Get("X-TC-Version") != "2017-03-12" {
				t.Errorf("headers: region %q version %q", h.Get("X-TC-Region"), h.Get("X-TC-Version"))
			}
			if tt.dry {
				if d := cmp.Diff(export.Job{}, job); d != "" {
					t.Errorf("dry-run job (-want +got):\n%s", d)
				}
				return
			}
			if job.ID != "105591590" || job.Service != "cvm" || job.Kind != export.KindMachineImages {
				t.Errorf("job = %+v", job)
			}
		})
	}
}

func TestImagesJobScope(t *testing.T) {
	f := newFake(t)
	f.on(actionExportImages, answer{raw: `{"Response":{"TaskId":18446744073709551615,"CosPaths":["/a_img-dz6w75t0_system_snap-1.vmdk","/a_img-dz6w75t0_data_snap-2.vmdk"],"RequestId":"r"}}`})
	p := f.provider()
	job, err := p.CreateExportJob(context.Background(), export.Request{Target: export.MachineImages{ImageIDs: []string{"img-dz6w75t0"}, Bucket: "b-1", Format: "vmdk", FilePrefixes: []string{"a"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"image_ids": "img-dz6w75t0",
		"cos_paths": "/a_img-dz6w75t0_system_snap-1.vmdk,/a_img-dz6w75t0_data_snap-2.vmdk",
		"bucket":    "b-1",
		"format":    "VMDK",
	}
	if d := cmp.Diff(want, job.Scope); d != "" {
		t.Errorf("scope (-want +got):\n%s", d)
	}
	if job.ID != "18446744073709551615" {
		t.Errorf("ID = %q, want the full uint64 TaskId", job.ID)
	}
}

func TestImagesDryRunOperationPasses(t *testing.T) {
	f := newFake(t)
	f.on(actionExportImages, answer{errorCode: "DryRunOperation"})
	p := f.provider()
	if err := p.CheckMachineImages(context.Background(), export.MachineImages{ImageIDs: []string{"img-dz6w75t0"}, Bucket: "b-1"}); err != nil {
		t.Fatalf("err = %v, want nil for DryRunOperation", err)
	}
	f = newFake(t)
	f.on(actionExportImages, answer{errorCode: "UnsupportedOperation.WindowsImageExportUnsupported"})
	p = f.provider()
	err := p.CheckMachineImages(context.Background(), export.MachineImages{ImageIDs: []string{"img-dz6w75t0"}, Bucket: "b-1"})
	if !errors.Is(err, provider.ErrFailedPrecondition) {
		t.Fatalf("err = %v, want ErrFailedPrecondition", err)
	}
}

func TestImagesStatus(t *testing.T) {
	job := export.Job{Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "5",
		Scope: map[string]string{"image_ids": "img-aaaaaaaa,img-bbbbbbbb", "cos_paths": "/img-aaaaaaaa_system_snap-1.raw,/img-bbbbbbbb_system_snap-2.raw", "bucket": "b-1"}}
	ids := []string{"img-aaaaaaaa", "img-bbbbbbbb"}
	tests := []struct {
		name   string
		states map[string]string
		want   export.Status
	}{
		{"all normal", map[string]string{"img-aaaaaaaa": "NORMAL", "img-bbbbbbbb": "NORMAL"},
			export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Message: "the images are in COS bucket b-1", Files: []export.File{
				{Name: "img-aaaaaaaa_system_snap-1.raw", Path: "/img-aaaaaaaa_system_snap-1.raw"},
				{Name: "img-bbbbbbbb_system_snap-2.raw", Path: "/img-bbbbbbbb_system_snap-2.raw"},
			}}},
		{"one exporting", map[string]string{"img-aaaaaaaa": "NORMAL", "img-bbbbbbbb": "EXPORTING"},
			export.Status{Job: job, State: export.StateRunning, Progress: 0.5}},
		{"none back", map[string]string{"img-aaaaaaaa": "SYNCING", "img-bbbbbbbb": "CREATING"},
			export.Status{Job: job, State: export.StateRunning, Progress: 0}},
		{"create failed", map[string]string{"img-aaaaaaaa": "NORMAL", "img-bbbbbbbb": "CREATEFAILED"},
			export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: "image img-bbbbbbbb is in state CREATEFAILED (CVM reports no reason for a failed export)"}},
		{"import failed", map[string]string{"img-aaaaaaaa": "IMPORTFAILED", "img-bbbbbbbb": "NORMAL"},
			export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: "image img-aaaaaaaa is in state IMPORTFAILED (CVM reports no reason for a failed export)"}},
		{"other failed state", map[string]string{"img-aaaaaaaa": "EXPORTFAILED", "img-bbbbbbbb": "NORMAL"},
			export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: "image img-aaaaaaaa is in state EXPORTFAILED (CVM reports no reason for a failed export)"}},
		{"missing image", map[string]string{"img-aaaaaaaa": "NORMAL"},
			export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: "image img-bbbbbbbb is no longer listed by CVM DescribeImages"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, imagesStatus(job, ids, tt.states)); d != "" {
				t.Errorf("status (-want +got):\n%s", d)
			}
		})
	}
}

// TestPollImagesWire checks that PollJob asks DescribeImages for the job's
// images in pages of at most 100, with Limit 100.
func TestPollImagesWire(t *testing.T) {
	f := newFake(t)
	var ids []string
	var set []map[string]any
	for i := 0; i < 150; i++ {
		id := fmt.Sprintf("img-%08d", i)
		ids = append(ids, id)
		set = append(set, map[string]any{"ImageId": id, "ImageState": "NORMAL"})
	}
	f.on(actionDescribeImages, answer{response: map[string]any{"ImageSet": set[:100]}}, answer{response: map[string]any{"ImageSet": set[100:]}})
	p := f.provider()
	job := export.Job{Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "5", Region: "ap-guangzhou",
		Scope: map[string]string{"image_ids": strings.Join(ids, ",")}}
	st, err := p.PollJob(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != export.StateSucceeded {
		t.Fatalf("state = %s (%s)", st.State, st.Message)
	}
	if f.count() != 2 {
		t.Errorf("%d requests, want 2", f.count())
	}
	got, _ := f.last(actionDescribeImages)
	want := map[string]any{"ImageIds": toAny(ids[100:]), "Limit": float64(100)}
	if d := cmp.Diff(any(want), got); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
}

func TestPollImagesOtherRegion(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	job := export.Job{Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "5", Region: "ap-beijing", Scope: map[string]string{"image_ids": "img-aaaaaaaa"}}
	if _, err := p.PollJob(context.Background(), job); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// TestPollImagesWithoutRegion: a provider with no region cannot poll a CVM
// job; the error names Options.Region and gives an example region even
// when the job has none.
func TestPollImagesWithoutRegion(t *testing.T) {
	f := newFake(t)
	opts := f.options()
	opts.Region = ""
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{"", "ap-beijing"} {
		job := export.Job{Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "5", Region: region, Scope: map[string]string{"image_ids": "img-aaaaaaaa"}}
		_, err := p.PollJob(context.Background(), job)
		if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "Options.Region") || strings.HasSuffix(err.Error(), "e.g. ") {
			t.Errorf("job region %q: err = %v, want ErrInvalidArgument naming Options.Region with an example", region, err)
		}
		if f.count() != 0 {
			t.Errorf("job region %q: a request was sent", region)
		}
	}
}
