package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

func TestParseFilter(t *testing.T) {
	march := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	endOfMarch := time.Date(2024, 3, 31, 23, 59, 59, int(999*time.Millisecond), time.UTC)
	for _, tc := range []struct {
		in   string
		want export.Filter
	}{
		{"vul_level=high,critical", export.Eq("vul_level", "high", "critical")},
		{"name~ssl", export.Like("name", "ssl")},
		{"name~a=b", export.Like("name", "a=b")},
		{"path=/a~b", export.Eq("path", "/a~b")},
		{"create_time=2024-03-01..2024-03-31", export.Between("create_time", march, endOfMarch)},
		{"create_time=2024-03-01T00:00:00Z..", export.Between("create_time", march, time.Time{})},
		{"create_time=..2024-03-31", export.Between("create_time", time.Time{}, endOfMarch)},
	} {
		got, err := parseFilter(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.in, diff)
		}
	}
	for _, bad := range []string{"", "=x", "name", "name=", "name~", "t=..", "t=2024-13-01..", "t=2024-03-02..2024-03-01", "v=a,,b"} {
		var ue *usageError
		if _, err := parseFilter(bad); !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

func TestParseSortAndColumns(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *export.Sort
	}{
		{"", nil},
		{"vul_count", &export.Sort{Field: "vul_count"}},
		{"vul_count:asc", &export.Sort{Field: "vul_count"}},
		{"vul_count:DESC", &export.Sort{Field: "vul_count", Desc: true}},
	} {
		got, err := parseSort(tc.in)
		if diff := cmp.Diff(tc.want, got); err != nil || diff != "" {
			t.Errorf("%q: %v (-want +got):\n%s", tc.in, err, diff)
		}
	}
	for _, bad := range []string{"vul_count:descending", ":desc", "x:up"} {
		if _, err := parseSort(bad); exitCode(err) != exitUsage {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
	got, err := parseColumns("name,version:Version,vul_count:Vulns: total")
	want := []export.Column{{Key: "name"}, {Key: "version", Header: "Version"}, {Key: "vul_count", Header: "Vulns: total"}}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("columns: %v (-want +got):\n%s", err, diff)
	}
}

// TestChooseProvider covers a kind served by both clouds (vulnerabilities
// will be): without --provider it is a usage error naming the flag.
func TestChooseProvider(t *testing.T) {
	both := provider.Limits{}
	c := &catalog{caps: map[string]provider.Capabilities{
		"tencent": {Exports: map[export.Kind]provider.Limits{"components": {}, "vulnerabilities": both}},
		"huawei":  {Exports: map[export.Kind]provider.Limits{"containers": {}, "vulnerabilities": both}},
	}}
	for _, tc := range []struct {
		kind  export.Kind
		asked string
		want  string
		err   string
	}{
		{"components", "", "tencent", ""},
		{"containers", "", "huawei", ""},
		{"vulnerabilities", "huawei", "huawei", ""},
		{"vulnerabilities", "", "", "vulnerabilities exports are served by tencent and huawei: choose one with --provider"},
		{"components", "huawei", "", "--provider huawei does not serve components exports; tencent does"},
		{"components", "aws", "", `--provider "aws": want tencent or huawei`},
	} {
		got, err := c.chooseProvider(tc.kind, tc.asked)
		msg := ""
		if err != nil {
			msg = err.Error()
			if exitCode(err) != exitUsage {
				t.Errorf("%s %q: exit %d, want 2", tc.kind, tc.asked, exitCode(err))
			}
		}
		if got != tc.want || msg != tc.err {
			t.Errorf("%s %q: %q, %q; want %q, %q", tc.kind, tc.asked, got, msg, tc.want, tc.err)
		}
	}
}

// TestSpeakFlags checks the translation table on the library's own messages.
func TestSpeakFlags(t *testing.T) {
	in := &invocation{lists: map[string][]string{"filter": {"status=running", "vul_level=urgent"}, "columns": {"name", "nope"}, "image-id": {"img-1", "bad"}}}
	for _, tc := range []struct{ lib, want string }{
		{"Target.ImageID: empty; want the local image id", "invalid argument: --image: empty; want the local image id"},
		{"Target.ImageIDs[1]: \"bad\" is not a CVM image id", "invalid argument: --image-id \"bad\": \"bad\" is not a CVM image id"},
		{"Filters[1] (vul_level): value \"urgent\" is not allowed", "invalid argument: --filter \"vul_level=urgent\": value \"urgent\" is not allowed"},
		{"Columns[1]: unknown column \"nope\"", "invalid argument: --columns \"nope\": unknown column \"nope\""},
		{"Sort.Field: unknown field \"x\"", "invalid argument: --sort: unknown field \"x\""},
		{"Limit: 20000 is more than the 10000 rows one components job allows; use 1..10000, or provider.Export to split the request", "invalid argument: --limit: 20000 is more than the 10000 rows one components job allows; use 1..10000"},
		{"Target: no ids; give at least one of AppIDs or TaskIDs (at most 100 in total per job)", "invalid argument: --app/--task: no ids; give at least one of --app or --task (at most 100 in total per job)"},
		{"Target.InstanceID: no ROMA Connect instance given; set export.Assets.InstanceID or huawei.Options.ROMAInstanceID", "invalid argument: --instance: no ROMA Connect instance given; give --instance or set HUAWEICLOUD_ROMA_INSTANCE_ID"},
	} {
		err := speakFlags(&provider.Error{Code: provider.InvalidArgument, Message: tc.lib}, in)
		if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.lib, diff)
		}
		if !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("%q: the translated error lost its code", tc.lib)
		}
	}
}

// memberRows is a rowSource whose header changes at row 2, like the members
// of a ROMA archive.
type memberRows struct{ i int }

func (m *memberRows) Header() []string {
	if m.i < 2 {
		return []string{"type", "id"}
	}
	return []string{"id", "remark"}
}
func (m *memberRows) HeaderChanged() bool { return m.i == 1 || m.i == 2 }
func (m *memberRows) Next() bool          { m.i++; return m.i <= 2 }
func (m *memberRows) Row() []string       { return []string{"a", "b"} }
func (m *memberRows) Err() error          { return nil }
func (m *memberRows) Close() error        { return nil }

func TestChangedHeader(t *testing.T) {
	var b strings.Builder
	c := &rowCopier{w: newRowWriter(formatJSONL, &b)}
	if err := c.copy(&memberRows{}); err != nil {
		t.Fatalf("jsonl: %v", err)
	}
	c.w.close()
	if want := "{\"type\":\"a\",\"id\":\"b\"}\n{\"id\":\"a\",\"remark\":\"b\"}\n"; b.String() != want {
		t.Errorf("jsonl = %q; want %q", b.String(), want)
	}
	c = &rowCopier{w: newRowWriter(formatCSV, io.Discard)}
	err := c.copy(&memberRows{})
	if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "--out") || !strings.Contains(err.Error(), ".jsonl") {
		t.Errorf("csv: err = %v; want InvalidArgument naming --out and .jsonl", err)
	}
}
