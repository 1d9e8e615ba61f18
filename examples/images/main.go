// Command images exports CVM custom images to a COS bucket with Tencent Cloud
// ExportImages, waits until the images are back to NORMAL and prints the COS
// object paths of the exported disks.
//
//	go run ./examples/images
//
// Without TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the
// environment it runs against the built-in emulator (tencenttest) and says so
// on stderr; with them it calls the real cloud:
//
//	TENCENTCLOUD_SECRET_ID=… TENCENTCLOUD_SECRET_KEY=… \
//	  go run ./examples/images -region ap-guangzhou -bucket mybucket-1250000000 -image img-xxxxxxxx
//
// -dry-run asks CVM whether the export would be accepted and starts nothing.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

func main() {
	images := flag.String("image", "", "comma-separated custom image ids (img-xxxxxxxx); required against the real cloud")
	bucket := flag.String("bucket", "", "COS bucket to write to, e.g. mybucket-1250000000; required against the real cloud")
	region := flag.String("region", "ap-guangzhou", "Tencent Cloud region (real cloud only)")
	format := flag.String("format", "qcow2", "raw, qcow2, vhd or vmdk")
	rootOnly := flag.Bool("root-only", false, "export the system disk only")
	dryRun := flag.Bool("dry-run", false, "only check that the export would be accepted")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()

	var opts tencent.Options
	if os.Getenv("TENCENTCLOUD_SECRET_ID") != "" && os.Getenv("TENCENTCLOUD_SECRET_KEY") != "" {
		if *images == "" || *bucket == "" {
			log.Fatal("-image and -bucket are required against the real cloud")
		}
		opts = tencent.Options{Region: *region}
	} else {
		srv := tencenttest.NewServer()
		defer srv.Close()
		srv.SetJobDuration(time.Second)
		fmt.Fprintln(os.Stderr, "no TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY in the environment: using the built-in emulator at", srv.URL())
		opts = srv.Options()
		if *images == "" {
			*images = tencenttest.SeedLinuxImage + "," + tencenttest.SeedLinuxDataImage
		}
		if *bucket == "" {
			*bucket = tencenttest.Bucket
		}
	}
	p, err := tencent.New(opts)
	if err != nil {
		log.Fatal(err)
	}

	req := export.Request{
		Target: export.MachineImages{
			ImageIDs:     strings.Split(*images, ","),
			Bucket:       *bucket,
			Format:       *format,
			RootDiskOnly: *rootOnly,
		},
		DryRun: *dryRun,
	}
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	if *dryRun {
		fmt.Println("dry run passed: CVM would accept this export")
		return
	}
	fmt.Printf("started CVM export task %s for %s\n", job.ID, *images)

	// CVM reports no progress for an export task; the adapter follows the
	// images' states, so progress is the share of images done.
	st, err := provider.Wait(ctx, p, job, &provider.WaitOptions{
		MinDelay: 200 * time.Millisecond,
		MaxDelay: 30 * time.Second,
		OnProgress: func(s export.Status) {
			fmt.Printf("  %s %3.0f%%\n", s.State, 100*s.Progress)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("done; %d objects in COS bucket %s:\n", len(st.Files), *bucket)
	for _, f := range st.Files {
		fmt.Println("  " + f.Path)
	}
}
