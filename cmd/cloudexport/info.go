package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

// scheduleJSON is a scan.Schedule as the JSON output spells it.
type scheduleJSON struct {
	Provider    string          `json:"provider"`
	Kind        scan.Kind       `json:"kind"`
	Enabled     bool            `json:"enabled"`
	Period      *periodJSON     `json:"period,omitempty"`
	PeriodText  string          `json:"period_text,omitempty"`
	At          string          `json:"at,omitempty"`
	Until       string          `json:"until,omitempty"`
	Types       []scan.Type     `json:"types,omitempty"`
	Scope       scan.Scope      `json:"scope,omitempty"`
	Images      []scan.Image    `json:"images,omitempty"`
	AssetIDs    []uint64        `json:"asset_ids,omitempty"`
	ExcludedIDs []uint64        `json:"excluded_ids,omitempty"`
	Registries  []scan.Registry `json:"registries,omitempty"`
	Namespaces  []string        `json:"namespaces,omitempty"`
	LatestOnly  bool            `json:"latest_only,omitempty"`
	RunningOnly bool            `json:"running_only,omitempty"`
	HostIDs     []string        `json:"host_ids,omitempty"`
	LastScan    *time.Time      `json:"last_scan,omitempty"`
	LastResult  string          `json:"last_result,omitempty"`
}

// periodJSON is a scan.Period in the JSON output: {"every": 7, "unit": "day"}.
type periodJSON struct {
	Every int       `json:"every"`
	Unit  scan.Unit `json:"unit"`
}

func toScheduleJSON(s scan.Schedule) scheduleJSON {
	out := scheduleJSON{Provider: s.Provider, Kind: s.Kind, Enabled: s.Enabled, PeriodText: s.Period.String(), At: s.At, Until: s.Until,
		Types: s.Types, Scope: s.Scope, Images: s.Images, AssetIDs: s.AssetIDs, ExcludedIDs: s.ExcludedIDs, Registries: s.Registries,
		Namespaces: s.Namespaces, LatestOnly: s.LatestOnly, RunningOnly: s.RunningOnly, HostIDs: s.HostIDs, LastResult: s.LastResult}
	if !s.Period.IsZero() {
		out.Period = &periodJSON{Every: s.Period.Every, Unit: s.Period.Unit}
	}
	if !s.LastScan.IsZero() {
		t := s.LastScan.UTC()
		out.LastScan = &t
	}
	return out
}

func (a *app) scheduleCommand() *cobra.Command {
	var prov, kind string
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Print the clouds' scan schedules",
		Long: `Read the timed scan schedules of both clouds (or one, with --provider; or one
kind, with --kind) and print them as a table, or as JSON with --output json.`,
		Example: `  cloudexport schedule
  cloudexport schedule --provider huawei --kind host-vulnerabilities --output json
  cloudexport schedule --emulator`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			kinds := a.cat.scheduleKinds()
			if kind != "" {
				if !slices.Contains(kinds, scan.Kind(kind)) {
					return usagef("--kind %q: want %s", kind, joinKinds(kinds))
				}
				kinds = []scan.Kind{scan.Kind(kind)}
			}
			if prov != "" && !slices.Contains(providerNames, prov) {
				return usagef("--provider %q: want %s", prov, strings.Join(providerNames, " or "))
			}
			var (
				got  []scan.Schedule
				errs []error
			)
			for _, k := range kinds {
				for _, name := range a.cat.scheduleServers(k) {
					if prov != "" && name != prov {
						continue
					}
					p, err := a.open(name)
					if err != nil {
						if !slices.Contains(errs, err) { // the same provider fails once
							errs = append(errs, err)
						}
						continue
					}
					s, err := p.GetScanSchedule(cmd.Context(), scan.Query{Kind: k})
					if err != nil {
						errs = append(errs, err)
						continue
					}
					got = append(got, s)
				}
			}
			if len(got) == 0 && len(errs) == 0 {
				return usagef("--provider %s serves no %s schedule", prov, kind)
			}
			if a.jsonMode() {
				out := make([]scheduleJSON, len(got))
				for i, s := range got {
					out[i] = toScheduleJSON(s)
				}
				if err := a.json(out); err != nil {
					return err
				}
			} else if len(got) > 0 {
				printSchedules(a, got)
			}
			return errors.Join(errs...)
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&prov, "provider", "", "tencent or huawei; default both")
	fs.StringVar(&kind, "kind", "", "registry-images or host-vulnerabilities; default all")
	_ = cmd.RegisterFlagCompletionFunc("provider", fixedCompletion(providerNames...))
	var ks []string
	for _, k := range a.cat.scheduleKinds() {
		ks = append(ks, string(k))
	}
	_ = cmd.RegisterFlagCompletionFunc("kind", fixedCompletion(ks...))
	return cmd
}

