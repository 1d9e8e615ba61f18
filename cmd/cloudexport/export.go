package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
)

// exportFlags are the flags every export kind shares.
type exportFlags struct {
	provider string
	filters  []string
	columns  string
	sort     string
	offset   int
	limit    int
	dryRun   bool
	wait     bool
	out      string
	force    bool
	waitFlags
}

func (a *app) exportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export KIND",
		Short: "Start an export job; wait for it and write its rows",
		Long: `Start an export job of one kind. Each kind is a command of its own with the
flags that say what to export; the kinds, their filters and columns come from
what the providers serve (see 'cloudexport caps').

The job token is printed as soon as the job exists: on stdout without --wait, on
stderr with it (in the JSON result with --output json). Resume an interrupted wait
with 'cloudexport wait TOKEN' or 'cloudexport download TOKEN --out FILE'.`,
		Example: `  cloudexport export components --image sha256:3f5a… --columns name,version --out c.csv
  cloudexport export containers --filter status=running --wait --output json
  cloudexport export assets --app app-order-0001 --out assets.zip`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("export: give a kind: %s", kindList(a.cat.kinds()))
			}
			return usagef("export: unknown kind %q; want %s", args[0], kindList(a.cat.kinds()))
		},
		RunE: func(*cobra.Command, []string) error { return nil }, // Args always refuses
	}
	for _, k := range a.cat.kinds() {
		cmd.AddCommand(a.exportKindCommand(k))
	}
	return cmd
}

