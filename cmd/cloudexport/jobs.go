package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// waitFlags are --timeout and --interval, shared by every command that waits.
type waitFlags struct {
	timeout  time.Duration
	interval time.Duration
}

func (w *waitFlags) add(fs *pflag.FlagSet) {
	fs.DurationVar(&w.timeout, "timeout", 0, "give up waiting after this long, e.g. 10m (exit 7); 0 = no limit")
	fs.DurationVar(&w.interval, "interval", time.Second, "first delay between polls; it grows to 30s")
}

func (w *waitFlags) check() error {
	if w.timeout < 0 {
		return usagef("--timeout %s: negative", w.timeout)
	}
	if w.interval <= 0 {
		return usagef("--interval %s: want a positive duration such as 1s", w.interval)
	}
	return nil
}

// wait polls job until it ends, showing progress. A --timeout that elapses
// is a timeoutError (exit 7).
func (a *app) wait(ctx context.Context, p provider.Provider, job export.Job, w waitFlags) (export.Status, error) {
	if w.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.timeout)
		defer cancel()
	}
	prog := a.jobProgress(job)
	max := 30 * time.Second
	if w.interval > max {
		max = w.interval
	}
	st, err := provider.Wait(ctx, p, job, &provider.WaitOptions{MinDelay: w.interval, MaxDelay: max, OnProgress: prog.update})
	if errors.Is(err, context.DeadlineExceeded) && w.timeout > 0 {
		return st, &timeoutError{after: w.timeout.String(), err: err}
	}
	return st, speakFlags(err, nil) // a job refused is the user's TOKEN
}

// jobFromToken parses a TOKEN argument and opens its provider.
func (a *app) jobFromToken(tok string) (export.Job, provider.Provider, error) {
	job, err := parseJob(tok)
	if err != nil {
		return export.Job{}, nil, err
	}
	p, err := a.openJob(job)
	return job, p, err
}

// parseJob parses a TOKEN argument; nothing is opened or sent.
func parseJob(tok string) (export.Job, error) {
	job, err := export.ParseToken(strings.TrimSpace(tok))
	return job, speakFlags(err, nil)
}

// openJob opens the provider of a parsed job. A token of a provider this
// tool does not know is a token refused, not a --provider mistake.
func (a *app) openJob(job export.Job) (provider.Provider, error) {
	if !slices.Contains(providerNames, job.Provider) {
		return nil, invalidf("TOKEN: a job of provider %q; want %s", job.Provider, strings.Join(providerNames, " or "))
	}
	if a.emulator && runningEmulator(job.Provider) == "" {
		a.note("no running emulator in the environment: this command's own emulator knows no earlier job (run `cloudexport emulator` and source what it prints)")
	}
	return a.open(job.Provider)
}

// fileResult is one result file as reported to the user.
type fileResult struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
	ID   string `json:"id,omitempty"`
	Path string `json:"path,omitempty"`
}

// statusResult is a job's status as printed by status, wait, export and download.
type statusResult struct {
	Token    string       `json:"token"`
	Provider string       `json:"provider"`
	Service  string       `json:"service"`
	Kind     export.Kind  `json:"kind"`
	ID       string       `json:"id"`
	State    export.State `json:"state,omitempty"`
	Progress *float64     `json:"progress,omitempty"`
	Message  string       `json:"message,omitempty"`
	Files    []fileResult `json:"files,omitempty"`
	Out      string       `json:"out,omitempty"`
	Written  []string     `json:"written,omitempty"`
	Rows     *int         `json:"rows,omitempty"`
	Error    string       `json:"error,omitempty"`
}

func newStatusResult(tok string, job export.Job) *statusResult {
	return &statusResult{Token: tok, Provider: job.Provider, Service: job.Service, Kind: job.Kind, ID: job.ID}
}

func (r *statusResult) set(st export.Status) {
	if st.State == "" {
		return
	}
	r.State, r.Message = st.State, st.Message
	if st.Progress >= 0 {
		p := st.Progress
		r.Progress = &p
	}
	r.Files = r.Files[:0]
	for _, f := range st.Files {
		r.Files = append(r.Files, fileResult(f))
	}
}

