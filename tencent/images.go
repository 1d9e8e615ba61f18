package tencent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/door"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
)

// CVM actions.
const (
	actionExportImages   = "ExportImages"
	actionDescribeImages = "DescribeImages"
)

// Job.Scope keys of machine-images jobs. Lists are comma-joined: image ids,
// bucket names and the validated prefixes cannot contain commas.
const (
	scopeImageIDs = "image_ids"
	scopeCosPaths = "cos_paths"
	scopeBucket   = "bucket"
	scopeFormat   = "format"
)

// describeImagesMax is the most images one DescribeImages call returns.
const describeImagesMax = 100

// imageFormats translates export.MachineImages.Format into CVM ExportFormat.
// The first entry is the default.
var imageFormats = vocab.Enums{
	{Neutral: "raw", Vendor: "RAW"},
	{Neutral: "qcow2", Vendor: "QCOW2"},
	{Neutral: "vhd", Vendor: "VHD"},
	{Neutral: "vmdk", Vendor: "VMDK"},
}

// imageSpec is what a machine-images request may ask for: no filters,
// columns, sort or paging.
var imageSpec = vocab.Spec{}

var (
	imageIDPattern    = regexp.MustCompile(`^img-[a-z0-9]{8}$`)
	bucketPattern     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`)
	filePrefixPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	rolePattern       = regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]{1,128}$`) // CAM RoleName: letters, digits and +=,.@-_
)

// imagesRequest validates a machine-images request and translates it into
// the ExportImages request. It sends nothing.
func (p *Provider) imagesRequest(t export.MachineImages, dryRun bool) (*cvm.ExportImagesRequest, error) {
	if p.region == "" {
		return nil, errs.Invalid("Options.Region: CVM ExportImages needs a region, e.g. ap-guangzhou")
	}
	if len(t.ImageIDs) == 0 {
		return nil, errs.Invalid("Target.ImageIDs: empty; want at least one custom image id such as img-dz6w75t0")
	}
	seen := map[string]bool{}
	for i, id := range t.ImageIDs {
		if !imageIDPattern.MatchString(id) {
			return nil, errs.Invalid("Target.ImageIDs[%d]: %q is not a CVM image id; want img- and 8 lower-case letters or digits, e.g. img-dz6w75t0", i, id)
		}
		if seen[id] {
			return nil, errs.Invalid("Target.ImageIDs[%d]: %q is given twice", i, id)
		}
		seen[id] = true
	}
	if t.Bucket == "" {
		return nil, errs.Invalid("Target.Bucket: empty; want the COS bucket name, e.g. mybucket-1250000000")
	}
	if !bucketPattern.MatchString(t.Bucket) {
		return nil, errs.Invalid("Target.Bucket: %q is not a COS bucket name; want 1 to 64 lower-case letters, digits and hyphens, e.g. mybucket-1250000000", t.Bucket)
	}
	format := imageFormats[0].Vendor
	if t.Format != "" {
		f, ok := imageFormats.ToVendor(t.Format)
		if !ok {
			return nil, errs.Invalid("Target.Format: %q is not allowed; want one of %s (default %s)", t.Format, strings.Join(imageFormats.Neutral(), ", "), imageFormats[0].Neutral)
		}
		format = f
	}
	if len(t.FilePrefixes) > 0 && len(t.FilePrefixes) != len(t.ImageIDs) {
		return nil, errs.Invalid("Target.FilePrefixes: %d prefixes for %d images; give one per image, or none", len(t.FilePrefixes), len(t.ImageIDs))
	}
	for i, fp := range t.FilePrefixes {
		if !filePrefixPattern.MatchString(fp) {
			return nil, errs.Invalid("Target.FilePrefixes[%d]: %q is not allowed; want 1 to 64 letters, digits, '.', '_' or '-'", i, fp)
		}
	}
	if t.Role != "" && !rolePattern.MatchString(t.Role) {
		return nil, errs.Invalid("Target.Role: %q is not a CAM role name; want 1 to 128 letters, digits and +=,.@_-", t.Role)
	}

	r := cvm.NewExportImagesRequest()
	r.BucketName = common.StringPtr(t.Bucket)
	r.ImageIds = common.StringPtrs(t.ImageIDs)
	r.ExportFormat = common.StringPtr(format)
	if len(t.FilePrefixes) > 0 {
		r.FileNamePrefixList = common.StringPtrs(t.FilePrefixes)
	}
	if t.RootDiskOnly {
		r.OnlyExportRootDisk = common.BoolPtr(true)
	}
	if t.Role != "" {
		r.RoleName = common.StringPtr(t.Role)
	}
	if dryRun {
		r.DryRun = common.BoolPtr(true)
	}
	return r, nil
}

// CheckMachineImages asks CVM whether an export of t would be accepted:
// ExportImages with DryRun, which checks the bucket, the images' states and
// operating systems without starting anything. It returns nil when CVM
// would accept it, else the error CVM gives (e.g. FailedPrecondition for a
// Windows image); local validation errors are InvalidArgument and nothing
// is sent. CreateExportJob's DryRun checks locally only.
func (p *Provider) CheckMachineImages(ctx context.Context, t export.MachineImages) error {
	r, err := p.imagesRequest(t, true)
	if err != nil {
		return errs.Attribute(err, Name, serviceCVM)
	}
	err = p.call(ctx, serviceCVM, actionExportImages, func(ctx context.Context) error {
		_, err := p.cvm.ExportImagesWithContext(ctx, r)
		return err
	})
	// CVM answers a passing dry run either plainly or, as its other dry
	// runs do, with the DryRunOperation error code (UNCONFIRMED).
	var pe *errs.Error
	if errors.As(err, &pe) && pe.VendorCode == "DryRunOperation" {
		return nil
	}
	return err
}

