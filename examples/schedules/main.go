// Command schedules prints the registry-image scan schedules of Tencent Cloud
// (TCSS) and Huawei Cloud (HSS), and both clouds' host vulnerability
// schedules (CWP, HSS), side by side in one provider-neutral table.
//
//	go run ./examples/schedules
//
// Each cloud is read for real when its credentials are in the environment
// (TENCENTCLOUD_SECRET_ID/_KEY; HUAWEICLOUD_SDK_AK/_SK/_PROJECT_ID with
// -huawei-region), and from its built-in emulator otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

func main() {
	tcRegion := flag.String("tencent-region", "ap-guangzhou", "Tencent Cloud region (real cloud only)")
	hwRegion := flag.String("huawei-region", "cn-north-4", "Huawei Cloud region (real cloud only)")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
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

	var cols []scan.Schedule
	for _, q := range []struct {
		p    provider.Provider
		kind scan.Kind
	}{
		{tc, scan.RegistryImages},
		{hw, scan.RegistryImages},
		{tc, scan.HostVulnerabilities},
		{hw, scan.HostVulnerabilities},
	} {
		s, err := q.p.GetScanSchedule(ctx, scan.Query{Kind: q.kind})
		if errors.Is(err, provider.ErrUnsupported) {
			continue
		}
		if err != nil {
			log.Fatalf("%s %s: %v", q.p.Name(), q.kind, err)
		}
		cols = append(cols, s)
	}
	printTable(cols)
}

func tencentProvider(region string) (provider.Provider, func(), error) {
	if os.Getenv("TENCENTCLOUD_SECRET_ID") != "" && os.Getenv("TENCENTCLOUD_SECRET_KEY") != "" {
		p, err := tencent.New(tencent.Options{Region: region})
		return p, func() {}, err
	}
	srv := tencenttest.NewServer()
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
	fmt.Fprintln(os.Stderr, "no Huawei credentials in the environment: using the built-in emulator at", srv.URL())
	p, err := huawei.New(srv.Options())
	return p, srv.Close, err
}

// printTable prints one row per neutral field and one column per schedule.
func printTable(ss []scan.Schedule) {
	w := tabwriter.NewWriter(os.Stdout, 2, 0, 2, ' ', 0)
	defer w.Flush()
	row := func(name string, f func(scan.Schedule) string) {
		cells := []string{name}
		for _, s := range ss {
			v := f(s)
			if v == "" {
				v = "-"
			}
			cells = append(cells, v)
		}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
	row("provider", func(s scan.Schedule) string { return s.Provider })
	row("kind", func(s scan.Schedule) string { return string(s.Kind) })
	row("enabled", func(s scan.Schedule) string { return fmt.Sprint(s.Enabled) })
	row("period", func(s scan.Schedule) string { return s.Period.String() })
	row("at", func(s scan.Schedule) string { return s.At })
	row("until", func(s scan.Schedule) string { return s.Until })
	row("types", func(s scan.Schedule) string { return joinTypes(s.Types) })
	row("scope", func(s scan.Schedule) string { return string(s.Scope) })
	row("images", func(s scan.Schedule) string { return count(len(s.Images)) })
	row("asset ids", func(s scan.Schedule) string { return count(len(s.AssetIDs)) })
	row("excluded ids", func(s scan.Schedule) string { return count(len(s.ExcludedIDs)) })
	row("registries", func(s scan.Schedule) string {
		var out []string
		for _, r := range s.Registries {
			name := strings.TrimSpace(r.Name + " " + r.Type)
			if r.Selected {
				name += "*"
			}
			out = append(out, name)
		}
		return strings.Join(out, ", ")
	})
	row("namespaces", func(s scan.Schedule) string { return strings.Join(s.Namespaces, ", ") })
	row("latest only", func(s scan.Schedule) string { return fmt.Sprint(s.LatestOnly) })
	row("running only", func(s scan.Schedule) string { return fmt.Sprint(s.RunningOnly) })
	row("hosts", func(s scan.Schedule) string { return count(len(s.HostIDs)) })
	row("last scan", func(s scan.Schedule) string {
		if s.LastScan.IsZero() {
			return ""
		}
		return s.LastScan.UTC().Format("2006-01-02 15:04 MST")
	})
	row("last result", func(s scan.Schedule) string { return s.LastResult })
}

func joinTypes(ts []scan.Type) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return strings.Join(out, ", ")
}

func count(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}