func kindList(ks []export.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// exportKindCommand builds `export KIND` from the providers' Capabilities
// and the kind's target flags.
func (a *app) exportKindCommand(kind export.Kind) *cobra.Command {
	var (
		f  exportFlags
		tv targetValues
	)
	spec, hasSpec := targets[kind]
	servers := a.cat.servers(kind)
	filters, columns := a.cat.limits(kind, servers...)
	takes := a.cat.takes(kind, servers...)
	// Tencent's results come from download links, which --download-host
	// widens (machine images stay in the user's bucket).
	downloads := slices.Contains(servers, tencent.Name) && spec.elsewhere == ""
	long := kindHelp(kind, servers, a.cat.byProvider(kind, servers), spec, downloads)
	example := spec.example
	if example == "" {
		example = fmt.Sprintf("  cloudexport export %s --provider %s --wait --out %s.csv", kind, servers[0], kind)
	}
	cmd := &cobra.Command{
		Use:     string(kind),
		Short:   fmt.Sprintf("Export %s (%s)", kind, strings.Join(servers, ", ")),
		Long:    long,
		Example: example,
		Args:    noArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if !hasSpec {
				return usagef("export %s: this version of cloudexport has no target flags for %s yet", kind, kind)
			}
			return a.runExport(cmd, kind, spec, &f, &tv)
		}),
	}
	fs := cmd.Flags()
	if hasSpec {
		spec.flags(fs, &tv)
	}
	fs.StringVar(&f.provider, "provider", "", "tencent or huawei; default the one that serves "+string(kind))
	fs.StringArrayVar(&f.filters, "filter", nil, "field=v1,v2 | field~text | field=FROM..TO (repeatable)")
	fs.StringVar(&f.columns, "columns", "", "column keys in order, each optionally key:Header")
	fs.StringVar(&f.sort, "sort", "", "field[:asc|desc]")
	fs.IntVar(&f.offset, "offset", 0, "rows to skip")
	fs.IntVar(&f.limit, "limit", 0, "rows to export; 0 = the provider's default")
	fs.BoolVar(&f.dryRun, "dry-run", false, "validate the request and start nothing")
	fs.BoolVar(&f.wait, "wait", false, "wait for the job to end (implied by --out)")
	fs.StringVar(&f.out, "out", "", "write the result: FILE.csv|.jsonl|.json (rows), FILE.xlsx|.zip (original), - (csv on stdout)")
	fs.BoolVar(&f.force, "force", false, "overwrite --out if it exists")
	f.waitFlags.add(fs)
	if downloads {
		a.dl.add(fs)
	}
	if spec.elsewhere != "" {
		fs.Lookup("wait").Usage = "wait for the job to end and show where its results are"
	}
	// Flags no provider of the kind takes stay out of its help; given
	// anyway, the provider refuses them with its reason.
	for flag, hide := range map[string]bool{
		"provider": len(servers) < 2,
		"filter":   len(filters) == 0,
		"columns":  len(columns) == 0,
		"sort":     !takes.Sort,
		"offset":   !takes.Offset,
		"limit":    takes.MaxLimit == 0,
		"out":      spec.elsewhere != "",
		"force":    spec.elsewhere != "",
	} {
		if hide {
			_ = fs.MarkHidden(flag)
		}
	}

	_ = cmd.RegisterFlagCompletionFunc("provider", fixedCompletion(servers...))
	_ = cmd.RegisterFlagCompletionFunc("filter", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		fl, _ := a.cat.limits(kind, a.completionServers(cmd, kind)...)
		out := make([]string, 0, 2*len(fl))
		for _, x := range fl {
			out = append(out, x+"=", x+"~")
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("columns", func(cmd *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
		_, cols := a.cat.limits(kind, a.completionServers(cmd, kind)...)
		return listCompletion(typed, cols), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("sort", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		_, cols := a.cat.limits(kind, a.completionServers(cmd, kind)...)
		var out []string
		for _, c := range cols {
			out = append(out, c, c+":asc", c+":desc")
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// kindHelp is the long help of `export KIND`: who serves it, and the
// request flags it takes, with each provider's filters and columns when
// they differ.
func kindHelp(kind export.Kind, servers []string, lims map[string]provider.Limits, spec targetSpec, downloads bool) string {
	list := func(of func(provider.Limits) []string) string {
		var per []string
		same := true
		for _, name := range servers {
			l := of(lims[name])
			same = same && slices.Equal(l, of(lims[servers[0]]))
			if len(l) > 0 {
				per = append(per, name+": "+strings.Join(l, ", "))
			}
		}
		if same {
			return strings.Join(of(lims[servers[0]]), ", ")
		}
		return strings.Join(per, "; ")
	}
	filters := list(func(l provider.Limits) []string { return l.Filters })
	columns := list(func(l provider.Limits) []string { return l.Columns })
	var b strings.Builder
	fmt.Fprintf(&b, "Export %s (served by %s).\n", kind, strings.Join(servers, " and "))
	if filters != "" {
		fmt.Fprintf(&b, "\nFilters: %s", filters)
	}
	if columns != "" {
		fmt.Fprintf(&b, "\nColumns: %s", columns)
	}
	if filters+columns != "" {
		b.WriteString("\n")
	}
	var how []string
	if filters != "" {
		how = append(how, filterHelp)
	}
	if columns != "" {
		how = append(how, columnsHelp)
	}
	if spec.elsewhere != "" {
		how = append(how, fmt.Sprintf("The results are not downloaded: %s; --wait shows where.", spec.elsewhere))
	} else {
		how = append(how, "--out implies --wait and is checked before the job is created.")
	}
	b.WriteString("\n" + wrap(strings.Join(how, " "), 80))
	if downloads {
		b.WriteString("\n\n" + downloadHostsHelp)
	}
	return b.String()
}

const filterHelp = `--filter field=v1,v2 keeps rows whose field equals any value; field~text keeps
rows whose field contains text; field=FROM..TO keeps a time range (RFC 3339 or
YYYY-MM-DD; a date as TO includes that whole day; either end may be empty).`

const columnsHelp = `--columns key1,key2:Title chooses and orders columns (Title renames one in the output).`

// wrap re-flows text into lines of at most width characters.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		if n > 0 && n+1+len([]rune(w)) > width {
			b.WriteString("\n")
			n = 0
		} else if n > 0 {
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len([]rune(w))
	}
	return b.String()
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// completionServers returns the providers whose vocabulary completion offers:
// the one --provider names, else all that serve kind.
func (a *app) completionServers(cmd *cobra.Command, kind export.Kind) []string {
	if p, _ := cmd.Flags().GetString("provider"); p != "" {
		return []string{p}
	}
	return a.cat.servers(kind)
}

// listCompletion completes the last item of a comma-separated list.
func listCompletion(typed string, all []string) []string {
	prefix := ""
	if i := strings.LastIndex(typed, ","); i >= 0 {
		prefix = typed[:i+1]
	}
	var out []string
	for _, c := range all {
		if !strings.Contains(","+prefix, ","+c+",") {
			out = append(out, prefix+c)
		}
	}
	return out
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s: unexpected argument %q (flags take their value as --flag value or --flag=value)", cmd.CommandPath(), args[0])
	}
	return nil
}

// runExport builds the request, checks --out, creates the job, prints its
// token, and with --wait or --out waits and writes the result.
func (a *app) runExport(cmd *cobra.Command, kind export.Kind, spec targetSpec, f *exportFlags, tv *targetValues) error {
	ctx := cmd.Context()
	req := export.Request{Offset: f.offset, Limit: f.limit, DryRun: f.dryRun}
	for _, s := range f.filters {
		flt, err := parseFilter(s)
		if err != nil {
			return err
		}
		req.Filters = append(req.Filters, flt)
	}
	cols, err := parseColumns(f.columns)
	if err != nil {
		return err
	}
	if req.Sort, err = parseSort(f.sort); err != nil {
		return err
	}
	if err := f.waitFlags.check(); err != nil {
		return err
	}
	if err := a.dl.check(); err != nil {
		return err
	}
	name, err := a.cat.chooseProvider(kind, f.provider)
	if err != nil {
		return err
	}
	if f.out != "" && spec.elsewhere != "" {
		return invalidf("--out: %s exports are not downloaded: %s; use --wait to see where", kind, spec.elsewhere)
	}
	d, err := a.checkOut(f.out, f.force)
	if err != nil {
		return err
	}
	if err := checkRowsFit(kind, d); err != nil {
		return err
	}
	if !f.wait && !f.dryRun && d == nil && (cmd.Flags().Changed("timeout") || cmd.Flags().Changed("interval")) {
		a.note("--timeout and --interval apply while waiting; without --wait or --out the job is not waited for")
	}
	// Rows are written by this tool, which applies custom titles itself, so
	// the vendor is asked for keys only (TCSS cannot rename its columns).
	req.Columns = cols
	if d.rows() {
		req.Columns = export.Cols(keys(cols)...)
	}
	req.Target = spec.build(tv, func(flag, env string, dst *string) {
		if *dst == "" && a.emulator {
			*dst = seed(env)
			a.note("%s not given: using the emulator's seeded %s (%s)", flag, *dst, env)
		}
	})
	in := &invocation{lists: map[string][]string{
		"filter":   f.filters,
		"columns":  strings.Split(f.columns, ","),
		"image-id": tv.imageIDs,
		"app":      tv.apps,
		"task":     tv.tasks,
	}}
	p, err := a.open(name)
	if err != nil {
		return err
	}
	job, err := p.CreateExportJob(ctx, req)
	if err != nil {
		return speakFlags(err, in)
	}
	if f.dryRun {
		if a.jsonMode() {
			return a.json(map[string]any{"valid": true, "provider": name, "kind": kind})
		}
		fmt.Fprintf(a.stdout, "the %s request is valid; nothing was started (--dry-run)\n", kind)
		return nil
	}
	asked := keys(cols)
	if len(asked) == 0 {
		asked = a.cat.columns(name, kind)
	} else {
		job = withColumns(job, asked)
	}
	tok, err := job.Token()
	if err != nil {
		return err
	}
	r := newStatusResult(tok, job)
	if !f.wait && d == nil {
		if a.jsonMode() {
			return a.json(r)
		}
		fmt.Fprintln(a.stdout, tok)
		return nil
	}
	if !a.jsonMode() {
		// Printed before waiting, whatever --quiet says: it is the only
		// way back to the job if the wait is interrupted.
		fmt.Fprintf(a.stderr, "job token: %s\n", tok)
	}
	st, err := a.wait(ctx, p, job, f.waitFlags)
	r.set(st)
	if err == nil && d != nil {
		err = a.save(ctx, p, st, d, a.plan(asked, cols), 0, r)
	}
	if err != nil && !a.jsonMode() {
		next := "wait"
		if st.State == export.StateSucceeded {
			next = "download --out FILE"
		}
		fmt.Fprintf(a.stderr, "resume with: cloudexport %s%s %s\n", emulatorFlag(a), next, tok)
	}
	return a.finish(r, d, err)
}

// checkRowsFit refuses, before any call, rows in a format the kind's
// results cannot fill: csv for results whose columns change part way.
func checkRowsFit(kind export.Kind, d *dest) error {
	if spec := targets[kind]; d != nil && d.format == formatCSV && spec.mixed != "" {
		return invalidf("--out %q: %s, and csv has one header; write .jsonl or .json rows, or the original .zip", d.path, spec.mixed)
	}
	return nil
}

func emulatorFlag(a *app) string {
	if a.emulator {
		return "--emulator "
	}
	return ""
}

// scopeColumns is the Job.Scope key under which this command records the
// columns a job was asked for (neutral keys, comma-joined, in order), so that
// a later download of its token keys the vendor's titles as the export
// would have. A job asked for no columns has the kind's defaults and no key.
const scopeColumns = "columns"

// withColumns returns job with the asked columns recorded in its Scope (a
// copy), unless its adapter recorded some already.
func withColumns(job export.Job, asked []string) export.Job {
	if _, ok := job.Scope[scopeColumns]; ok {
		return job
	}
	scope := make(map[string]string, len(job.Scope)+1)
	for k, v := range job.Scope {
		scope[k] = v
	}
	scope[scopeColumns] = strings.Join(asked, ",")
	job.Scope = scope
	return job
}

// jobColumns returns the columns a job's files were asked to have, in order:
// those recorded in its Scope (checked, since a token comes from outside),
// else its kind's default columns on its provider. A token made before
// columns were recorded has none and gets the defaults.
func (a *app) jobColumns(job export.Job) ([]string, error) {
	known := a.cat.columns(job.Provider, job.Kind)
	s, ok := job.Scope[scopeColumns]
	if !ok {
		return known, nil
	}
	asked := strings.Split(s, ",")
	for i, k := range asked {
		if !slices.Contains(known, k) || slices.Contains(asked[:i], k) {
			return nil, invalidf("TOKEN: its columns %q are not distinct %s %s columns (%s)", s, job.Provider, job.Kind, orNone(known))
		}
	}
	return asked, nil
}

// plan is how this command keys and writes the rows of a job whose files
// were asked for the columns asked: want chosen, in order, under their
// titles (nil = every column under its key).
func (a *app) plan(asked []string, want []export.Column) columnPlan {
	p := columnPlan{want: want, note: a.note}
	if len(asked) > 0 {
		p.asked = [][]string{asked}
	}
	return p
}

func keys(cols []export.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Key
	}
	return out
}
