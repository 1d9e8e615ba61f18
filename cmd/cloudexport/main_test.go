package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/rows"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestExportWaitDownloadsReadableFiles(t *testing.T) {
	srv := huaweitest.NewServer()
	app := srv.Apps()[0].ID
	srv.Close()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"components", []string{"-provider", "tencent", "-kind", "components", "-image", tencenttest.SeedImageID,
			"-filter", "vul_level=high,critical", "-columns", "name,version,vul_count", "-sort", "vul_count:desc"}},
		{"containers", []string{"-provider", "huawei", "-kind", "containers", "-filter", "status=running", "-columns", "container_name:Container,status"}},
		{"assets", []string{"-provider", "huawei", "-kind", "assets", "-apps", app}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"-emulate", "export", "-wait", "-out", dir}, tc.args...)
			out, stderr, err := runCLI(t, args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			files := strings.Fields(out)
			if len(files) == 0 {
				t.Fatalf("no file written; stdout %q", out)
			}
			for _, name := range files {
				if filepath.Dir(name) != dir {
					t.Errorf("file %s written outside -out %s", name, dir)
				}
				f, err := os.Open(name)
				if err != nil {
					t.Fatal(err)
				}
				header, _, err := rows.ReadAll(f, nil)
				f.Close()
				if err != nil || len(header) == 0 {
					t.Errorf("%s: header %q, %v", name, header, err)
				}
			}
		})
	}
}

func TestBadInputIsAUsageOrInvalidArgumentError(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want error
	}{
		{nil, errUsage},
		{[]string{"frobnicate"}, errUsage},
		{[]string{"-emulate", "export", "-provider", "aws", "-kind", "components"}, errUsage},
		{[]string{"-emulate", "export", "-provider", "tencent", "-kind", "tables"}, errUsage},
		{[]string{"-emulate", "export", "-provider", "tencent", "-kind", "components", "-image", "x", "-filter", "vul_level=urgent"}, provider.ErrInvalidArgument},
		{[]string{"-emulate", "export", "-provider", "huawei", "-kind", "containers", "-filter", "create_time=2024-13-01..", "-wait"}, errUsage},
		{[]string{"poll", "not-a-token"}, provider.ErrInvalidArgument},
	} {
		_, _, err := runCLI(t, tc.args...)
		if !errors.Is(err, tc.want) {
			t.Errorf("%q: %v, want %v", tc.args, err, tc.want)
		}
	}
}

func TestScheduleAndCaps(t *testing.T) {
	out, _, err := runCLI(t, "-emulate", "schedule", "-provider", "huawei", "-kind", "host-vulnerabilities")
	if err != nil || !strings.Contains(out, "host-vulnerabilities") || !strings.Contains(out, "every week") {
		t.Errorf("schedule: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "caps", "-provider", "tencent")
	if err != nil || !strings.Contains(out, "components: max limit 10000") || !strings.Contains(out, "schedule: registry-images") {
		t.Errorf("caps: %v\n%s", err, out)
	}
}

func TestExportWithoutWaitPrintsAToken(t *testing.T) {
	out, _, err := runCLI(t, "-emulate", "export", "-provider", "tencent", "-kind", "components", "-image", tencenttest.SeedImageID)
	if err != nil {
		t.Fatal(err)
	}
	job, err := export.ParseToken(strings.TrimSpace(out))
	if err != nil || job.Provider != "tencent" || job.Kind != export.KindComponents {
		t.Errorf("token %q: %+v, %v", out, job, err)
	}
}
