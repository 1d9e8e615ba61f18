package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/cloudexport/cloudexport/export"
)

// jobProgress shows a job's progress on stderr: a bar on a terminal, a line
// per change otherwise, nothing under --quiet.
type jobProgress struct {
	a    *app
	bar  *progressbar.ProgressBar
	last string // the last plain line, so repeats are not printed
}

func (a *app) jobProgress(job export.Job) *jobProgress {
	p := &jobProgress{a: a}
	if a.terminal && !a.quiet {
		p.bar = progressbar.NewOptions(100,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription(fmt.Sprintf("%s job %s", job.Kind, job.ID)),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	return p
}

// update shows one polled status.
func (p *jobProgress) update(st export.Status) {
	if p.a.quiet {
		return
	}
	if p.bar != nil {
		if st.Progress >= 0 {
			_ = p.bar.Set(int(st.Progress * 100))
		} else if st.State == export.StateSucceeded {
			_ = p.bar.Set(100)
		}
		if st.Done() {
			_ = p.bar.Finish()
			fmt.Fprintln(p.a.stderr)
		}
		return
	}
	line := fmt.Sprintf("job %s: %s", st.Job.ID, st.State)
	if st.Progress >= 0 {
		line += fmt.Sprintf(" %3.0f%%", st.Progress*100)
	}
	if line != p.last {
		fmt.Fprintln(p.a.stderr, line)
		p.last = line
	}
}

// downloadProgress wraps r so reading it shows bytes on a terminal bar; off
// a terminal a single line is printed when done (see done).
type downloadProgress struct {
	a   *app
	bar *progressbar.ProgressBar
	n   int64
}

func (a *app) downloadProgress(name string) *downloadProgress {
	d := &downloadProgress{a: a}
	if a.terminal && !a.quiet {
		d.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetDescription("downloading "+name),
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(10),
			progressbar.OptionThrottle(65*time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionFullWidth(),
		)
	}
	return d
}

func (d *downloadProgress) reader(r io.Reader) io.Reader {
	return &countingReader{r: r, d: d}
}

type countingReader struct {
	r io.Reader
	d *downloadProgress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.d.n += int64(n)
	if c.d.bar != nil {
		_ = c.d.bar.Add(n)
	}
	return n, err
}

func (d *downloadProgress) done(name string) {
	if d.bar != nil {
		_ = d.bar.Finish()
		fmt.Fprintln(d.a.stderr)
		return
	}
	d.a.note("downloaded %s (%d bytes)", name, d.n)
}
