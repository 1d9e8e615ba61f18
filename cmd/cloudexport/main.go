// Command cloudexport runs export jobs and reads scan schedules on Tencent
// Cloud and Huawei Cloud through one set of flags.
//
// Usage:
//
//	cloudexport [global flags] export   -provider P -kind K [flags]   start a job; with -wait, wait and download
//	cloudexport [global flags] poll     TOKEN                          print a job's status
//	cloudexport [global flags] wait     TOKEN                          wait for a job, printing progress
//	cloudexport [global flags] download -out DIR TOKEN                 download a finished job's files
//	cloudexport [global flags] schedule -provider P -kind K            print a scan schedule
//	cloudexport [global flags] caps     -provider P                    print what a provider serves
//
// Global flags: -emulate runs against the in-process emulators instead of the
// cloud (jobs then live only as long as the process, so use export -wait).
// Credentials come from the vendors' environment variables
// (TENCENTCLOUD_SECRET_ID/_KEY; HUAWEICLOUD_SDK_AK/_SK/_PROJECT_ID) or their
// profile files; regions from -region or TENCENTCLOUD_REGION / HUAWEICLOUD_SDK_REGION;
// the default ROMA Connect instance for assets from HUAWEICLOUD_ROMA_INSTANCE_ID
// (a name of this tool's, not the SDK's) or -instance.
//
// Filters: -filter field=v1,v2 (equals any), -filter field~text (contains),
// -filter field=FROM..TO (a time range, RFC 3339 or YYYY-MM-DD; either side
// may be empty). Columns: -columns key1,key2:Header. Sort: -sort key[:desc].
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cloudexport:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