func joinKinds(ks []scan.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func printSchedules(a *app, ss []scan.Schedule) {
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tKIND\tENABLED\tPERIOD\tAT\tUNTIL\tTYPES\tSCOPE\tSELECTED\tLAST SCAN")
	for _, s := range ss {
		types := make([]string, len(s.Types))
		for i, t := range s.Types {
			types[i] = string(t)
		}
		last := "-"
		if !s.LastScan.IsZero() {
			last = s.LastScan.UTC().Format("2006-01-02 15:04") + "Z"
			if s.LastResult != "" {
				last += " " + s.LastResult
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Provider, s.Kind, yesNo(s.Enabled),
			dash(s.Period.String()), dash(s.At), dash(s.Until), dash(strings.Join(types, ",")), dash(string(s.Scope)), selected(s), last)
	}
	tw.Flush()
}

// selected summarises what a schedule picks out.
func selected(s scan.Schedule) string {
	var parts []string
	n := 0
	for _, r := range s.Registries {
		if r.Selected {
			n++
		}
	}
	if n > 0 {
		parts = append(parts, fmt.Sprintf("%d registries", n))
	}
	if len(s.Images) > 0 {
		parts = append(parts, fmt.Sprintf("%d images", len(s.Images)))
	}
	if len(s.AssetIDs) > 0 {
		parts = append(parts, fmt.Sprintf("%d assets", len(s.AssetIDs)))
	}
	if len(s.Namespaces) > 0 {
		parts = append(parts, fmt.Sprintf("%d namespaces", len(s.Namespaces)))
	}
	if len(s.HostIDs) > 0 {
		parts = append(parts, fmt.Sprintf("%d hosts", len(s.HostIDs)))
	}
	if s.LatestOnly {
		parts = append(parts, "latest only")
	}
	if s.RunningOnly {
		parts = append(parts, "running only")
	}
	return dash(strings.Join(parts, ", "))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// capsJSON is one provider's capabilities as the JSON output spells them;
// absent limits are null rather than 0.
type capsJSON struct {
	Provider  string     `json:"provider"`
	Exports   []kindJSON `json:"exports"`
	Schedules []string   `json:"schedules"`
}

type kindJSON struct {
	Kind        export.Kind `json:"kind"`
	MaxLimit    *int        `json:"max_limit"`
	MaxIDs      *int        `json:"max_ids"`
	Concurrency *int        `json:"concurrency"`
	Offset      bool        `json:"offset"`
	Sort        bool        `json:"sort"`
	Filters     []string    `json:"filters"`
	Columns     []string    `json:"columns"`
}

func intOrNil(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func (a *app) capsCommand() *cobra.Command {
	var prov string
	cmd := &cobra.Command{
		Use:   "caps",
		Short: "Print what each provider serves",
		Long: `Print the export kinds and scan schedules each provider serves, with their
limits, filters and columns. A limit that does not apply says so.
Needs no credentials and makes no network call.`,
		Example: `  cloudexport caps
  cloudexport caps --provider huawei --output json`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			names := providerNames
			if prov != "" {
				if !slices.Contains(providerNames, prov) {
					return usagef("--provider %q: want %s", prov, strings.Join(providerNames, " or "))
				}
				names = []string{prov}
			}
			var out []capsJSON
			for _, name := range names {
				c := a.cat.caps[name]
				cj := capsJSON{Provider: name, Exports: []kindJSON{}, Schedules: []string{}}
				for _, k := range a.cat.kinds() {
					lim, ok := c.Exports[k]
					if !ok {
						continue
					}
					cj.Exports = append(cj.Exports, kindJSON{Kind: k, MaxLimit: intOrNil(lim.MaxLimit), MaxIDs: intOrNil(lim.MaxIDs),
						Concurrency: intOrNil(lim.Concurrency), Offset: lim.Offset, Sort: lim.Sort,
						Filters: nonNil(lim.Filters), Columns: nonNil(lim.Columns)})
				}
				for _, s := range c.Schedules {
					cj.Schedules = append(cj.Schedules, string(s))
				}
				out = append(out, cj)
			}
			if a.jsonMode() {
				return a.json(out)
			}
			printCaps(a, out)
			return nil
		}),
	}
	cmd.Flags().StringVar(&prov, "provider", "", "tencent or huawei; default both")
	_ = cmd.RegisterFlagCompletionFunc("provider", fixedCompletion(providerNames...))
	return cmd
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func printCaps(a *app, cs []capsJSON) {
	w := a.stdout
	na := func(n *int, unit string) string {
		if n == nil {
			return "not applicable"
		}
		return fmt.Sprintf("%d %s", *n, unit)
	}
	for i, c := range cs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s\n", c.Provider)
		for _, k := range c.Exports {
			fmt.Fprintf(w, "  export %s\n", k.Kind)
			fmt.Fprintf(w, "    rows per job:      %s\n", na(k.MaxLimit, "max"))
			fmt.Fprintf(w, "    ids per job:       %s\n", na(k.MaxIDs, "max"))
			fmt.Fprintf(w, "    jobs at once:      %s\n", na(k.Concurrency, "per instance"))
			fmt.Fprintf(w, "    offset:            %s\n", supported(k.Offset))
			fmt.Fprintf(w, "    sort:              %s\n", supported(k.Sort))
			fmt.Fprintf(w, "    filters:           %s\n", orNotApplicable(k.Filters))
			fmt.Fprintf(w, "    columns:           %s\n", orNotApplicable(k.Columns))
		}
		for _, s := range c.Schedules {
			fmt.Fprintf(w, "  schedule %s\n", s)
		}
	}
}

func supported(b bool) string {
	if b {
		return "supported"
	}
	return "not applicable"
}

func orNotApplicable(s []string) string {
	if len(s) == 0 {
		return "not applicable"
	}
	return strings.Join(s, ", ")
}

func (a *app) rowsCommand() *cobra.Command {
	var (
		kind, cols, out string
		force           bool
	)
	cmd := &cobra.Command{
		Use:   "rows FILE",
		Short: "Read a downloaded result file as csv or JSON",
		Long: `Read a result file downloaded earlier (the vendor's .xlsx, .zip or .csv) and write
its rows as csv, JSON lines or JSON (--output json with --out - writes a JSON array
on stdout). Columns are keyed by their titles where the vendor's are known.
--columns key1,key2:Title chooses, orders and titles the columns written; a file
with exactly those columns (an export with the same --columns) is keyed by their
order. --kind names the export kind the file came from: it checks the --columns
keys, and a file with all of the kind's columns is keyed by their default order.`,
		Example: `  cloudexport rows components.xlsx --out -
  cloudexport rows assets.zip --out assets.jsonl
  cloudexport rows containers.xlsx --output json | jq '.[].status'
  cloudexport rows c.xlsx --kind components --columns name,version:Version --out c.json`,
		Args: exactArgs(1, "FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			columns, err := parseColumns(cols)
			if err != nil {
				return err
			}
			// The file's titles are keyed by position from --columns when
			// it has exactly those (an export with --columns), else from
			// the kind's default columns (an export without).
			plan := columnPlan{want: columns, note: a.note}
			if len(columns) > 0 {
				plan.asked = append(plan.asked, keys(columns))
			}
			if kind != "" {
				servers := a.cat.servers(export.Kind(kind))
				if len(servers) == 0 {
					return usagef("--kind %q: want %s", kind, kindList(a.cat.kinds()))
				}
				_, known := a.cat.limits(export.Kind(kind), servers...)
				for _, c := range columns {
					if !slices.Contains(known, c.Key) {
						return invalidf("--columns %q: not a %s column; want %s", c.Key, kind, orNone(known))
					}
				}
				if len(servers) == 1 && len(a.cat.columns(servers[0], export.Kind(kind))) > 0 {
					plan.asked = append(plan.asked, a.cat.columns(servers[0], export.Kind(kind)))
				}
			}
			var d *dest
			if out == "-" && a.jsonMode() {
				d = &dest{path: "-", format: formatJSON} // --output json: the rows themselves, as JSON
			} else if d, err = a.checkOut(out, force); err != nil {
				return err
			}
			if !d.rows() {
				return usagef("--out %q: rows writes .csv, .jsonl, .json or - (the file is already the vendor's original)", out)
			}
			if err := checkRowsFit(export.Kind(kind), d); err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if errors.Is(err, fs.ErrNotExist) {
				return &provider.Error{Code: provider.NotFound, Message: fmt.Sprintf("FILE %s: %v", args[0], errors.Unwrap(err))}
			} else if err != nil {
				return invalidf("FILE %s: %v", args[0], errors.Unwrap(err))
			}
			defer f.Close()
			if fi, err := f.Stat(); err == nil && fi.IsDir() {
				return invalidf("FILE %s: is a directory; give a downloaded .xlsx, .zip or .csv", args[0])
			}
			r := &statusResult{}
			err = a.writeRows(d, r, func(c *rowCopier) error {
				src, err := openRows(f, plan)
				if err != nil {
					return err
				}
				defer src.Close()
				return c.copy(src)
			})
			if err != nil {
				return err
			}
			if d.path != "-" {
				if a.jsonMode() {
					return a.json(map[string]any{"written": d.path, "rows": *r.Rows})
				}
				fmt.Fprintf(a.stdout, "wrote %d rows to %s\n", *r.Rows, d.path)
			}
			return nil
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&kind, "kind", "", "the export kind the file came from")
	fs.StringVar(&cols, "columns", "", "the columns to write, in order: key1,key2:Title")
	fs.StringVar(&out, "out", "-", "FILE.csv|.jsonl|.json, or - for csv on stdout")
	fs.BoolVar(&force, "force", false, "overwrite --out if it exists")
	return cmd
}
