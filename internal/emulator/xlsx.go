package emulator

import (
	"bytes"

	"github.com/xuri/excelize/v2"
)

// XLSX returns a real .xlsx workbook with one sheet named sheet: a header row
// and then rows.
func XLSX(sheet string, header []string, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	write := func(r int, vals []string) error {
		cell, err := excelize.CoordinatesToCellName(1, r)
		if err != nil {
			return err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = v
		}
		return sw.SetRow(cell, row)
	}
	if err := write(1, header); err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := write(i+2, r); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