// print writes the result: JSON, or text lines.
func (a *app) printStatus(r *statusResult) error {
	if a.jsonMode() {
		return a.json(r)
	}
	// The token is left out of the text form: the user already has it
	// (export prints it on stderr before waiting).
	w := a.stdout
	fmt.Fprintf(w, "job:      %s %s %s %s\n", r.Provider, r.Service, r.Kind, r.ID)
	if r.State != "" {
		fmt.Fprintf(w, "state:    %s\n", r.State)
	}
	if r.Progress != nil {
		fmt.Fprintf(w, "progress: %.0f%%\n", *r.Progress*100)
	}
	if r.Message != "" {
		fmt.Fprintf(w, "message:  %s\n", r.Message)
	}
	for i, f := range r.Files {
		fmt.Fprintf(w, "file %d:   %s\n", i+1, firstNonEmpty(f.Path, f.Name, f.ID, f.URL))
	}
	for _, name := range r.Written {
		fmt.Fprintf(w, "wrote:    %s\n", name)
	}
	if r.Rows != nil {
		fmt.Fprintf(w, "rows:     %d\n", *r.Rows)
	}
	return nil
}

func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status TOKEN",
		Short: "Print a job's status once",
		Long:  "Poll the job a token names once and print its state, progress and files.",
		Example: `  cloudexport status "$TOKEN"
  cloudexport status "$TOKEN" --output json | jq -r .state`,
		Args: exactArgs(1, "TOKEN"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			job, p, err := a.jobFromToken(args[0])
			if err != nil {
				return err
			}
			st, err := p.PollJob(cmd.Context(), job)
			if err != nil {
				return speakFlags(err, nil)
			}
			r := newStatusResult(args[0], job)
			r.set(st)
			return a.printStatus(r)
		}),
	}
}

func (a *app) waitCommand() *cobra.Command {
	var w waitFlags
	cmd := &cobra.Command{
		Use:   "wait TOKEN",
		Short: "Wait for a job to end",
		Long: `Poll the job a token names until it ends, showing progress on stderr, then
print its final status. A failed job exits 6 with the vendor's reason.`,
		Example: `  cloudexport wait "$TOKEN"
  cloudexport wait "$TOKEN" --timeout 10m --interval 5s --quiet`,
		Args: exactArgs(1, "TOKEN"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := w.check(); err != nil {
				return err
			}
			job, p, err := a.jobFromToken(args[0])
			if err != nil {
				return err
			}
			st, err := a.wait(cmd.Context(), p, job, w)
			r := newStatusResult(args[0], job)
			r.set(st)
			if err != nil {
				if a.jsonMode() {
					r.Error = err.Error()
					_ = a.printStatus(r)
				}
				return err
			}
			return a.printStatus(r)
		}),
	}
	w.add(cmd.Flags())
	return cmd
}

