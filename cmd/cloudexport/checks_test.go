package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// unwritableDir returns a directory this process cannot create files in, or
// "" when there is none (root writes through permission bits; /sys refuses
// even root on Linux).
func unwritableDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	for _, d := range []string{dir, "/sys"} {
		f, err := os.CreateTemp(d, "probe-*")
		if err != nil {
			return d
		}
		f.Close()
		os.Remove(f.Name())
	}
	return ""
}

// TestOutCheckedBeforeAnyCall: every --out the command can judge locally is
// refused with exit 3, a message naming --out and what is wrong, and not one
// request sent, so no job is created and left behind.
func TestOutCheckedBeforeAnyCall(t *testing.T) {
	ts, hs := emulate(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "exists.csv"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "afile"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	assets, err := export.Job{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "job0001",
		Region: huaweitest.Region, Scope: map[string]string{"instance_id": "i-1"}}.Token()
	if err != nil {
		t.Fatal(err)
	}
	images, err := export.Job{Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "105591590",
		Region: tencenttest.Region, Scope: map[string]string{"image_ids": tencenttest.SeedLinuxImage}}.Token()
	if err != nil {
		t.Fatal(err)
	}
	components, err := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "00000000-0000-0000-0000-000000000000",
		Region: tencenttest.Region, Scope: map[string]string{"image_id": tencenttest.SeedImageID}}.Token()
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	type tc struct {
		args []string
		want []string // in the message
	}
	cases := []tc{
		{[]string{"export", "components", "--emulator", "--out", missing + "/c.csv"}, []string{"--out", "directory " + missing + " does not exist"}},
		{[]string{"export", "components", "--emulator", "--wait", "--out", missing + "/c.xlsx"}, []string{"--out", missing}},
		{[]string{"export", "components", "--emulator", "--out", dir + "/afile/c.csv"}, []string{"--out", "is not a directory"}},
		{[]string{"export", "components", "--emulator", "--out", dir + "/exists.csv"}, []string{"--out", "add --force"}},
		{[]string{"export", "components", "--emulator", "--out", dir}, []string{"--out", "unknown extension"}},
		{[]string{"export", "assets", "--emulator", "--out", dir + "/a.csv"}, []string{"--out", "csv has one header", ".jsonl"}},
		{[]string{"export", "assets", "--emulator", "--out", "-"}, []string{"--out", "csv has one header"}},
		{[]string{"download", "--emulator", components, "--out", missing + "/c.csv"}, []string{"--out", "directory " + missing + " does not exist"}},
		{[]string{"download", "--emulator", assets, "--out", dir + "/a.csv"}, []string{"--out", "csv has one header"}},
		{[]string{"download", "--emulator", images, "--out", dir + "/m.zip"}, []string{"TOKEN", "not downloaded", "COS bucket"}},
		{[]string{"rows", dir + "/exists.csv", "--out", missing + "/r.csv"}, []string{"--out", "does not exist"}},
	}
	if ro := unwritableDir(t); ro != "" {
		cases = append(cases, tc{[]string{"export", "components", "--emulator", "--out", ro + "/c.csv"}, []string{"--out", "cannot write in directory " + ro}})
	} else {
		t.Log("no unwritable directory on this machine: the cannot-write case is not exercised")
	}
	before := ts.Requests() + hs.Requests()
	for _, c := range cases {
		r := cli(context.Background(), c.args...)
		want := exitInvalid
		if strings.Contains(strings.Join(c.want, " "), "unknown extension") {
			want = exitUsage // a malformed value, not a refused one
		}
		if r.code != want {
			t.Errorf("%q: exit %d, want %d\n%s", c.args, r.code, want, r.stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%q: the message does not say %q:\n%s", c.args, w, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "job token") {
			t.Errorf("%q: a job was created:\n%s", c.args, r.stderr)
		}
	}
	if after := ts.Requests() + hs.Requests(); after != before {
		t.Errorf("refused --out values sent %d requests; want none", after-before)
	}
}

// TestFileBeyondTheJob: --file N past the job's files is a value refused
// (exit 3), not a usage mistake.
func TestFileBeyondTheJob(t *testing.T) {
	emulate(t)
	first := cli(context.Background(), "export", "containers", "--emulator")
	if first.code != 0 {
		t.Fatalf("export: exit %d\n%s", first.code, first.stderr)
	}
	r := cli(context.Background(), "download", "--emulator", strings.TrimSpace(first.stdout), "--file", "2", "--out", "-", "--interval", "10ms")
	if r.code != exitInvalid || !strings.Contains(r.stderr, "--file 2: the job has 1 file(s)") {
		t.Errorf("exit %d, want %d naming --file\n%s", r.code, exitInvalid, r.stderr)
	}
}
