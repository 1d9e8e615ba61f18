package rows

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"path"
	"strings"
)

// zipSource yields the tables of a zip archive: its first worksheet when
// the archive is an .xlsx workbook, else one table per .csv, .json, .jsonl,
// .ndjson or .xlsx member, in the archive's order (other members are
// skipped).
type zipSource struct {
	rd    *Reader
	files []*zip.File
	i     int
	found bool
	book  *zip.Reader // set when the archive is itself a workbook
}

// memberFormats maps a member's extension to its format.
var memberFormats = map[string]string{
	".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx",
}

func openZip(ra io.ReaderAt, size int64, format string, rd *Reader) (source, error) {
	zr, err := newZip(ra, size, rd.lim)
	if err != nil {
		return nil, err
	}
	if isWorkbook(zr) {
		return &zipSource{rd: rd, book: zr}, nil
	}
	if format == "xlsx" {
		return nil, invalid("Options.Format is xlsx, but the file is a zip archive without a workbook")
	}
	return &zipSource{rd: rd, files: zr.File}, nil
}

// newZip opens a zip archive once its member count is known to be within
// MaxMembers: archive/zip holds every directory entry in memory, so the count
// is read from the end-of-directory record first.
func newZip(ra io.ReaderAt, size int64, lim Limits) (*zip.Reader, error) {
	n, dir, err := zipEntries(ra, size)
	if err != nil {
		return nil, err
	}
	// Each entry of the directory may carry 192 KiB of name, extra field
	// and comment; real ones take about 100 bytes.
	if n > uint64(lim.MaxMembers) || dir > uint64(lim.MaxMembers)*maxEntryBytes {
		return nil, limitErr("MaxMembers", int64(lim.MaxMembers))
	}
	// The declared count is only 16 bits and archive/zip reads entries until
	// one is malformed, so an archive declaring a few may hold 65,536 more:
	// cap what reading the directory may read, then lift the cap for the
	// members.
	capped := &dirCap{r: ra, left: int64(lim.MaxMembers)*maxEntryBytes + dirSlack}
	zr, err := zip.NewReader(capped, size)
	capped.left = -1
	if errors.Is(err, errDirCap) {
		return nil, limitErr("MaxMembers", int64(lim.MaxMembers))
	}
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, wrapInvalid(err, "broken zip or xlsx")
	}
	if len(zr.File) > lim.MaxMembers {
		return nil, limitErr("MaxMembers", int64(lim.MaxMembers))
	}
	return zr, nil
}

// maxEntryBytes is the room allowed per member in a zip's central
// directory.
const maxEntryBytes = 4 << 10

// dirSlack is what opening an archive reads besides its directory: the
// search for the end record (at most 66 KiB), the zip64 records and one
// buffer of read-ahead.
const dirSlack = 128 << 10

var errDirCap = errors.New("zip directory larger than MaxMembers allows")

// dirCap is the io.ReaderAt zip.NewReader reads through: it fails once left
// bytes have been read, until left is set to -1 (no cap).
type dirCap struct {
	r    io.ReaderAt
	left int64
}

func (d *dirCap) ReadAt(p []byte, off int64) (int, error) {
	if d.left < 0 {
		return d.r.ReadAt(p, off)
	}
	short := int64(len(p)) > d.left
	if short {
		p = p[:d.left]
	}
	n, err := d.r.ReadAt(p, off)
	d.left -= int64(n)
	if short && err == nil {
		err = errDirCap
	}
	return n, err
}