func (a *app) downloadCommand() *cobra.Command {
	var (
		w     waitFlags
		out   string
		force bool
		file  int
		cols  string
	)
	cmd := &cobra.Command{
		Use:   "download TOKEN --out FILE",
		Short: "Download a finished job's rows or original file",
		Long: `Download the result of the job a token names, waiting for it first if it is
still running. --out says what to write: .csv, .jsonl or .json for rows (- for csv
on stdout), .xlsx or .zip for the vendor's original file. A job with several files
is written as one table of rows, or as FILE, FILE-2, ... for original files;
--file N takes only the N-th.

Rows are keyed as 'export --out' keys them: by the columns the export asked for
(the token records them), else the kind's default columns, in neutral keys
whatever titles the vendor wrote. --columns key1,key2:Title chooses, orders and
titles the columns written, from the job's.

` + downloadHostsHelp,
		Example: `  cloudexport download "$TOKEN" --out components.csv
  cloudexport download "$TOKEN" --out - | head
  cloudexport download "$TOKEN" --columns vul_count:Vulns,name --out top.csv
  cloudexport download "$TOKEN" --file 1 --out original.xlsx --force
  # From inside Tencent Cloud, over COS's intranet domain
  cloudexport download "$TOKEN" --private-download-host '*.cos-internal.ap-guangzhou.tencentcos.cn' --out c.csv`,
		Args: exactArgs(1, "TOKEN"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := w.check(); err != nil {
				return err
			}
			if out == "" {
				return usagef("--out: required; give a file (.csv, .jsonl, .json, .xlsx, .zip) or - for csv on stdout")
			}
			d, err := a.checkOut(out, force)
			if err != nil {
				return err
			}
			want, err := parseColumns(cols)
			if err != nil {
				return err
			}
			if len(want) > 0 && !d.rows() {
				return usagef("--columns chooses the columns of rows, but --out %q writes the vendor's original file; drop --columns or write .csv, .jsonl or .json", out)
			}
			if file < 0 {
				return usagef("--file %d: want 1 or more", file)
			}
			if err := a.dl.check(); err != nil {
				return err
			}
			job, err := parseJob(args[0])
			if err != nil {
				return err
			}
			if where := targets[job.Kind].elsewhere; where != "" {
				return invalidf("TOKEN: %s results are not downloaded: %s; 'cloudexport wait TOKEN' shows where", job.Kind, where)
			}
			if err := checkRowsFit(job.Kind, d); err != nil {
				return err
			}
			asked, err := a.jobColumns(job)
			if err != nil {
				return err
			}
			if err := checkWanted(want, asked); err != nil {
				return err
			}
			p, err := a.openJob(job)
			if err != nil {
				return err
			}
			r := newStatusResult(args[0], job)
			st, err := p.PollJob(cmd.Context(), job)
			err = speakFlags(err, nil)
			if err == nil && !st.Done() {
				st, err = a.wait(cmd.Context(), p, job, w)
			} else if err == nil && st.State == export.StateFailed {
				_, err = a.wait(cmd.Context(), p, job, w) // reports the vendor's reason as JobFailed
			}
			r.set(st)
			if err == nil {
				err = a.save(cmd.Context(), p, st, d, a.plan(asked, want), file, r)
			}
			return a.finish(r, d, err)
		}),
	}
	w.add(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&out, "out", "", "where to write: FILE.csv|.jsonl|.json (rows), FILE.xlsx|.zip (original), - (csv on stdout)")
	fs.BoolVar(&force, "force", false, "overwrite --out if it exists")
	fs.IntVar(&file, "file", 0, "download only the N-th file of the job (1-based); 0 = all")
	a.dl.add(fs)
	fs.StringVar(&cols, "columns", "", "the columns to write, in order: key1,key2:Title (default all the job's, by key)")
	return cmd
}

// checkWanted refuses, before any call, a --columns key that a job whose
// files have the columns asked cannot give.
func checkWanted(want []export.Column, asked []string) error {
	if len(asked) == 0 {
		return nil // columns unknown here: the file's header says
	}
	for _, c := range want {
		if !slices.Contains(asked, c.Key) {
			return invalidf("--columns %q: the job's files have no such column; they have %s", c.Key, strings.Join(asked, ", "))
		}
	}
	return nil
}

// checkOut checks --out and that it can go with --output.
func (a *app) checkOut(out string, force bool) (*dest, error) {
	d, err := checkDest(out, force, "--out")
	if err != nil {
		return nil, err
	}
	if d != nil && d.path == "-" && a.jsonMode() {
		return nil, usagef("--out - and --output json both write to stdout; write the rows to a file or drop --output json")
	}
	return d, nil
}

// finish prints the result of an export or download and returns err. On
// failure in JSON mode the result still carries the token, so the job can
// be resumed.
func (a *app) finish(r *statusResult, d *dest, err error) error {
	if err != nil {
		if a.jsonMode() {
			r.Error = err.Error()
			_ = a.printStatus(r)
		}
		return err
	}
	if d != nil && d.path == "-" {
		if r.Rows != nil {
			a.note("wrote %d rows", *r.Rows)
		}
		return nil
	}
	return a.printStatus(r)
}

