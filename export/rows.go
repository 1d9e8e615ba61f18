package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// Sheet is one table of a result file: a worksheet of a workbook, a CSV file,
// or a JSON file of an archive.
type Sheet struct {
	Name   string     // the worksheet name, or the archive member's path
	Header []string   // the first row
	Rows   [][]string // the rows after the header, each as long as Header
}

// MaxResultSize bounds what the readers load: result files are read into
// memory (a workbook needs random access), so a larger input is rejected.
const MaxResultSize = 512 << 20

// ReadSheets reads a downloaded result file into tables. It recognises, by
// content rather than name:
//
//   - an .xlsx workbook (TCSS and HSS exports): one Sheet per worksheet;
//   - a .zip archive (ROMA asset archives): one Sheet per .xlsx worksheet,
//     .csv file, or .json file (an array of objects, or one object) inside it,
//     named by the member's path;
//   - anything else is read as CSV.
//
// Short rows are padded to the header's width. It fails with an
// InvalidArgument error if the input is not a result file it can read.
func ReadSheets(r io.Reader) ([]Sheet, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResultSize+1))
	if err != nil {
		return nil, &errs.Error{Code: errs.Unavailable, Message: "read result file", Err: err}
	}
	if len(data) > MaxResultSize {
		return nil, errs.Invalid("result file: larger than %d bytes", MaxResultSize)
	}
	return readSheets("", data)
}

// ReadRows reads the first table of a result file (see ReadSheets) and
// returns its header and rows.
func ReadRows(r io.Reader) (header []string, rows [][]string, err error) {
	sheets, err := ReadSheets(r)
	if err != nil {
		return nil, nil, err
	}
	if len(sheets) == 0 || len(sheets[0].Header) == 0 {
		return nil, nil, errs.Invalid("result file: holds no table")
	}
	return sheets[0].Header, sheets[0].Rows, nil
}

func readSheets(name string, data []byte) ([]Sheet, error) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if name != "" && strings.EqualFold(path.Ext(name), ".json") {
			return readJSON(name, data)
		}
		s, err := readCSV(name, data)
		if err != nil {
			return nil, err
		}
		return []Sheet{s}, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &errs.Error{Code: errs.InvalidArgument, Message: "result file: broken zip or xlsx", Err: err}
	}
	for _, f := range zr.File {
		if f.Name == "xl/workbook.xml" {
			return readXLSX(name, data)
		}
	}
	var out []Sheet
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		switch strings.ToLower(path.Ext(f.Name)) {
		case ".xlsx", ".csv", ".json":
		default:
			continue
		}
		if f.UncompressedSize64 > MaxResultSize {
			return nil, errs.Invalid("result file: member %s is larger than %d bytes", f.Name, MaxResultSize)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &errs.Error{Code: errs.InvalidArgument, Message: "result file: open " + f.Name, Err: err}
		}
		b, err := io.ReadAll(io.LimitReader(rc, MaxResultSize+1))
		rc.Close()
		if err != nil {
			return nil, &errs.Error{Code: errs.InvalidArgument, Message: "result file: read " + f.Name, Err: err}
		}
		sheets, err := readSheets(f.Name, b)
		if err != nil {
			return nil, err
		}
		out = append(out, sheets...)
	}
	return out, nil
}

func readXLSX(name string, data []byte) ([]Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, &errs.Error{Code: errs.InvalidArgument, Message: "result file: broken xlsx", Err: err}
	}
	defer f.Close()
	var out []Sheet
	for _, sn := range f.GetSheetList() {
		rows, err := f.GetRows(sn)
		if err != nil {
			return nil, &errs.Error{Code: errs.InvalidArgument, Message: "result file: read sheet " + sn, Err: err}
		}
		full := sn
		if name != "" {
			full = name + "/" + sn
		}
		out = append(out, table(full, rows))
	}
	return out, nil
}

func readCSV(name string, data []byte) (Sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return Sheet{}, &errs.Error{Code: errs.InvalidArgument, Message: "result file: not an xlsx, zip or csv file", Err: err}
	}
	return table(name, rows), nil
}

func readJSON(name string, data []byte) ([]Sheet, error) {
	var objs []map[string]any
	if err := json.Unmarshal(data, &objs); err != nil {
		var one map[string]any
		if err2 := json.Unmarshal(data, &one); err2 != nil {
			return nil, &errs.Error{Code: errs.InvalidArgument, Message: "result file: " + name + " is not a JSON object or array of objects", Err: err}
		}
		objs = []map[string]any{one}
	}
	keys := map[string]bool{}
	for _, o := range objs {
		for k := range o {
			keys[k] = true
		}
	}
	header := make([]string, 0, len(keys))
	for k := range keys {
		header = append(header, k)
	}
	sort.Strings(header)
	s := Sheet{Name: name, Header: header}
	for _, o := range objs {
		row := make([]string, len(header))
		for i, k := range header {
			row[i] = jsonCell(o[k])
		}
		s.Rows = append(s.Rows, row)
	}
	return []Sheet{s}, nil
}

func jsonCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64, bool:
		return fmt.Sprint(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func table(name string, rows [][]string) Sheet {
	s := Sheet{Name: name}
	if len(rows) == 0 {
		return s
	}
	s.Header = rows[0]
	width := len(s.Header)
	for _, r := range rows[1:] {
		width = max(width, len(r))
	}
	for len(s.Header) < width {
		s.Header = append(s.Header, "")
	}
	for _, r := range rows[1:] {
		for len(r) < width {
			r = append(r, "")
		}
		s.Rows = append(s.Rows, r)
	}
	return s
}
