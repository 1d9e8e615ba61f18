// Command quickstart exports the software components of one container image
// from Tencent Cloud TCSS, waits for the job, downloads the result file and
// prints its first rows.
//
//	go run ./examples/quickstart
//
// Without TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the
// environment it runs against the built-in emulator (tencenttest) and says so
// on stderr; with them it calls the real cloud:
//
//	TENCENTCLOUD_SECRET_ID=… TENCENTCLOUD_SECRET_KEY=… \
//	  go run ./examples/quickstart -image sha256:… -region ap-guangzhou
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

func main() {
	image := flag.String("image", "", "local image id (sha256:…); required against the real cloud")
	region := flag.String("region", "ap-guangzhou", "Tencent Cloud region (real cloud only)")
	level := flag.String("vul-level", "high", "keep components with a vulnerability of this severity: critical, high, medium, low; empty = all")
	rowsToShow := flag.Int("rows", 10, "how many rows to print")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	var opts tencent.Options
	if os.Getenv("TENCENTCLOUD_SECRET_ID") != "" && os.Getenv("TENCENTCLOUD_SECRET_KEY") != "" {
		if *image == "" {
			log.Fatal("-image is required against the real cloud")
		}
		opts = tencent.Options{Region: *region}
	} else {
		srv := tencenttest.NewServer()
		defer srv.Close()
		srv.SetJobDuration(time.Second)
		fmt.Fprintln(os.Stderr, "no TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY in the environment: using the built-in emulator at", srv.URL())
		opts = srv.Options()
		if *image == "" {
			*image = tencenttest.SeedImageID
		}
	}
	p, err := tencent.New(opts)
	if err != nil {
		log.Fatal(err)
	}

	req := export.Request{
		Target:  export.Components{ImageID: *image},
		Columns: export.Cols("name", "version", "type", "vul_count", "path"),
		Sort:    &export.Sort{Field: "vul_count", Desc: true},
	}
	if *level != "" {
		req.Filters = []export.Filter{export.Eq("vul_level", *level)}
	}
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("started TCSS export job %s for %s\n", job.ID, *image)

	st, err := provider.Wait(ctx, p, job, &provider.WaitOptions{
		MinDelay: 200 * time.Millisecond,
		MaxDelay: 5 * time.Second,
		OnProgress: func(s export.Status) {
			if s.Progress >= 0 {
				fmt.Printf("  %s %3.0f%%\n", s.State, 100*s.Progress)
			} else {
				fmt.Printf("  %s\n", s.State)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	if len(st.Files) == 0 { // TCSS reported success without a link
		log.Fatalf("job %s succeeded without a file: %s", job.ID, st.Message)
	}
	f := st.Files[0]
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
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	n := 0
	for r.Next() {
		if n == 0 {
			fmt.Fprintln(w, strings.Join(r.Header(), "\t"))
		}
		if n < *rowsToShow {
			fmt.Fprintln(w, strings.Join(r.Row(), "\t"))
		}
		n++
	}
	if err := r.Err(); err != nil {
		log.Fatal(err)
	}
	w.Flush()
	fmt.Printf("\n%s: %d rows\n", f.Name, n)
}
