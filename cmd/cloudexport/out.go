package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Output formats of --out.
const (
	formatCSV   = "csv"
	formatJSONL = "jsonl"
	formatJSON  = "json"
	formatRaw   = "raw" // the vendor's original file (.xlsx, .zip)
)

// rowExts and rawExts are the extensions --out understands.
var (
	rowExts = map[string]string{".csv": formatCSV, ".jsonl": formatJSONL, ".ndjson": formatJSONL, ".json": formatJSON}
	rawExts = []string{".xlsx", ".zip"}
)

// dest is a checked --out destination.
type dest struct {
	path   string // "-" for stdout
	format string
	force  bool
}

// rows reports whether the destination takes rows rather than the vendor's file.
func (d *dest) rows() bool { return d != nil && d.format != formatRaw }

// checkDest checks an --out value before anything is created: a known
// extension, an existing writable directory, and no file to clobber unless
// force. flag names the flag in messages. An unknown extension is a usage
// error (exit 2); what the file system refuses is an invalid argument
// (exit 3).
func checkDest(path string, force bool, flag string) (*dest, error) {
	if path == "" {
		return nil, nil
	}
	if path == "-" {
		return &dest{path: "-", format: formatCSV}, nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	d := &dest{path: path, force: force}
	switch {
	case rowExts[ext] != "":
		d.format = rowExts[ext]
	case slices.Contains(rawExts, ext):
		d.format = formatRaw
	default:
		return nil, usagef("%s %q: unknown extension %q; want .csv, .jsonl or .json for rows, .xlsx or .zip for the vendor's file, or - for csv on stdout", flag, path, ext)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		return nil, invalidf("%s %q: directory %s does not exist; create it or write elsewhere", flag, path, dir)
	} else if !fi.IsDir() {
		return nil, invalidf("%s %q: %s is not a directory", flag, path, dir)
	}
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, invalidf("%s %q: is a directory; give a file name", flag, path)
		}
		if !force {
			return nil, invalidf("%s %q: the file exists; add --force to overwrite it", flag, path)
		}
	}
	probe, err := os.CreateTemp(dir, ".cloudexport-probe-*")
	if err != nil {
		return nil, invalidf("%s %q: cannot write in directory %s: %v", flag, path, dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return d, nil
}

// atomicFile writes to a temporary file beside the destination and renames
// it into place on commit, so a failed or interrupted download leaves no
// partial file behind.
type atomicFile struct {
	*os.File
	dest string
}

func createAtomic(dest string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".part-*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{File: f, dest: dest}, nil
}

func (f *atomicFile) commit() error {
	if err := f.File.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), f.dest); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

func (f *atomicFile) abort() {
	f.File.Close()
	os.Remove(f.Name())
}

// rowWriter writes rows in one format, one row at a time.
type rowWriter interface {
	header(h []string) error
	row(r []string) error
	close() error // ends the document and flushes
}

func newRowWriter(format string, w io.Writer) rowWriter {
	switch format {
	case formatJSONL:
		return &jsonWriter{w: bufio.NewWriter(w), lines: true}
	case formatJSON:
		return &jsonWriter{w: bufio.NewWriter(w)}
	}
	return &csvWriter{w: csv.NewWriter(w)}
}

type csvWriter struct{ w *csv.Writer }

func (c *csvWriter) header(h []string) error { return c.w.Write(h) }
func (c *csvWriter) row(r []string) error    { return c.w.Write(r) }
func (c *csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes one object per row keyed by the header, in header order:
// one per line (jsonl) or as one array (json).
type jsonWriter struct {
	w     *bufio.Writer
	lines bool
	keys  [][]byte // the header, JSON-encoded
	n     int
	buf   bytes.Buffer
}

func (j *jsonWriter) header(h []string) error {
	first := j.keys == nil
	j.keys = make([][]byte, len(h))
	for i, k := range h {
		j.keys[i], _ = json.Marshal(k)
	}
	if !j.lines && first {
		_, err := j.w.WriteString("[")
		return err
	}
	return nil
}

func (j *jsonWriter) row(r []string) error {
	j.buf.Reset()
	if !j.lines {
		if j.n > 0 {
			j.buf.WriteByte(',')
		}
		j.buf.WriteString("\n  ")
	}
	j.buf.WriteByte('{')
	for i, k := range j.keys {
		if i > 0 {
			j.buf.WriteByte(',')
		}
		j.buf.Write(k)
		j.buf.WriteByte(':')
		v := ""
		if i < len(r) {
			v = r[i]
		}
		b, _ := json.Marshal(v)
		j.buf.Write(b)
	}
	j.buf.WriteByte('}')
	if j.lines {
		j.buf.WriteByte('\n')
	}
	j.n++
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

func (j *jsonWriter) close() error {
	if !j.lines {
		if j.keys == nil {
			j.w.WriteString("[")
		}
		if j.n > 0 {
			j.w.WriteString("\n")
		}
		j.w.WriteString("]\n")
	}
	return j.w.Flush()
}

// rowCopier streams every row of its sources into w; the header is written
// once. A later file or member whose header differs keys its own objects
// in JSON and JSON Lines, and is refused in csv, which has one header.
type rowCopier struct {
	w      rowWriter
	header []string
	rows   int
	files  int // the job's files being copied (0 for a file on disk)
}

func (c *rowCopier) copy(src rowSource) error {
	seen := false
	for src.Next() {
		if !seen || src.HeaderChanged() {
			if err := c.setHeader(src.Header()); err != nil {
				return err
			}
			seen = true
		}
		if err := c.w.row(src.Row()); err != nil {
			return err
		}
		c.rows++
	}
	if err := src.Err(); err != nil {
		return err
	}
	if !seen { // a header and no rows: still write the columns
		return c.setHeader(src.Header())
	}
	return nil
}

// setHeader writes the header once. A later header that differs (another
// file of the job, or another member of a zip such as a ROMA archive) is
// taken by the JSON writers and refused by csv.
func (c *rowCopier) setHeader(h []string) error {
	if c.header == nil {
		c.header = slices.Clone(h)
		return c.w.header(c.header)
	}
	if slices.Equal(c.header, h) {
		return nil
	}
	if _, ok := c.w.(*jsonWriter); ok {
		c.header = slices.Clone(h)
		return c.w.header(c.header)
	}
	alt := "JSON Lines (.jsonl) or JSON, or the original file (.xlsx or .zip)"
	if c.files > 1 {
		alt = "JSON Lines (.jsonl) or JSON, the original files (.xlsx or .zip), or one file at a time with 'cloudexport download TOKEN --file N'"
	}
	return invalidf("--out: csv has one header, but the rows change columns (%s, then %s); write %s", strings.Join(c.header, ","), strings.Join(h, ","), alt)
}