// zipEntries returns the entry count and directory size the
// end-of-central-directory record (or its zip64 form) declares.
func zipEntries(ra io.ReaderAt, size int64) (entries, dirSize uint64, err error) {
	const eocdLen, maxComment = 22, 0xffff
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, 0, wrapInvalid(err, "read zip directory")
	}
	i := strings.LastIndex(string(buf), "PK\x05\x06")
	if i < 0 || len(buf)-i < eocdLen {
		return 0, 0, invalid("broken zip or xlsx: no end of central directory")
	}
	n := uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	dir := uint64(binary.LittleEndian.Uint32(buf[i+12:]))
	if n != 0xffff && dir != 0xffffffff {
		return n, dir, nil
	}
	// zip64: the locator sits just before the record and points at the
	// zip64 record, whose entry count is at offset 32.
	loc := size - tail + int64(i) - 20
	if loc < 0 {
		return n, dir, nil
	}
	lb := make([]byte, 20)
	if _, err := ra.ReadAt(lb, loc); err != nil || string(lb[:4]) != "PK\x06\x07" {
		return n, dir, nil
	}
	off := int64(binary.LittleEndian.Uint64(lb[8:]))
	rb := make([]byte, 48)
	if off < 0 || off > size-48 {
		return 0, 0, invalid("broken zip: bad zip64 directory")
	}
	if _, err := ra.ReadAt(rb, off); err != nil || string(rb[:4]) != "PK\x06\x06" {
		return 0, 0, invalid("broken zip: bad zip64 directory")
	}
	return binary.LittleEndian.Uint64(rb[32:]), binary.LittleEndian.Uint64(rb[40:]), nil
}

func isWorkbook(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, "xl/workbook.xml") || strings.EqualFold(f.Name, "[Content_Types].xml") {
			return true
		}
	}
	return false
}

func (z *zipSource) nextTable() (table, string, error) {
	if z.book != nil {
		if z.found {
			return nil, "", io.EOF
		}
		z.found = true
		t, sheet, err := openXLSX(z.book, z.rd, nil)
		return t, sheet, err
	}
	for ; z.i < len(z.files); z.i++ {
		f := z.files[z.i]
		format, ok := memberFormats[strings.ToLower(path.Ext(f.Name))]
		if !ok || strings.HasSuffix(f.Name, "/") {
			continue
		}
		z.i++
		z.found = true
		if f.UncompressedSize64 > uint64(z.rd.budget.max-z.rd.budget.used) {
			return nil, "", limitErr("MaxBytes", z.rd.budget.max)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, "", wrapInvalid(err, "open member %s", quoteName(f.Name))
		}
		r := &countReader{r: rc, b: z.rd.budget, member: f.Name}
		if format != "xlsx" {
			t, err := openStream(format, r, z.rd)
			if err != nil {
				rc.Close()
				return nil, "", err
			}
			name := f.Name
			return withClose(t, func() error {
				if err := rc.Close(); err != nil {
					return wrapInvalid(err, "corrupt member %s", quoteName(name))
				}
				return nil
			}), f.Name, nil
		}
		sp, n, cleanup, err := z.rd.spoolMember(r)
		rc.Close()
		if err != nil {
			return nil, "", err
		}
		book, err := newZip(sp, n, z.rd.lim)
		if err != nil {
			cleanup()
			return nil, "", err
		}
		t, sheet, err := openXLSX(book, z.rd, cleanup)
		if err != nil {
			cleanup()
			return nil, "", err
		}
		return t, f.Name + "/" + sheet, nil
	}
	if !z.found {
		return nil, "", invalid("the zip archive holds no .csv, .json, .jsonl, .ndjson or .xlsx member")
	}
	return nil, "", io.EOF
}

// withClose makes closing t also call c.
func withClose(t table, c func() error) table { return &closing{table: t, c: c} }

type closing struct {
	table
	c func() error
}

func (c *closing) close() error {
	err := c.table.close()
	if cerr := c.c(); err == nil {
		err = cerr
	}
	return err
}

// openStream returns the table of a csv, JSON or JSON Lines stream.
func openStream(format string, r io.Reader, rd *Reader) (table, error) {
	switch format {
	case "csv":
		return newCSV(r, rd.lim), nil
	case "json", "jsonl":
		br := bufio.NewReader(r)
		if b, err := br.Peek(len(bom)); err == nil && string(b) == string(bom) {
			br.Discard(len(bom))
		}
		return newJSON(br, rd.lim, format == "jsonl"), nil
	}
	return nil, invalid("Options.Format %q needs random access", format)
}
