package export_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/emulator"
	"github.com/cloudexport/cloudexport/provider"
)

func TestReadRowsXLSX(t *testing.T) {
	header := []string{"Component", "Version", "Vulnerabilities"}
	rows := [][]string{{"openssl", "1.1.1k", "3"}, {"zlib", "1.2.11", ""}}
	data, err := emulator.XLSX("components", header, rows)
	if err != nil {
		t.Fatal(err)
	}
	gotH, gotR, err := export.ReadRows(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(header, gotH); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(rows, gotR); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReadSheetsCSVPadsShortRows(t *testing.T) {
	got, err := export.ReadSheets(bytes.NewReader([]byte("\xef\xbb\xbfa,b,c\n1,2\n")))
	if err != nil {
		t.Fatal(err)
	}
	want := []export.Sheet{{Header: []string{"a", "b", "c"}, Rows: [][]string{{"1", "2", ""}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadSheetsArchive(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add("manifest.csv", "type,id\napp,a1\n")
	add("apps/a1.json", `{"id":"a1","name":"orders","tags":["x"],"n":2}`)
	add("README.txt", "skipped")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := export.ReadSheets(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []export.Sheet{
		{Name: "manifest.csv", Header: []string{"type", "id"}, Rows: [][]string{{"app", "a1"}}},
		{Name: "apps/a1.json", Header: []string{"id", "n", "name", "tags"}, Rows: [][]string{{"a1", "2", "orders", `["x"]`}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadRowsRejectsGarbage(t *testing.T) {
	for name, in := range map[string][]byte{
		"broken zip": []byte("PK\x03\x04garbage"),
		"bad csv":    []byte("a,\"b\n"),
		"empty":      nil,
	} {
		if _, _, err := export.ReadRows(bytes.NewReader(in)); !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", name, err)
		}
	}
}
