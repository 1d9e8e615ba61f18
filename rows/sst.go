package rows

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
	"os"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// sstMemory is how much of a shared-string table is held in memory: its
// first strings, which are the ones a sheet repeats most (writers number
// strings by first use). The rest is spooled to a temp file.
const sstMemory = 2 << 20

// sst is a shared-string table. Its first strings are held in memory, back
// to back with the offset where each ends; once they fill sstMemory the
// others go to a temp file, with their end offsets in a second one, read
// back through one cached block of each.
type sst struct {
	max  int64 // Limits.MaxSharedStrings
	used int64 // bytes of strings plus index, memory and disk
	dir  string

	data []byte
	ends []uint32

	df, xf   *os.File
	dw, xw   *bufio.Writer
	dsize    int64 // bytes of strings on disk
	spilled  int   // strings on disk
	dblock   []byte
	dblockAt int64
	xblock   []byte
	xblockAt int // index of the block's first entry
}

const (
	sstDataBlock  = 64 << 10
	sstIndexBlock = 512 // entries of 8 bytes
)

func newSST(max int64, dir string) *sst {
	return &sst{max: max, dir: dir, dblockAt: -1, xblockAt: -1}
}

func (s *sst) add(b []byte) error {
	if s.df == nil && len(s.data)+len(b)+4*(len(s.ends)+1) <= sstMemory {
		s.used += int64(len(b)) + 4
		if s.used > s.max {
			return limitErr("MaxSharedStrings", s.max)
		}
		s.data = append(growCapped(s.data, len(s.data)+len(b), sstMemory), b...)
		s.ends = append(growCapped(s.ends, len(s.ends)+1, sstMemory/4), uint32(len(s.data)))
		return nil
	}
	s.used += int64(len(b)) + 8
	if s.used > s.max {
		return limitErr("MaxSharedStrings", s.max)
	}
	if s.df == nil {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if _, err := s.dw.Write(b); err != nil {
		return s.ioErr(err)
	}
	s.dsize += int64(len(b))
	var e [8]byte
	binary.LittleEndian.PutUint64(e[:], uint64(s.dsize))
	if _, err := s.xw.Write(e[:]); err != nil {
		return s.ioErr(err)
	}
	s.spilled++
	return nil
}

// growCapped returns s with room for need elements, doubling its capacity
// but never past limit (unless need is larger), so the in-memory part of a
// table never holds twice sstMemory.
func growCapped[T any](s []T, need, limit int) []T {
	if need <= cap(s) {
		return s
	}
	ns := make([]T, len(s), max(need, min(2*cap(s)+64, limit)))
	copy(ns, s)
	return ns
}

func (s *sst) spill() error {
	var err error
	if s.df, err = os.CreateTemp(s.dir, "cloudexport-sst-*"); err != nil {
		return s.ioErr(err)
	}
	if s.xf, err = os.CreateTemp(s.dir, "cloudexport-sst-index-*"); err != nil {
		return s.ioErr(err)
	}
	s.dw, s.xw = bufio.NewWriterSize(s.df, 32<<10), bufio.NewWriterSize(s.xf, 8<<10)
	return nil
}

func (s *sst) ioErr(err error) error {
	return &errs.Error{Code: errs.Unavailable, Message: "result file: spool the xlsx shared strings to a temp file (set Options.TempDir)", Err: err}
}

// done ends adding.
func (s *sst) done() error {
	if s.df == nil {
		return nil
	}
	if err := s.dw.Flush(); err != nil {
		return s.ioErr(err)
	}
	if err := s.xw.Flush(); err != nil {
		return s.ioErr(err)
	}
	s.dw, s.xw = nil, nil
	return nil
}

// len returns the number of strings.
func (s *sst) len() int { return len(s.ends) + s.spilled }

// get returns string i; ok is false when there is none.
func (s *sst) get(i int) (string, bool, error) {
	if i < 0 || i >= s.len() {
		return "", false, nil
	}
	if i < len(s.ends) {
		start := uint32(0)
		if i > 0 {
			start = s.ends[i-1]
		}
		return string(s.data[start:s.ends[i]]), true, nil
	}
	j := i - len(s.ends)
	end, err := s.end(j)
	if err != nil {
		return "", false, err
	}
	start := int64(0)
	if j > 0 {
		if start, err = s.end(j - 1); err != nil {
			return "", false, err
		}
	}
	if start < 0 || end < start || end > s.dsize {
		return "", false, nil
	}
	if n := end - start; n > sstDataBlock {
		buf := make([]byte, n)
		if _, err := s.df.ReadAt(buf, start); err != nil {
			return "", false, s.ioErr(err)
		}
		return string(buf), true, nil
	}
	if s.dblockAt < 0 || start < s.dblockAt || end > s.dblockAt+int64(len(s.dblock)) {
		n := min(int64(sstDataBlock), s.dsize-start)
		s.dblock = append(s.dblock[:0], make([]byte, n)...)
		if _, err := s.df.ReadAt(s.dblock, start); err != nil && err != io.EOF {
			return "", false, s.ioErr(err)
		}
		s.dblockAt = start
	}
	return string(s.dblock[start-s.dblockAt : end-s.dblockAt]), true, nil
}

// end returns where spilled string j ends.
func (s *sst) end(j int) (int64, error) {
	if s.xblockAt < 0 || j < s.xblockAt || j >= s.xblockAt+len(s.xblock)/8 {
		first := j - j%sstIndexBlock
		n := min(sstIndexBlock, s.spilled-first)
		s.xblock = append(s.xblock[:0], make([]byte, 8*n)...)
		if _, err := s.xf.ReadAt(s.xblock, int64(first)*8); err != nil && err != io.EOF {
			return 0, s.ioErr(err)
		}
		s.xblockAt = first
	}
	v := binary.LittleEndian.Uint64(s.xblock[8*(j-s.xblockAt):])
	if v > math.MaxInt64 {
		return -1, nil
	}
	return int64(v), nil
}

// close removes the temp files.
func (s *sst) close() error {
	var first error
	for _, f := range []*os.File{s.df, s.xf} {
		if f == nil {
			continue
		}
		f.Close()
		if err := os.Remove(f.Name()); err != nil && first == nil {
			first = err
		}
	}
	s.df, s.xf = nil, nil
	return first
}
