// Command assets exports integration assets (applications and tasks) of a
// Huawei Cloud ROMA Connect instance (ExportAsset) with provider.Export, which
// splits more than 100 ids into several jobs and waits for them, then
// downloads each archive once and lists what it holds.
//
//	go run ./examples/assets
//
// Without HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment it runs
// against the built-in emulator (huaweitest) and says so on stderr; with them
// it calls the real cloud (project id from -project or HUAWEICLOUD_SDK_PROJECT_ID):
//
//	HUAWEICLOUD_SDK_AK=… HUAWEICLOUD_SDK_SK=… HUAWEICLOUD_SDK_PROJECT_ID=… \
//	  go run ./examples/assets -region cn-north-4 -instance <instance id> -apps <app id>,<app id> -out ./archives
//
// ROMA serves each archive once: keep the files (-out) if you need them again.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
)

func main() {
	region := flag.String("region", envOr("HUAWEICLOUD_SDK_REGION", "cn-north-4"), "Huawei Cloud region (real cloud only)")
	project := flag.String("project", "", "project id (real cloud only; default HUAWEICLOUD_SDK_PROJECT_ID)")
	instance := flag.String("instance", "", "ROMA Connect instance id; required against the real cloud")
	apps := flag.String("apps", "", "comma-separated application ids")
	tasks := flag.String("tasks", "", "comma-separated task ids")
	out := flag.String("out", "", "also save each archive into this directory")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	var opts huawei.Options
	if os.Getenv("HUAWEICLOUD_SDK_AK") != "" && os.Getenv("HUAWEICLOUD_SDK_SK") != "" {
		if *instance == "" || (*apps == "" && *tasks == "") {
			log.Fatal("-instance and -apps or -tasks are required against the real cloud")
		}
		opts = huawei.Options{Region: *region, ProjectID: *project, ROMAInstanceID: *instance}
	} else {
		srv := huaweitest.NewServer()
		defer srv.Close()
		srv.SetJobDuration(time.Second)
		fmt.Fprintln(os.Stderr, "no HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK in the environment: using the built-in emulator at", srv.URL())
		opts = srv.Options()
		if *apps == "" && *tasks == "" {
			var ids []string
			for _, a := range srv.Apps()[:2] {
				ids = append(ids, a.ID)
			}
			*apps = strings.Join(ids, ",")
			*tasks = srv.Tasks()[0].ID
		}
	}
	p, err := huawei.New(opts)
	if err != nil {
		log.Fatal(err)
	}

	// provider.Export splits more than 100 ids into several jobs; ROMA runs
	// one job per instance at a time, and the adapter waits its turn.
	target := export.Assets{AppIDs: split(*apps), TaskIDs: split(*tasks)}
	sts, err := provider.Export(ctx, p, export.Request{Target: target}, &provider.ExportOptions{Wait: provider.WaitOptions{
		MinDelay: 200 * time.Millisecond,
		MaxDelay: 10 * time.Second,
		OnProgress: func(s export.Status) {
			if s.Progress < 0 {
				fmt.Printf("  job %s: %s\n", s.Job.ID, s.State)
			} else {
				fmt.Printf("  job %s: %s %3.0f%%\n", s.Job.ID, s.State, 100*s.Progress)
			}
		},
	}})
	if err != nil {
		log.Fatal(err)
	}
	for _, st := range sts {
		if len(st.Files) == 0 {
			log.Fatalf("job %s succeeded without an archive: %s", st.Job.ID, st.Message)
		}
		for _, f := range st.Files {
			fmt.Printf("downloading %s of job %s (served once)\n", f.Name, st.Job.ID)
			data := download(ctx, p, st.Job, f)
			if *out != "" {
				name := filepath.Join(*out, filepath.Base(f.Name))
				if err := os.MkdirAll(*out, 0o700); err != nil {
					log.Fatal(err)
				}
				if err := os.WriteFile(name, data, 0o600); err != nil {
					log.Fatal(err)
				}
				fmt.Printf("saved %d bytes to %s\n", len(data), name)
			}
			list(data)
		}
	}
}

// download reads one archive whole: a zip file is read from its end.
func download(ctx context.Context, p *huawei.Provider, job export.Job, f export.File) []byte {
	rc, err := p.Download(ctx, job, f)
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		log.Fatal(err)
	}
	return data
}

// list prints the entries of an archive and the first rows of its CSV files.
func list(data []byte) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		log.Fatalf("the archive is not a zip file: %v", err)
	}
	fmt.Printf("%d entries:\n", len(zr.File))
	for _, e := range zr.File {
		fmt.Printf("  %-40s %6d bytes\n", e.Name, e.UncompressedSize64)
		if strings.HasSuffix(e.Name, ".csv") {
			printCSV(e)
		}
	}
}

// printCSV prints the first rows of a CSV entry of the archive.
func printCSV(e *zip.File) {
	r, err := e.Open()
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		fmt.Printf("    (not readable as CSV: %v)\n", err)
		return
	}
	for i, row := range rows {
		if i == 10 {
			fmt.Printf("    … %d more\n", len(rows)-i)
			break
		}
		fmt.Println("    " + strings.Join(row, " | "))
	}
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