type app struct {
	emulate bool
	region  string
	stdout  io.Writer
	stderr  io.Writer
	cleanup []func()
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := &app{stdout: stdout, stderr: stderr}
	defer func() {
		for _, f := range a.cleanup {
			f()
		}
	}()
	fs := flag.NewFlagSet("cloudexport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&a.emulate, "emulate", false, "run against the in-process emulators, not the cloud")
	fs.StringVar(&a.region, "region", "", "region; default TENCENTCLOUD_REGION / HUAWEICLOUD_SDK_REGION")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cloudexport [-emulate] [-region R] export|poll|wait|download|schedule|caps [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "export":
		return a.export(ctx, rest)
	case "poll", "wait", "download":
		return a.jobCommand(ctx, cmd, rest)
	case "schedule":
		return a.schedule(ctx, rest)
	case "caps":
		return a.caps(rest)
	}
	fs.Usage()
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}

// open returns the named provider, backed by an emulator under -emulate.
func (a *app) open(name string) (provider.Provider, error) {
	switch name {
	case "tencent":
		var opts tencent.Options
		if a.emulate {
			srv := tencenttest.NewServer()
			a.cleanup = append(a.cleanup, srv.Close)
			opts = srv.Options()
			fmt.Fprintln(a.stderr, "emulating Tencent Cloud at", srv.URL())
		} else {
			opts.Region = firstNonEmpty(a.region, os.Getenv("TENCENTCLOUD_REGION"))
		}
		return tencent.New(opts)
	case "huawei":
		var opts huawei.Options
		if a.emulate {
			srv := huaweitest.NewServer()
			a.cleanup = append(a.cleanup, srv.Close)
			opts = srv.Options()
			fmt.Fprintln(a.stderr, "emulating Huawei Cloud at", srv.URL())
		} else {
			opts.Region = firstNonEmpty(a.region, os.Getenv("HUAWEICLOUD_SDK_REGION"))
			opts.ROMAInstanceID = os.Getenv("HUAWEICLOUD_ROMA_INSTANCE_ID")
		}
		return huawei.New(opts)
	}
	return nil, fmt.Errorf("%w: -provider %q: want tencent or huawei", errUsage, name)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, " ") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func (a *app) export(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	var (
		prov, kind, image, bucket, format, instance, project, columns, sortBy, out string
		apps, tasks, images                                                        string
		limit, offset                                                              int
		wait, dry                                                                  bool
		filters                                                                    multi
	)
	fs.StringVar(&prov, "provider", "", "tencent or huawei")
	fs.StringVar(&kind, "kind", "", "components, containers, assets or machine-images")
	fs.StringVar(&image, "image", "", "components: the image id")
	fs.StringVar(&images, "images", "", "machine-images: comma-separated image ids")
	fs.StringVar(&bucket, "bucket", "", "machine-images: the COS bucket")
	fs.StringVar(&format, "format", "", "machine-images: raw, qcow2, vhd or vmdk")
	fs.StringVar(&instance, "instance", "", "assets: the ROMA Connect instance")
	fs.StringVar(&apps, "apps", "", "assets: comma-separated application ids")
	fs.StringVar(&tasks, "tasks", "", "assets: comma-separated task ids")
	fs.StringVar(&project, "enterprise-project", "", "containers: the enterprise project")
	fs.Var(&filters, "filter", "field=v1,v2 | field~text | field=FROM..TO (repeatable)")
	fs.StringVar(&columns, "columns", "", "comma-separated column keys, each optionally key:Header")
	fs.StringVar(&sortBy, "sort", "", "key or key:desc")
	fs.IntVar(&limit, "limit", 0, "rows; 0 = the provider's default")
	fs.IntVar(&offset, "offset", 0, "rows to skip")
	fs.BoolVar(&dry, "dry-run", false, "validate only")
	fs.BoolVar(&wait, "wait", false, "wait for the job and download its files")
	fs.StringVar(&out, "out", ".", "with -wait: where to write the files")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	req := export.Request{Limit: limit, Offset: offset, DryRun: dry}
	switch export.Kind(kind) {
	case export.KindComponents:
		req.Target = export.Components{ImageID: image}
	case export.KindContainers:
		req.Target = export.Containers{EnterpriseProject: project}
	case export.KindAssets:
		req.Target = export.Assets{InstanceID: instance, AppIDs: list(apps), TaskIDs: list(tasks)}
	case export.KindMachineImages:
		req.Target = export.MachineImages{ImageIDs: list(images), Bucket: bucket, Format: format}
	default:
		return fmt.Errorf("%w: -kind %q: want components, containers, assets or machine-images", errUsage, kind)
	}
	for _, f := range filters {
		flt, err := parseFilter(f)
		if err != nil {
			return err
		}
		req.Filters = append(req.Filters, flt)
	}
	for _, c := range list(columns) {
		key, header, _ := strings.Cut(c, ":")
		req.Columns = append(req.Columns, export.Column{Key: key, Header: header})
	}
	if sortBy != "" {
		key, dir, _ := strings.Cut(sortBy, ":")
		req.Sort = &export.Sort{Field: key, Desc: strings.EqualFold(dir, "desc")}
	}
	p, err := a.open(prov)
	if err != nil {
		return err
	}
	if !wait {
		job, err := p.CreateExportJob(ctx, req)
		if err != nil {
			return err
		}
		if dry {
			fmt.Fprintln(a.stdout, "the request is valid")
			return nil
		}
		tok, err := job.Token()
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, tok)
		return nil
	}
	sts, err := provider.Export(ctx, p, req, &provider.ExportOptions{Wait: provider.WaitOptions{
		MinDelay: 200 * time.Millisecond, OnProgress: a.progress,
	}})
	if err != nil {
		return err
	}
	for _, st := range sts {
		if err := a.download(ctx, p, st, out); err != nil {
			return err
		}
	}
	return nil
}

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func parseFilter(s string) (export.Filter, error) {
	if field, v, ok := strings.Cut(s, "~"); ok && !strings.Contains(field, "=") {
		return export.Like(field, v), nil
	}
	field, v, ok := strings.Cut(s, "=")
	if !ok || field == "" {
		return export.Filter{}, fmt.Errorf("%w: -filter %q: want field=v1,v2, field~text or field=FROM..TO", errUsage, s)
	}
	if from, to, isRange := strings.Cut(v, ".."); isRange {
		f, err := parseTime(from)
		if err != nil {
			return export.Filter{}, err
		}
		t, err := parseTime(to)
		if err != nil {
			return export.Filter{}, err
		}
		return export.Between(field, f, t), nil
	}
	return export.Eq(field, strings.Split(v, ",")...), nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: time %q: want RFC 3339 or YYYY-MM-DD", errUsage, s)
}

func (a *app) progress(st export.Status) {
	if st.Progress >= 0 {
		fmt.Fprintf(a.stderr, "job %s: %s %3.0f%%\n", st.Job.ID, st.State, st.Progress*100)
	} else {
		fmt.Fprintf(a.stderr, "job %s: %s\n", st.Job.ID, st.State)
	}
}

