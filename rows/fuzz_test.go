package rows_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
)

// FuzzReader feeds arbitrary bytes through NewReader in every format, with
// small limits: it must not panic, every row must be as long as the header,
// no cell may exceed MaxCell, and no more than MaxRows rows may come back.
// Errors must be InvalidArgument or ResourceExhausted.
//
// CI runs it briefly: go test ./rows -run '^$' -fuzz FuzzReader -fuzztime 20s
func FuzzReader(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), uint8(0))
	f.Add([]byte(`[{"a":1,"b":[1,{"c":null}]}]`), uint8(0))
	f.Add([]byte(`{"total":1,"items":[{"a":"x"}]}`), uint8(0))
	f.Add([]byte("{\"a\":1}\n{\"b\":true}\n"), uint8(5))
	f.Add(zipOf(f, "m.csv", "a\n1\n", "x.json", `{"id":"1"}`), uint8(3))
	f.Add(workbook(f, `<worksheet><sheetData><row><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>h</t></is></c></row><row><c r="B2" s="0" t="b"><v>1</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>x</t></si><si><r><t>a</t></r><rPh><t>p</t></rPh></si></sst>`), uint8(1))
	lim := rows.Limits{MaxBytes: 1 << 20, MaxMembers: 8, MaxRows: 100, MaxCell: 256, MaxColumns: 16, MaxSharedStrings: 4096, MaxDepth: 16}
	formats := []string{"", "xlsx", "csv", "zip", "json", "jsonl"}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		opts := &rows.Options{Limits: lim, Format: formats[int(format)%len(formats)], TempDir: t.TempDir()}
		rd, err := rows.NewReader(bytes.NewReader(data), opts)
		if err != nil {
			checkErr(t, err)
			return
		}
		defer rd.Close()
		n := 0
		for rd.Next() {
			n++
			if len(rd.Row()) != len(rd.Header()) {
				t.Fatalf("row %q not aligned with header %q", rd.Row(), rd.Header())
			}
			if len(rd.Header()) > lim.MaxColumns {
				t.Fatalf("%d columns, over MaxColumns", len(rd.Header()))
			}
			for _, c := range rd.Row() {
				if len(c) > lim.MaxCell {
					t.Fatalf("cell of %d bytes, over MaxCell", len(c))
				}
			}
		}
		if n > lim.MaxRows {
			t.Fatalf("%d rows, over MaxRows", n)
		}
		if err := rd.Err(); err != nil {
			checkErr(t, err)
		}
		if err := rd.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	})
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, provider.ErrInvalidArgument) && !errors.Is(err, provider.ErrResourceExhausted) {
		t.Fatalf("err = %v (%T), want InvalidArgument or ResourceExhausted", err, err)
	}
}