// save writes a finished job's files to d: rows, or the original files.
func (a *app) save(ctx context.Context, p provider.Provider, st export.Status, d *dest, plan columnPlan, only int, r *statusResult) error {
	files := st.Files
	if only > 0 {
		if only > len(files) {
			return invalidf("--file %d: the job has %d file(s)", only, len(files))
		}
		files = files[only-1 : only]
	}
	if len(files) == 0 {
		return &provider.Error{Code: provider.NotFound, Provider: st.Job.Provider, Message: "the job succeeded but has no file to download"}
	}
	dl, ok := p.(provider.Downloader)
	if !ok {
		return a.notDownloadable(st, files)
	}
	open := func(f export.File) (io.ReadCloser, *downloadProgress, error) {
		rc, err := dl.Download(ctx, st.Job, f)
		if err != nil {
			return nil, nil, err
		}
		return rc, a.downloadProgress(firstNonEmpty(f.Name, f.ID, "file")), nil
	}
	if !d.rows() {
		// FILE was checked before any call; FILE-2, ... are checked the
		// same way before the first download, so none is clobbered.
		for i := 1; i < len(files); i++ {
			if _, err := checkDest(numbered(d.path, i), d.force, "--out"); err != nil {
				return err
			}
		}
		// The vendor's file keeps its type: a .zip is not written as .xlsx.
		want := strings.ToLower(filepath.Ext(d.path))
		for _, f := range files {
			if ext := strings.ToLower(filepath.Ext(f.Name)); slices.Contains(rawExts, ext) && ext != want {
				return invalidf("--out %q: the job's file %s is a %s file; write FILE%s, or rows (.csv, .jsonl, .json)", d.path, f.Name, ext, ext)
			}
		}
		for i, f := range files {
			rc, prog, err := open(f)
			if errors.Is(err, provider.ErrUnsupported) {
				return a.notDownloadable(st, files)
			}
			if err != nil {
				return err
			}
			name := numbered(d.path, i)
			err = writeRaw(name, prog.reader(rc))
			rc.Close()
			if err != nil {
				return err
			}
			prog.done(name)
			r.Written = append(r.Written, name)
		}
		return nil
	}
	return a.writeRows(d, r, func(c *rowCopier) error {
		c.files = len(files)
		for _, f := range files {
			rc, prog, err := open(f)
			if errors.Is(err, provider.ErrUnsupported) {
				return a.notDownloadable(st, files)
			}
			if err != nil {
				return err
			}
			src, err := openRows(keepColumns(prog.reader(rc), rc), plan)
			if err != nil {
				rc.Close()
				return err
			}
			err = c.copy(src)
			src.Close()
			rc.Close()
			if err != nil {
				return err
			}
			prog.done(firstNonEmpty(f.Name, f.ID, "file"))
		}
		return nil
	})
}

// writeRows opens d for rows, lets fill copy into it, and commits the file
// only when fill succeeds.
func (a *app) writeRows(d *dest, r *statusResult, fill func(*rowCopier) error) error {
	if d.path == "-" {
		c := &rowCopier{w: newRowWriter(d.format, a.stdout)}
		err := fill(c)
		if cerr := c.w.close(); err == nil {
			err = cerr
		}
		r.Rows = &c.rows
		return err
	}
	f, err := createAtomic(d.path)
	if err != nil {
		return err
	}
	c := &rowCopier{w: newRowWriter(d.format, f)}
	err = fill(c)
	if cerr := c.w.close(); err == nil {
		err = cerr
	}
	if err != nil {
		f.abort()
		return err
	}
	if err := f.commit(); err != nil {
		return err
	}
	r.Written = append(r.Written, d.path)
	r.Rows = &c.rows
	return nil
}

// notDownloadable explains files that live outside the vendor's download
// (CVM images written to the user's own bucket).
func (a *app) notDownloadable(st export.Status, files []export.File) error {
	var where []string
	for _, f := range files {
		where = append(where, firstNonEmpty(f.Path, f.URL, f.Name, f.ID))
	}
	return &provider.Error{Code: provider.Unsupported, Provider: st.Job.Provider,
		Message: fmt.Sprintf("%s results cannot be downloaded by this tool; they are at %s (drop --out)", st.Job.Kind, strings.Join(where, ", "))}
}

// numbered returns name for the first file and name-N.ext for the N-th.
func numbered(name string, i int) string {
	if i == 0 {
		return name
	}
	ext := filepath.Ext(name)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(name, ext), i+1, ext)
}

func writeRaw(name string, r io.Reader) error {
	f, err := createAtomic(name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.abort()
		return err
	}
	return f.commit()
}

// exactArgs requires n positional arguments, named in the message.
func exactArgs(n int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s: want %d argument(s) (%s), got %d", cmd.CommandPath(), n, strings.Join(names, " "), len(args))
		}
		return nil
	}
}
