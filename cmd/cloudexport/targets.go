package main

import (
	"github.com/spf13/pflag"

	"github.com/cloudexport/cloudexport/export"
)

// targetValues holds every target flag; each kind reads its own.
type targetValues struct {
	image        string
	imageIDs     []string
	bucket       string
	format       string
	filePrefixes []string
	rootDiskOnly bool
	role         string
	instance     string
	apps, tasks  []string
	project      string
}

// targetSpec is what the CLI knows of one kind beyond its Capabilities: the
// flags that say what to export and how they become an export.Target. A kind
// a provider serves without an entry here still gets its command, which says
// it has no target flags yet. When a kind gains a target field, add its flag
// here and its Go name to flagNames in errors.go.
type targetSpec struct {
	flags   func(fs *pflag.FlagSet, v *targetValues)
	example string
	// build makes the target; under --emulator, seeded fills an omitted
	// required value with the emulator's seeded id and says so.
	build func(v *targetValues, seeded func(flag, env string, dst *string)) export.Target
	// elsewhere, when set, says where the results go instead of a download
	// (so --out is refused before the job is created).
	elsewhere string
	// mixed, when set, says why the rows of one result change columns part
	// way (so csv, which has one header, is refused before the job is
	// created).
	mixed string
}

var targets = map[export.Kind]targetSpec{
	export.KindComponents: {
		flags: func(fs *pflag.FlagSet, v *targetValues) {
			fs.StringVar(&v.image, "image", "", "the local container image id, e.g. sha256:… (required; under --emulator the seeded image)")
		},
		example: `  # Components with known vulnerabilities, worst first, as csv on stdout
  cloudexport export components --image sha256:3f5a… --filter has_vul=true --sort vul_count:desc --out -
  # Against the emulator (its seeded image is used when --image is omitted)
  cloudexport export components --emulator --columns name,version --wait --out c.csv`,
		build: func(v *targetValues, seeded func(string, string, *string)) export.Target {
			seeded("--image", envSeedImage, &v.image)
			return export.Components{ImageID: v.image}
		},
	},
	export.KindContainers: {
		flags: func(fs *pflag.FlagSet, v *targetValues) {
			fs.StringVar(&v.project, "enterprise-project", "", "the enterprise project; default the provider's")
		},
		example: `  # Running containers created in March 2024, as JSON lines
  cloudexport export containers --filter status=running --filter create_time=2024-03-01..2024-03-31 --out c.jsonl
  # Custom column titles in the vendor's own workbook
  cloudexport export containers --emulator --columns container_name:Container,status:State --out c.xlsx`,
		build: func(v *targetValues, _ func(string, string, *string)) export.Target {
			return export.Containers{EnterpriseProject: v.project}
		},
	},
	export.KindAssets: {
		flags: func(fs *pflag.FlagSet, v *targetValues) {
			fs.StringVar(&v.instance, "instance", "", "the ROMA Connect instance; default "+envROMAInstance)
			fs.StringSliceVar(&v.apps, "app", nil, "application ids (repeatable or comma-separated)")
			fs.StringSliceVar(&v.tasks, "task", nil, "task ids (repeatable or comma-separated)")
		},
		example: `  # Two applications' assets, keeping the vendor's archive
  cloudexport export assets --app app-order-0001,app-crm-0002 --wait --out assets.zip
  # Against the emulator (its seeded application is used when --app and --task are omitted)
  cloudexport export assets --emulator --out assets.jsonl`,
		mixed: "an assets archive holds a csv manifest, then JSON files with other columns",
		build: func(v *targetValues, seeded func(string, string, *string)) export.Target {
			if len(v.apps) == 0 && len(v.tasks) == 0 {
				var app string
				seeded("--app", envSeedApp, &app)
				if app != "" {
					v.apps = []string{app}
				}
			}
			return export.Assets{InstanceID: v.instance, AppIDs: v.apps, TaskIDs: v.tasks}
		},
	},
	export.KindMachineImages: {
		flags: func(fs *pflag.FlagSet, v *targetValues) {
			fs.StringSliceVar(&v.imageIDs, "image-id", nil, "custom image ids, e.g. img-dz6w75t0 (repeatable or comma-separated; required)")
			fs.StringVar(&v.bucket, "bucket", "", "the COS bucket to write to, e.g. mybucket-1250000000 (required)")
			fs.StringVar(&v.format, "format", "", "raw (default), qcow2, vhd or vmdk")
			fs.StringSliceVar(&v.filePrefixes, "file-prefix", nil, "file name prefixes, one per image")
			fs.BoolVar(&v.rootDiskOnly, "root-disk-only", false, "export the system disk only")
			fs.StringVar(&v.role, "role", "", "a CAM role allowed to write to the bucket")
		},
		elsewhere: "CVM writes the images to your COS bucket (--bucket)",
		example: `  # Export an image to a bucket as qcow2 and wait; the files stay in the bucket
  cloudexport export machine-images --image-id img-dz6w75t0 --bucket mybucket-1250000000 --format qcow2 --wait`,
		build: func(v *targetValues, seeded func(string, string, *string)) export.Target {
			if len(v.imageIDs) == 0 {
				var id string
				seeded("--image-id", envSeedMachineImage, &id)
				if id != "" {
					v.imageIDs = []string{id}
				}
			}
			seeded("--bucket", envSeedBucket, &v.bucket)
			return export.MachineImages{ImageIDs: v.imageIDs, Bucket: v.bucket, Format: v.format,
				FilePrefixes: v.filePrefixes, RootDiskOnly: v.rootDiskOnly, Role: v.role}
		},
	},
	export.KindVulnerabilities: {
		flags: func(fs *pflag.FlagSet, v *targetValues) {
			fs.StringVar(&v.project, "enterprise-project", "", "Huawei only: the enterprise project; default the provider's (ignored on Tencent)")
		},
		example: `  # Unfixed critical and high Linux vulnerabilities from Tencent CWP, as csv
  cloudexport export vulnerabilities --provider tencent --filter category=linux --filter level=critical,high --filter status=unfixed --out v.csv
  # The same request on Huawei HSS, against the emulator
  cloudexport export vulnerabilities --provider huawei --emulator --filter level=critical --out -`,
		build: func(v *targetValues, _ func(string, string, *string)) export.Target {
			return export.Vulnerabilities{EnterpriseProject: v.project}
		},
	},
}
