// Package rows reads downloaded result files as rows, one row's memory at a
// time, with the header mapped to neutral column keys.
//
// It is a package of its own so that importing an adapter (tencent, huawei)
// compiles no spreadsheet code; rows itself depends only on the standard
// library and the module's export package.
//
// # Reading
//
// A Reader works like database/sql.Rows or encoding/csv.Reader: Next in a
// loop, Row (and Header) for the current row, Err once at the end.
//
//	r, err := rows.NewReader(rc, &rows.Options{Columns: req.Columns})
//	if err != nil { … }
//	defer r.Close()
//	for r.Next() {
//		fmt.Println(r.Header(), r.Row())
//	}
//	if err := r.Err(); err != nil { … }
//
// All is the same loop as an iter.Seq2, and ReadAll reads a small file
// whole.
//
// # Formats
//
// The format is sniffed from the bytes unless Options.Format names it:
//
//   - xlsx: the first worksheet in workbook order. Cells are read from
//     shared strings, inline strings, numbers (as written in the file),
//     booleans ("true", "false"), formula results and error values. Numbers
//     whose cell format is a date (built-in formats 14-22, 27-36, 45-47,
//     50-58, or a custom format with date or time tokens) are rendered as
//     2006-01-02 (dates), 15:04:05 (times) or RFC 3339 in UTC (date and time;
//     the workbook holds no zone). Rows with no non-empty cell are skipped; a
//     missing cell reads as "".
//   - csv: RFC 4180, a leading byte-order mark dropped, CRLF read as LF,
//     quotes read leniently, blank lines skipped.
//   - json: an array of objects; an object holding an array of objects (an
//     envelope such as {"total": 2, "items": [...]}; the first such array
//     gives the rows, other members are ignored); or any other object, which
//     is one row. The header is the keys in the order first seen, widened when
//     a later object brings a new key. Cells are the string, the number as
//     written, true or false, "" for null, and compact JSON for nested values.
//   - jsonl: one object per line, one row each.
//   - zip: an archive of the above (the vendors send zips: ROMA asset
//     archives hold a csv manifest and JSON files); its .csv, .json, .jsonl,
//     .ndjson and .xlsx members are read in archive order, others skipped.
//     Member says which member a row came from, and HeaderChanged is true at
//     the first row of each.
//
// # Column keys
//
// A header cell equal, after trimming spaces and ignoring case, to the Header
// or the Key of one of Options.Columns is reported as that Key; other titles
// are reported as written. When the reader passed to NewReader implements
// Describer (the adapters' downloads do), its columns are used too, the
// caller's winning when both name a title.
//
// # Memory and limits
//
// Memory does not grow with the file. An xlsx shared-string table, which any
// cell may refer to, is kept whole: its first 2 MiB in memory (the strings
// sheets repeat most, as writers number them by first use) and the rest in a
// temp file read back through a small cache. A zip that does not arrive as
// a file (an *os.File, or an io.ReaderAt with io.Seeker) is spooled to a
// temp file, and so is an .xlsx member of a zip. Temp files go to
// Options.TempDir and Close removes them.
//
// Every other cost is bounded by Limits, with safe defaults: decompressed
// bytes (the zip-bomb guard), archive members, rows, bytes per cell, columns,
// and nesting depth. One row holds at most MaxColumns cells of MaxCell bytes.
// A file over a limit ends the reading with an error for which errors.Is(err,
// provider.ErrResourceExhausted) holds and which wraps a *LimitError naming
// the Limits field to raise. A malformed file gives provider.ErrInvalidArgument.
//
// # Why a small xlsx reader and not excelize
//
// The xlsx path is a small reader on archive/zip and encoding/xml rather than
// excelize's stream reader (File.Rows), chosen on measurement (go test
// ./rows -bench . -benchtime 1x; 6 columns, files written by excelize's
// stream writer; figures in the README):
//
//   - memory: excelize's OpenReader and OpenFile read the whole file into
//     memory and hold the whole shared-string table, so peak heap grows
//     with the file (10.5, 7.9 and 82.4 MiB at 10k, 100k and 1M rows);
//     this reader stays at 3.8, 5.1 and 4.9 MiB;
//   - speed: this reader is about twice as fast (86k, 62k and 71k rows/s
//     against 37k, 35k and 34k rows/s);
//   - limits: excelize offers no bound on decompressed bytes, cell size or
//     nesting, which a downloaded file must have;
//   - build: excelize and its dependencies no longer compile into programs
//     that read rows (it stays a test dependency, to write real workbooks).
package rows
