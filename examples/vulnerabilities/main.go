// Command vulnerabilities sends one provider-neutral request for host
// vulnerabilities to Tencent Cloud (CWP) and Huawei Cloud (HSS) at once, and
// prints what both found as one table with a cloud column.
//
//	go run ./examples/vulnerabilities
//
// Each cloud is read for real when its credentials are in the environment
// (TENCENTCLOUD_SECRET_ID/_KEY; HUAWEICLOUD_SDK_AK/_SK/_PROJECT_ID), and from
// its built-in emulator otherwise. The rows of both files come back keyed by
// the same neutral column keys, and the adapters' downloads spell level,
// status and times the neutral way on request (NeutralCell).
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

	"golang.org/x/sync/errgroup"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// columns are the neutral keys printed, after the cloud.
var columns = []string{"cve_id", "level", "status", "host_name", "host_ip", "component", "last_seen", "name"}

func main() {
	tcRegion := flag.String("tencent-region", "ap-guangzhou", "Tencent Cloud region (real cloud only)")
	hwRegion := flag.String("huawei-region", "cn-north-4", "Huawei Cloud region (real cloud only)")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tc, closeTC, err := tencentProvider(*tcRegion)
	if err != nil {
		log.Fatal(err)
	}
	defer closeTC()
	hw, closeHW, err := huaweiProvider(*hwRegion)
	if err != nil {
		log.Fatal(err)
	}
	defer closeHW()

	// One request, unchanged, for both clouds.
	req := export.Request{
		Target:  export.Vulnerabilities{},
		Filters: []export.Filter{export.Eq("category", "linux"), export.Eq("level", "critical", "high")},
	}
	clouds := []provider.Provider{tc, hw}
	found := make([][]map[string]string, len(clouds))
	g, ctx := errgroup.WithContext(ctx)
	for i, p := range clouds {
		g.Go(func() (err error) {
			found[i], err = vulnerabilities(ctx, p, req)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		log.Fatal(err)
	}

	w := tabwriter.NewWriter(os.Stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintln(w, "cloud\t"+strings.Join(columns, "\t"))
	for i, rs := range found {
		for _, r := range rs {
			cells := []string{clouds[i].Name()}
			for _, k := range columns {
				cells = append(cells, r[k])
			}
			fmt.Fprintln(w, strings.Join(cells, "\t"))
		}
	}
	w.Flush()
}

// neutralCells is what the adapters' downloads offer beside their column
// titles: a cell in the neutral vocabulary (critical, unfixed, RFC 3339).
type neutralCells interface {
	NeutralCell(key, cell string) string
}

// vulnerabilities runs req on p, waits, and reads every file's rows as
// maps from neutral column key to neutral cell.
func vulnerabilities(ctx context.Context, p provider.Provider, req export.Request) ([]map[string]string, error) {
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		return nil, err
	}
	st, err := provider.Wait(ctx, p, job, nil)
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for _, f := range st.Files {
		rc, err := p.(provider.Downloader).Download(ctx, job, f)
		if err != nil {
			return nil, err
		}
		r, err := rows.NewReader(rc, nil) // the download knows its titles' neutral keys
		if err != nil {
			rc.Close()
			return nil, err
		}
		cells, _ := rc.(neutralCells)
		for r.Next() {
			row := map[string]string{}
			for i, key := range r.Header() {
				row[key] = r.Row()[i]
				if cells != nil {
					row[key] = cells.NeutralCell(key, row[key])
				}
			}
			out = append(out, row)
		}
		err = r.Err()
		r.Close()
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p.Name(), f.Name, err)
		}
	}
	return out, nil
}

func tencentProvider(region string) (provider.Provider, func(), error) {
	if os.Getenv("TENCENTCLOUD_SECRET_ID") != "" && os.Getenv("TENCENTCLOUD_SECRET_KEY") != "" {
		p, err := tencent.New(tencent.Options{Region: region})
		return p, func() {}, err
	}
	srv := tencenttest.NewServer()
	srv.SetJobDuration(time.Second)
	fmt.Fprintln(os.Stderr, "no Tencent credentials in the environment: using the built-in emulator at", srv.URL())
	p, err := tencent.New(srv.Options())
	return p, srv.Close, err
}

func huaweiProvider(region string) (provider.Provider, func(), error) {
	if os.Getenv("HUAWEICLOUD_SDK_AK") != "" && os.Getenv("HUAWEICLOUD_SDK_SK") != "" {
		p, err := huawei.New(huawei.Options{Region: region})
		return p, func() {}, err
	}
	srv := huaweitest.NewServer()
	srv.SetJobDuration(time.Second)
	fmt.Fprintln(os.Stderr, "no Huawei credentials in the environment: using the built-in emulator at", srv.URL())
	p, err := huawei.New(srv.Options())
	return p, srv.Close, err
}
