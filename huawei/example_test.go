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
	header, rows, err := export.ReadRows(rc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(header)
	for _, r := range rows {
		fmt.Println(r)
	}
	// Output:
	// [Container Name Status]
	// [nginx-web Running]
	// [redis-cache Running]
}

// Read the host vulnerability scan schedule, and the vendor fields it has no
// place for through the escape hatch.
func ExampleProvider_VulScanPolicy() {
	srv := huaweitest.NewServer()
	defer srv.Close()
	p, err := huawei.New(srv.Options())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	s, err := p.GetScanSchedule(ctx, scan.Query{Kind: scan.HostVulnerabilities})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Enabled, s.Period, s.At, s.Scope, s.Types)
	pol, err := p.VulScanPolicy(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("timezone_offset", *pol.Time.TimezoneOffset, "day_part", pol.Time.DayPart)
	// Output:
	// true every week 02:30 all [linux_vul windows_vul web_cms app_vul]
	// timezone_offset -480 day_part [2]
}

// Read the registry image scan schedule and its rate limit.
func ExampleProvider_ImageScanPolicy() {
	srv := huaweitest.NewServer()
	defer srv.Close()
	p, err := huawei.New(srv.Options())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	s, err := p.GetScanSchedule(ctx, scan.Query{Kind: scan.RegistryImages})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Enabled, s.Period, s.Types, s.Scope, s.LastResult)
	pol, err := p.ImageScanPolicy(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rate_limit", *pol.RateLimit, "time_scope", *pol.TimeScope)
	// Output:
	// true every 7 days [vulnerabilities malware] selected finished
	// rate_limit 100 time_scope 0
}
