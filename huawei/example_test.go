package huawei_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/scan"
)

// Export the running containers of CCE clusters and read the rows, against
// the in-process emulator.
func Example() {
	srv := huaweitest.NewServer()
	defer srv.Close()
	srv.SetJobDuration(10 * time.Millisecond)
	p, err := huawei.New(srv.Options())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	job, err := p.CreateExportJob(ctx, export.Request{
		Target:  export.Containers{},
		Filters: []export.Filter{export.Eq("status", "running"), export.Eq("cluster_type", "cce")},
		Columns: export.Cols("container_name", "status"),
	})
	if err != nil {
		log.Fatal(err)
	}
	st, err := provider.Wait(ctx, p, job, &provider.WaitOptions{MinDelay: 5 * time.Millisecond})
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
	for r.Next() {
		if r.HeaderChanged() {
			fmt.Println(r.Header())
		}
		fmt.Println(r.Row())
	}
	if err := r.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// [Container Name Status]
	// [nginx-web Running]
	// [redis-cache Running]
}

// Read both scan schedules, then the vendor fields they have no place for
// through the escape hatches.
func ExampleProvider_GetScanSchedule() {
	srv := huaweitest.NewServer()
	defer srv.Close()
	p, err := huawei.New(srv.Options())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, k := range []scan.Kind{scan.RegistryImages, scan.HostVulnerabilities} {
		s, err := p.GetScanSchedule(ctx, scan.Query{Kind: k})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: enabled=%t %s at=%q scope=%s types=%v last=%q\n", k, s.Enabled, s.Period, s.At, s.Scope, s.Types, s.LastResult)
	}
	img, err := p.ImageScanPolicy(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rate_limit", *img.RateLimit, "time_scope", *img.TimeScope)
	vul, err := p.VulScanPolicy(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("timezone_offset", *vul.Time.TimezoneOffset, "day_part", vul.Time.DayPart)
	// Output:
	// registry-images: enabled=true every 7 days at="" scope=selected types=[vulnerabilities malware] last="finished"
	// host-vulnerabilities: enabled=true every week at="02:30" scope=all types=[linux_vul windows_vul web_cms app_vul] last=""
	// rate_limit 100 time_scope 0
	// timezone_offset -480 day_part [2]
}