// createImages starts a CVM ExportImages task.
func (p *Provider) createImages(ctx context.Context, req export.Request, _ vocab.Checked) (export.Job, error) {
	t, err := door.Target[export.MachineImages](req)
	if err != nil {
		return export.Job{}, err
	}
	r, err := p.imagesRequest(t, false)
	if err != nil || req.DryRun {
		return export.Job{}, err
	}
	var resp *cvm.ExportImagesResponse
	err = p.call(ctx, serviceCVM, actionExportImages, func(ctx context.Context) error {
		var err error
		resp, err = p.cvm.ExportImagesWithContext(ctx, r)
		return err
	})
	if err != nil {
		return export.Job{}, err
	}
	if resp == nil || resp.Response == nil || resp.Response.TaskId == nil {
		return export.Job{}, &errs.Error{Code: errs.Internal, Provider: Name, Service: serviceCVM, Action: actionExportImages, Message: "the answer has no TaskId"}
	}
	var paths []string
	for _, s := range resp.Response.CosPaths {
		if s != nil {
			paths = append(paths, *s)
		}
	}
	return export.Job{
		Provider: Name,
		Service:  serviceCVM,
		Kind:     export.KindMachineImages,
		ID:       strconv.FormatUint(*resp.Response.TaskId, 10),
		Region:   p.region,
		Scope: map[string]string{
			scopeImageIDs: strings.Join(t.ImageIDs, ","),
			scopeCosPaths: strings.Join(paths, ","),
			scopeBucket:   t.Bucket,
			scopeFormat:   *r.ExportFormat,
		},
		Created: time.Now().UTC(),
	}, nil
}

// downloadImages says where machine images are: in the caller's bucket.
func (p *Provider) downloadImages(_ context.Context, job export.Job, f export.File) (io.ReadCloser, error) {
	return nil, &errs.Error{Code: errs.Unsupported, Provider: Name, Service: serviceCVM,
		Message: fmt.Sprintf("machine images are written to your COS bucket %q at %s; fetch them with a COS client", job.Scope[scopeBucket], f.Path)}
}

// splitScope splits a comma-joined Scope list.
func splitScope(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// pollImages derives an export task's state from the states of its images
// (CVM has no API that takes the ExportImages TaskId): all NORMAL is
// success, any *FAILED state or an image no longer listed is failure,
// anything else is running.
func (p *Provider) pollImages(ctx context.Context, job export.Job) (export.Status, error) {
	if job.Region != "" && p.region != "" && job.Region != p.region {
		return export.Status{}, errs.Invalid("Job.Region: the job runs in %s but this provider is configured for %s; create a provider with Options.Region %s", job.Region, p.region, job.Region)
	}
	if p.region == "" {
		example := job.Region // the job's own region, else a well-known one
		if example == "" {
			example = "ap-guangzhou"
		}
		return export.Status{}, errs.Invalid("Options.Region: CVM DescribeImages needs a region, e.g. %s", example)
	}
	ids := splitScope(job.Scope[scopeImageIDs])
	if len(ids) == 0 {
		return export.Status{}, errs.Invalid("Job.Scope[%q]: empty; pass a job returned by CreateExportJob", scopeImageIDs)
	}
	for i, id := range ids {
		if !imageIDPattern.MatchString(id) {
			return export.Status{}, errs.Invalid("Job.Scope[%q][%d]: %q is not a CVM image id", scopeImageIDs, i, id)
		}
	}
	states := map[string]string{}
	for start := 0; start < len(ids); start += describeImagesMax {
		chunk := ids[start:min(start+describeImagesMax, len(ids))]
		err := p.call(ctx, serviceCVM, actionDescribeImages, func(ctx context.Context) error {
			r := cvm.NewDescribeImagesRequest()
			r.ImageIds = common.StringPtrs(chunk)
			r.Limit = common.Uint64Ptr(describeImagesMax)
			resp, err := p.cvm.DescribeImagesWithContext(ctx, r)
			if err != nil {
				return err
			}
			if resp.Response != nil {
				for _, im := range resp.Response.ImageSet {
					if im != nil && im.ImageId != nil {
						st := ""
						if im.ImageState != nil {
							st = *im.ImageState
						}
						states[*im.ImageId] = st
					}
				}
			}
			return nil
		})
		if err != nil {
			return export.Status{}, err
		}
	}
	return imagesStatus(job, ids, states), nil
}

// imagesStatus derives a machine-images status from the images' states.
func imagesStatus(job export.Job, ids []string, states map[string]string) export.Status {
	st := export.Status{Job: job, State: export.StateRunning}
	normal := 0
	for _, id := range ids {
		s, ok := states[id]
		switch {
		case !ok:
			st.State = export.StateFailed
			st.Message = fmt.Sprintf("image %s is no longer listed by CVM DescribeImages", id)
			st.Progress = -1
			return st
		case strings.HasSuffix(strings.ToUpper(s), "FAILED"):
			st.State = export.StateFailed
			st.Message = fmt.Sprintf("image %s is in state %s (CVM reports no reason for a failed export)", id, s)
			st.Progress = -1
			return st
		case strings.EqualFold(s, "NORMAL"):
			normal++
		}
	}
	st.Progress = float64(normal) / float64(len(ids))
	if normal == len(ids) {
		st.State = export.StateSucceeded
		st.Progress = 1
		for _, cp := range splitScope(job.Scope[scopeCosPaths]) {
			st.Files = append(st.Files, export.File{Name: path.Base(cp), Path: cp})
		}
		if b := job.Scope[scopeBucket]; b != "" {
			st.Message = "the images are in COS bucket " + b
		}
	}
	return st
}
