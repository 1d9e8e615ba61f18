package huawei

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/vocab"
)

// containerCells is the NeutralCell of a containers download, as Download
// hands it over.
func containerCells() *vocab.Described {
	return vocab.Describe(io.NopCloser(strings.NewReader("")), hssFileTables[export.KindContainers])
}

// TestContainerNeutralCell pins, column by column, how a containers cell
// HSS writes is spelled the neutral way: the enumerated columns by the
// filter table read the other way, times from epoch milliseconds to RFC
// 3339 in UTC, and anything unknown or malformed kept as written.
func TestContainerNeutralCell(t *testing.T) {
	type cell struct{ in, want string }
	cases := []struct {
		key   string
		cells []cell
	}{
		{"status", []cell{
			{"Running", "running"}, {"Waiting", "waiting"}, {"Terminated", "terminated"}, {"Isolated", "isolated"},
			{"Paused", "paused"}, {"RUNNING", "running"}, {" Paused ", "paused"}, {"running", "running"},
			{"CrashLoopBackOff", "CrashLoopBackOff"}, {"运行中", "运行中"}, {"", ""},
		}},
		{"cluster_type", []cell{
			{"cce", "cce"}, {"CCE", "cce"}, {"Self_Built_HW", "self_built_hw"}, {"self_built_idc", "self_built_idc"},
			{"aws", "aws"}, {"gke", "gke"}, {"", ""},
		}},
		{"risky", []cell{
			{"true", "true"}, {"False", "false"}, {"TRUE", "true"}, {"是", "是"}, {"1", "1"}, {"", ""},
		}},
		{"create_time", []cell{
			{"1709251200000", "2024-03-01T00:00:00Z"}, {"1709251200999", "2024-03-01T00:00:00Z"}, {" 0 ", "1970-01-01T00:00:00Z"},
			{"253402300799999", "9999-12-31T23:59:59Z"},
			{"253402300800000", "253402300800000"}, {"99999999999999999999", "99999999999999999999"},
			{"-1", "-1"}, {"1.7e12", "1.7e12"}, {"2024-03-01 08:00:00", "2024-03-01 08:00:00"},
			{"2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z"}, {"abc", "abc"}, {"", ""},
		}},
		// Text columns are kept, even when they look like a vendor word.
		{"container_name", []cell{{"Running", "Running"}, {" web ", " web "}}},
		{"image_name", []cell{{"CCE", "CCE"}}},
		{"cpu_limit", []cell{{"100M", "100M"}}},
		{"memory_limit", []cell{{"300Mi", "300Mi"}}},
		{"restart_count", []cell{{"1709251200000", "1709251200000"}}},
		{"high_risk", []cell{{"TRUE", "TRUE"}}},
		{"no_such_column", []cell{{"Running", "Running"}}},
	}
	d := containerCells()
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			var want, got []string
			for _, cl := range c.cells {
				want = append(want, cl.want)
				got = append(got, d.NeutralCell(c.key, cl.in))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("NeutralCell(%q, …) (-want +got):\n%s", c.key, diff)
			}
		})
	}
}

// TestContainerNeutralCellCoversTheTables fails when a column gains a
// vocabulary NeutralCell does not read: every vendor value of every
// enumerated or bool filter that is also a column comes back as the
// neutral value the request side sends it for, and every *_time column is
// read as a time.
func TestContainerNeutralCellCoversTheTables(t *testing.T) {
	d := containerCells()
	columns := map[string]bool{}
	for _, c := range containerColumns {
		columns[c.Key] = true
		if strings.HasSuffix(c.Key, "_time") {
			if got := d.NeutralCell(c.Key, "0"); got != "1970-01-01T00:00:00Z" {
				t.Errorf("NeutralCell(%q, \"0\") = %q; want 1970-01-01T00:00:00Z", c.Key, got)
			}
		}
	}
	for _, f := range containerFilters {
		if !columns[f.Field] {
			continue
		}
		var want, got []string
		switch f.Kind {
		case vocab.Enumerated:
			for _, e := range f.Values {
				want = append(want, e.Neutral)
				got = append(got, d.NeutralCell(f.Field, e.Vendor))
			}
		case vocab.Bool:
			for _, n := range []string{"true", "false"} {
				tr, err := containerFilters.Translate(export.KindContainers, []export.Filter{export.Eq(f.Field, n)})
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, n)
				got = append(got, d.NeutralCell(f.Field, tr[0].Values[0]))
			}
		default:
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the vendor's values read back (-want +got):\n%s", f.Field, diff)
		}
	}
}
