// Command containers exports the container inventory of Huawei Cloud HSS
// (ExportContainerList), waits for the export task, downloads the .xlsx and
// prints its first rows.
//
//	go run ./examples/containers
//
// Without HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment it runs
// against the built-in emulator (huaweitest) and says so on stderr; with them
// it calls the real cloud (project id from -project or HUAWEICLOUD_SDK_PROJECT_ID):
//
//	HUAWEICLOUD_SDK_AK=… HUAWEICLOUD_SDK_SK=… HUAWEICLOUD_SDK_PROJECT_ID=… \
//	  go run ./examples/containers -region cn-north-4 -status running -cluster-type cce
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
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
)

func main() {
	region := flag.String("region", envOr("HUAWEICLOUD_SDK_REGION", "cn-north-4"), "Huawei Cloud region (real cloud only)")
	project := flag.String("project", "", "project id (real cloud only; default HUAWEICLOUD_SDK_PROJECT_ID)")
	enterprise := flag.String("enterprise-project", "", "enterprise project id; all_granted_eps for all")
	status := flag.String("status", "running", "container status filter: running, waiting, terminated, isolated, paused; empty for all")
	clusterType := flag.String("cluster-type", "", "cluster type filter: cce, ali, tencent, azure, aws, self_built_hw, self_built_idc")
	columns := flag.String("columns", "container_id,container_name,image_name,cluster_name,status,risky", "comma-separated columns; empty for all 16")
	limit := flag.Int("limit", 0, "rows to export, 1..100000; 0 = 100000")
	show := flag.Int("rows", 10, "rows to print")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	var opts huawei.Options
	if os.Getenv("HUAWEICLOUD_SDK_AK") != "" && os.Getenv("HUAWEICLOUD_SDK_SK") != "" {
		opts = huawei.Options{Region: *region, ProjectID: *project}
	} else {
		srv := huaweitest.NewServer()
		defer srv.Close()
		srv.SetJobDuration(time.Second)
		fmt.Fprintln(os.Stderr, "no HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK in the environment: using the built-in emulator at", srv.URL())
		opts = srv.Options()
	}
	p, err := huawei.New(opts)
	if err != nil {
		log.Fatal(err)
	}

	req := export.Request{Target: export.Containers{EnterpriseProject: *enterprise}, Limit: *limit}
	if *status != "" {
		req.Filters = append(req.Filters, export.Eq("status", *status))
	}
	if *clusterType != "" {
		req.Filters = append(req.Filters, export.Eq("cluster_type", *clusterType))
	}
	if *columns != "" {
		req.Columns = export.Cols(strings.Split(*columns, ",")...)
	}
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("started HSS export task %s\n", job.ID)

	// HSS reports no progress, only running / success / failure.
	st, err := provider.Wait(ctx, p, job, &provider.WaitOptions{
		MinDelay: 200 * time.Millisecond,
		MaxDelay: 10 * time.Second,
		OnProgress: func(s export.Status) {
			if s.Progress < 0 {
				fmt.Printf("  %s\n", s.State)
			} else {
				fmt.Printf("  %s %3.0f%%\n", s.State, 100*s.Progress)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	if len(st.Files) == 0 {
		log.Fatalf("the task succeeded without a file: %s", st.Message)
	}
	f := st.Files[0]
	fmt.Printf("downloading %s (file id %s)\n", f.Name, f.ID)
	rc, err := p.Download(ctx, job, f)
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	// Stream the rows: memory stays flat however big the file is.
	r, err := rows.NewReader(rc, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		if r.HeaderChanged() {
			fmt.Println(strings.Join(r.Header(), " | "))
		}
		if n < *show {
			fmt.Println(strings.Join(r.Row(), " | "))
		}
		n++
	}
	if err := r.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d rows\n", n)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