func (a *app) jobCommand(ctx context.Context, cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	out := fs.String("out", ".", "download: where to write the files")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return fmt.Errorf("%w: cloudexport %s TOKEN", errUsage, cmd)
	}
	job, err := export.ParseToken(fs.Arg(0))
	if err != nil {
		return err
	}
	p, err := a.open(job.Provider)
	if err != nil {
		return err
	}
	var st export.Status
	switch cmd {
	case "poll":
		st, err = p.PollJob(ctx, job)
	default:
		st, err = provider.Wait(ctx, p, job, &provider.WaitOptions{OnProgress: a.progress})
	}
	if err != nil {
		return err
	}
	if cmd == "download" {
		return a.download(ctx, p, st, *out)
	}
	fmt.Fprintf(a.stdout, "state: %s\n", st.State)
	if st.Progress >= 0 {
		fmt.Fprintf(a.stdout, "progress: %.0f%%\n", st.Progress*100)
	}
	if st.Message != "" {
		fmt.Fprintf(a.stdout, "message: %s\n", st.Message)
	}
	for _, f := range st.Files {
		fmt.Fprintf(a.stdout, "file: %s\n", firstNonEmpty(f.Name, f.Path, f.ID))
	}
	return nil
}

func (a *app) download(ctx context.Context, p provider.Provider, st export.Status, dir string) error {
	d, ok := p.(provider.Downloader)
	for _, f := range st.Files {
		if !ok {
			fmt.Fprintln(a.stdout, firstNonEmpty(f.Path, f.URL, f.ID))
			continue
		}
		rc, err := d.Download(ctx, st.Job, f)
		if errors.Is(err, provider.ErrUnsupported) {
			fmt.Fprintln(a.stdout, firstNonEmpty(f.Path, f.Name))
			continue
		}
		if err != nil {
			return err
		}
		name := filepath.Join(dir, filepath.Base(firstNonEmpty(f.Name, f.ID, st.Job.ID)))
		if err := writeFile(name, rc); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, name)
	}
	return nil
}

func writeFile(name string, rc io.ReadCloser) error {
	defer rc.Close()
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (a *app) schedule(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	prov := fs.String("provider", "", "tencent or huawei")
	kind := fs.String("kind", string(scan.RegistryImages), "registry-images or host-vulnerabilities")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	p, err := a.open(*prov)
	if err != nil {
		return err
	}
	s, err := p.GetScanSchedule(ctx, scan.Query{Kind: scan.Kind(*kind)})
	if err != nil {
		return err
	}
	printSchedule(a.stdout, s)
	return nil
}

func printSchedule(w io.Writer, s scan.Schedule) {
	row := func(k string, v any) { fmt.Fprintf(w, "%-12s %v\n", k, v) }
	row("provider", s.Provider)
	row("kind", s.Kind)
	row("enabled", s.Enabled)
	row("period", firstNonEmpty(s.Period.String(), "-"))
	row("at", firstNonEmpty(s.At, "-"))
	row("until", firstNonEmpty(s.Until, "-"))
	row("types", s.Types)
	row("scope", s.Scope)
	if len(s.Registries) > 0 {
		row("registries", s.Registries)
	}
	if len(s.Images) > 0 {
		row("images", len(s.Images))
	}
	if len(s.HostIDs) > 0 {
		row("hosts", s.HostIDs)
	}
	if !s.LastScan.IsZero() {
		row("last scan", s.LastScan.Format(time.RFC3339))
	}
	if s.LastResult != "" {
		row("last result", s.LastResult)
	}
}

func (a *app) caps(args []string) error {
	fs := flag.NewFlagSet("caps", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	prov := fs.String("provider", "", "tencent or huawei")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	a.emulate = true // capabilities are static; no credentials needed
	p, err := a.open(*prov)
	if err != nil {
		return err
	}
	c := p.Capabilities()
	for _, k := range export.Kinds() {
		lim, ok := c.Exports[k]
		if !ok {
			continue
		}
		fmt.Fprintf(a.stdout, "%s: max limit %d, max ids %d, offset %v, sort %v\n  filters: %s\n  columns: %s\n",
			k, lim.MaxLimit, lim.MaxIDs, lim.Offset, lim.Sort, strings.Join(lim.Filters, ", "), strings.Join(lim.Columns, ", "))
	}
	for _, k := range c.Schedules {
		fmt.Fprintf(a.stdout, "schedule: %s\n", k)
	}
	return nil
}
