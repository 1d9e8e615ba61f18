package rows_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/cloudexport/cloudexport/rows"
)

// countingReaderAt is a bytes.Reader that counts the bytes read through
// ReadAt, so a test can see how much of an archive was looked at.
type countingReaderAt struct {
	*bytes.Reader
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.Reader.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// TestZipDirectoryCountWraps builds an archive of 65,537 members whose
// end-of-directory record declares 1 (the count is 16 bits, and
// archive/zip compares only those): the reader must refuse it for
// MaxMembers without reading (and so holding) the whole directory.
func TestZipDirectoryCountWraps(t *testing.T) {
	const members = 1<<16 + 1
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range members {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%05x", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// zip.Writer ends with a zip64 record (56 bytes), its locator (20) and
	// the classic record (22) saying 0xffff; keep the directory and end it
	// with a classic record that declares one entry of 64 bytes.
	eocd := b[len(b)-22:]
	z64 := b[len(b)-22-20-56:]
	if string(z64[:4]) != "PK\x06\x06" || string(eocd[:4]) != "PK\x05\x06" {
		t.Fatal("unexpected zip.Writer layout")
	}
	dirOff := binary.LittleEndian.Uint64(z64[48:])
	out := bytes.Clone(b[:len(b)-22-20-56])
	end := make([]byte, 22)
	copy(end, "PK\x05\x06")
	binary.LittleEndian.PutUint16(end[8:], 1)
	binary.LittleEndian.PutUint16(end[10:], 1)
	binary.LittleEndian.PutUint32(end[12:], 64)
	binary.LittleEndian.PutUint32(end[16:], uint32(dirOff))
	out = append(out, end...)
	if zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out))); err != nil || len(zr.File) != members {
		t.Fatalf("the crafted archive does not fool archive/zip (%v)", err)
	}

	ra := &countingReaderAt{Reader: bytes.NewReader(out)}
	_, err := rows.NewReader(ra, &rows.Options{Limits: rows.Limits{MaxMembers: 10}, TempDir: t.TempDir()})
	var le *rows.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxMembers" {
		t.Fatalf("err = %v, want a LimitError for MaxMembers", err)
	}
	// The directory is about 3.5 MB; 10 members may take 40 KiB of it, and
	// finding its end reads at most 66 KiB more.
	if ra.n > 1<<20 {
		t.Errorf("read %d bytes of a %d-byte archive to refuse it: the directory was read past MaxMembers", ra.n, len(out))
	}
}
