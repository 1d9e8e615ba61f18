package tencent_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// Export the components of a container image that have a high or critical
// vulnerability, wait for the job and read the file.
func Example_components() {
	srv := tencenttest.NewServer() // in real use: tencent.New(tencent.Options{Region: "ap-guangzhou"})
	defer srv.Close()
	srv.SetJobDuration(50 * time.Millisecond)
	p, err := tencent.New(srv.Options())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	job, err := p.CreateExportJob(ctx, export.Request{
		Target:  export.Components{ImageID: tencenttest.SeedImageID},
		Filters: []export.Filter{export.Eq("vul_level", "critical")},
		Columns: export.Cols("name", "version"),
		Sort:    &export.Sort{Field: "name"},
	})
	if err != nil {
		log.Fatal(err)
	}
	st, err := provider.Wait(ctx, p, job, &provider.WaitOptions{MinDelay: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	rc, err := p.Download(ctx, job, st.Files[0])
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	r, err := rows.NewReader(rc, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for row, err := range r.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(row[0], row[1])
	}
	// Output:
	// log4j-core 2.14.1
	// openssl 1.1.1k
}

// Read the registry-image scan schedule, and reach the vendor's Force flag,
// which has no neutral home, through RegistryScanTask.
func Example_schedule() {
	srv := tencenttest.NewServer()
	defer srv.Close()
	p, err := tencent.New(srv.Options())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	s, err := p.GetScanSchedule(ctx, scan.Query{Kind: scan.RegistryImages})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Enabled, s.Period, s.At, s.Until, s.Types, s.Scope)
	task, err := p.RegistryScanTask(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, im := range task.Images {
		fmt.Println(im.ImageName, "force:", im.Force)
	}
	// Output:
	// true every day 17:10 20:00 [vulnerabilities malware risks] selected
	// payments/api force: false
	// payments/worker force: true
}
