package rows_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cloudexport/cloudexport/rows"
)

// The benchmarks read files of 10k, 100k and 1M rows of six component
// columns and report rows/s and the peak heap seen while reading. Run them
// for the record with:
//
//	go test ./rows -run '^$' -bench . -benchtime 1x
//
// (each size is generated once per benchmark run, before the timer starts).

var benchSizes = []struct {
	name string
	n    int
}{{"10k", 10_000}, {"100k", 100_000}, {"1M", 1_000_000}}

func benchRow(i int) []string {
	return []string{
		"component-" + strconv.Itoa(i%5000),
		fmt.Sprintf("1.%d.%d", i%17, i%101),
		"/usr/lib/x86_64-linux-gnu/lib" + strconv.Itoa(i) + ".so",
		"deb",
		strconv.Itoa(i % 13),
		"sha256:4c2f0f7d3a" + strconv.Itoa(i%97),
	}
}

var benchHeader = []string{"Component", "Version", "Path", "Type", "Vulnerabilities", "Image ID"}

// writeBenchXLSX writes n rows with excelize's stream writer (inline
// strings, as excelize writes them).
func writeBenchXLSX(tb testing.TB, path string, n int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	row := make([]any, len(benchHeader))
	put := func(i int, vals []string) {
		for j, v := range vals {
			row[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	put(1, benchHeader)
	for i := 0; i < n; i++ {
		put(i+2, benchRow(i))
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}

// writeBenchSST writes n rows as a workbook with a shared-string table, the
// layout Excel and the vendors write.
func writeBenchSST(tb testing.TB, path string, n int) {
	out, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	i := -1
	err = writeSSTWorkbook(out, benchHeader, func() []string {
		i++
		if i >= n {
			return nil
		}
		return benchRow(i)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func writeBenchCSV(tb testing.TB, path string, n int) {
	out, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	w := csv.NewWriter(out)
	w.Write(benchHeader)
	for i := 0; i < n; i++ {
		w.Write(benchRow(i))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
}

// peakHeap samples the live heap until stop is called, which returns the
// largest value seen in MiB.
func peakHeap() (stop func() float64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	read := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() float64 {
		read()
		close(done)
		wg.Wait()
		return float64(peak.Load()) / (1 << 20)
	}
}

func benchFiles(b *testing.B, write func(testing.TB, string, int), ext string, read func(b *testing.B, path string) int) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench."+ext)
			write(b, path, s.n)
			st, _ := os.Stat(path)
			b.SetBytes(st.Size())
			stop := peakHeap()
			b.ResetTimer()
			for range b.N {
				if got := read(b, path); got != s.n {
					b.Fatalf("read %d rows, want %d", got, s.n)
				}
			}
			b.StopTimer()
			b.ReportMetric(stop(), "peak-heap-MiB")
			b.ReportMetric(float64(s.n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func readWithRows(b *testing.B, path string) int {
	r, err := rows.Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		n++
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkReadXLSX reads workbooks written by excelize's stream writer.
func BenchmarkReadXLSX(b *testing.B) { benchFiles(b, writeBenchXLSX, "xlsx", readWithRows) }

// BenchmarkReadXLSXSharedStrings reads workbooks whose strings are shared.
func BenchmarkReadXLSXSharedStrings(b *testing.B) {
	benchFiles(b, writeBenchSST, "xlsx", readWithRows)
}

// BenchmarkReadCSV reads csv files written by encoding/csv.
func BenchmarkReadCSV(b *testing.B) { benchFiles(b, writeBenchCSV, "csv", readWithRows) }

// BenchmarkExcelizeRows is the alternative measured for the xlsx path:
// excelize's own stream reader, Rows(), over the same workbooks.
func BenchmarkExcelizeRows(b *testing.B) {
	benchFiles(b, writeBenchXLSX, "xlsx", func(b *testing.B, path string) int {
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		rs, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		defer rs.Close()
		n := -1 // the header
		for rs.Next() {
			if _, err := rs.Columns(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := rs.Error(); err != nil {
			b.Fatal(err)
		}
		return n
	})
}
