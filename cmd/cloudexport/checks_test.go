package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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

// tokenFrom returns the token an export printed on stderr ("job token: ...").
func tokenFrom(t *testing.T, stderr string) string {
	t.Helper()
	for _, l := range strings.Split(stderr, "\n") {
		if tok, ok := strings.CutPrefix(l, "job token: "); ok {
			return tok
		}
	}
	t.Fatalf("no job token in\n%s", stderr)
	return ""
}

// TestDownloadKeysAsExportDid: `export --out` and a later `download TOKEN`
// of the same job write the same rows under the same neutral keys, with or
// without --columns at export, though the token is all download has. TCSS
// titles its columns its own way (the emulator's "Component"; Chinese in
// the console), so the keys come from the columns the job asked for.
func TestDownloadKeysAsExportDid(t *testing.T) {
	emulate(t)
	for _, tc := range []struct {
		name    string
		args    []string
		header  string
		another string // a row that must be there
	}{
		{"components default columns", []string{"export", "components", "--emulator"},
			"name,version,path,type,vul_count,image_id", "openssl,1.1.1k,/usr/lib64/libssl.so.1.1,SYSTEM_COMPONENT,5," + tencenttest.SeedImageID},
		{"components chosen columns", []string{"export", "components", "--emulator", "--columns", "vul_count,name"},
			"vul_count,name", "5,openssl"},
		{"containers chosen columns", []string{"export", "containers", "--emulator", "--columns", "status,container_name"},
			"status,container_name", "running,nginx-web"}, // the filter's word, not HSS's Running
		{"vulnerabilities huawei default columns", []string{"export", "vulnerabilities", "--provider", "huawei", "--emulator"},
			"name,cve_id,level,category,status,host_id,host_name,host_ip,component,first_seen,last_seen", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exp := cli(context.Background(), append(tc.args, "--out", "-", "--interval", "10ms")...)
			if exp.code != 0 {
				t.Fatalf("export: exit %d\n%s", exp.code, exp.stderr)
			}
			dl := cli(context.Background(), "download", "--emulator", tokenFrom(t, exp.stderr), "--out", "-")
			if dl.code != 0 {
				t.Fatalf("download: exit %d\n%s", dl.code, dl.stderr)
			}
			if diff := cmp.Diff(exp.stdout, dl.stdout); diff != "" {
				t.Errorf("download differs from export --out (-export +download):\n%s", diff)
			}
			if got, _, _ := strings.Cut(dl.stdout, "\n"); got != tc.header {
				t.Errorf("download header %q, want %q", got, tc.header)
			}
			if tc.another != "" && !strings.Contains(dl.stdout, "\n"+tc.another+"\n") {
				t.Errorf("download lacks the row %q:\n%s", tc.another, dl.stdout)
			}
		})
	}
}

// TestDownloadColumnsChooseByKey: download --columns picks the job's
// columns by key, in the order given, under the titles given; it never
// retitles columns by position. A key the job lacks is refused before any
// call.
func TestDownloadColumnsChooseByKey(t *testing.T) {
	ts, hs := emulate(t)
	first := cli(context.Background(), "export", "containers", "--emulator", "--columns", "container_name,status")
	if first.code != 0 {
		t.Fatalf("export: exit %d\n%s", first.code, first.stderr)
	}
	tok := strings.TrimSpace(first.stdout)
	r := cli(context.Background(), "download", "--emulator", tok, "--columns", "status:State,container_name", "--out", "-", "--interval", "10ms")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	lines := strings.Split(r.stdout, "\n")
	if diff := cmp.Diff([]string{"State,container_name", "running,nginx-web"}, lines[:2]); diff != "" {
		t.Errorf("header and first row (-want +got):\n%s", diff)
	}
	before := ts.Requests() + hs.Requests()
	r = cli(context.Background(), "download", "--emulator", tok, "--columns", "image_name", "--out", "-")
	if r.code != exitInvalid || !strings.Contains(r.stderr, `--columns "image_name": the job's files have no such column; they have container_name, status`) {
		t.Errorf("exit %d, want %d naming the column and the job's\n%s", r.code, exitInvalid, r.stderr)
	}
	if after := ts.Requests() + hs.Requests(); after != before {
		t.Errorf("a refused --columns sent %d requests; want none", after-before)
	}
}

// TestTokenColumns: the columns an export asked for ride in its token's
// Scope; a token without them (made before they were recorded, or by the
// library) still parses and gets the kind's defaults; a token whose
// recorded columns are not the kind's is refused before any call.
func TestTokenColumns(t *testing.T) {
	ts, hs := emulate(t)
	r := cli(context.Background(), "export", "components", "--emulator", "--columns", "name,version")
	job, err := export.ParseToken(strings.TrimSpace(r.stdout))
	if r.code != 0 || err != nil {
		t.Fatalf("export: exit %d %v\n%s", r.code, err, r.stderr)
	}
	if got := job.Scope[scopeColumns]; got != "name,version" {
		t.Errorf("Scope[%q] = %q, want name,version", scopeColumns, got)
	}
	if job.Scope["image_id"] != tencenttest.SeedImageID {
		t.Errorf("the adapter's Scope is lost: %v", job.Scope)
	}
	r = cli(context.Background(), "export", "components", "--emulator")
	if job, err := export.ParseToken(strings.TrimSpace(r.stdout)); err != nil || job.Scope[scopeColumns] != "" {
		t.Errorf("no --columns: Scope %v (%v); want no recorded columns, the defaults", job.Scope, err)
	}
	a := &app{cat: newCatalog()}
	// A token printed by the version before columns were recorded (the
	// README's session): it parses, and its job gets the defaults.
	const older = "ce1.eyJwIjoidGVuY2VudCIsInMiOiJ0Y3NzIiwiayI6ImNvbXBvbmVudHMiLCJpIjoiMWZhZWQ3ODYtMmQ2OC1lMDJkLWU0NGEtYTA1MTViMmFiNDRhIiwiciI6ImFwLWd1YW5nemhvdSIsInNjIjp7ImltYWdlX2lkIjoic2hhMjU2OjNmNWE2YzJkOWU4YjdhMWYwYzRkMmU2YjhhOWYxYzNkNWU3YTliMGMyZDRmNmU4YTFiM2M1ZDdlOWYwYTJiNGMifSwiYyI6MTc5NTgzMjI1MjU1MX0"
	if job, err := parseJob(older); err != nil {
		t.Errorf("an older token: %v", err)
	} else if got, err := a.jobColumns(job); err != nil || len(got) != 6 || got[0] != "name" {
		t.Errorf("an older token's columns: %v, %v; want the 6 defaults", got, err)
	}
	for _, tc := range []struct {
		scope string
		want  []string
		ok    bool
	}{
		{"", []string{"name", "version", "path", "type", "vul_count", "image_id"}, true}, // no key: the defaults
		{"vul_count,name", []string{"vul_count", "name"}, true},
		{"name,nope", nil, false},
		{"name,name", nil, false},
		{"name,", nil, false},
	} {
		job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "x", Scope: map[string]string{"image_id": "i"}}
		if tc.scope != "" {
			job.Scope[scopeColumns] = tc.scope
		}
		got, err := a.jobColumns(job)
		if diff := cmp.Diff(tc.want, got); diff != "" || (err == nil) != tc.ok {
			t.Errorf("Scope %q: %v, %v; want %v (ok %v)", tc.scope, got, err, tc.want, tc.ok)
		}
	}
	bad, err := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "00000000-0000-0000-0000-000000000000",
		Scope: map[string]string{"image_id": tencenttest.SeedImageID, scopeColumns: "name,secret"}}.Token()
	if err != nil {
		t.Fatal(err)
	}
	before := ts.Requests() + hs.Requests()
	r = cli(context.Background(), "download", "--emulator", bad, "--out", "-")
	if r.code != exitInvalid || !strings.Contains(r.stderr, "TOKEN: its columns") {
		t.Errorf("exit %d, want %d naming TOKEN\n%s", r.code, exitInvalid, r.stderr)
	}
	if after := ts.Requests() + hs.Requests(); after != before {
		t.Errorf("a bad token sent %d requests; want none", after-before)
	}
}

func TestKeyHeader(t *testing.T) {
	defaults := []string{"name", "version", "path"}
	for _, tc := range []struct {
		name   string
		h      []string
		asked  [][]string
		want   []string
		wantOK bool
	}{
		{"vendor titles keyed by position", []string{"Component", "version", "path"}, [][]string{defaults}, defaults, true},
		{"already keyed, any order", []string{"path", "name", "version"}, [][]string{defaults}, []string{"path", "name", "version"}, true},
		{"already keyed with extra columns", []string{"path", "name", "Extra", "version"}, [][]string{defaults}, []string{"path", "name", "Extra", "version"}, true},
		{"a known title out of place", []string{"version", "Component", "path"}, [][]string{defaults}, []string{"version", "Component", "path"}, false},
		{"another count", []string{"Component", "version"}, [][]string{defaults}, []string{"Component", "version"}, false},
		{"the second list fits", []string{"Component", "version", "path"}, [][]string{{"name", "version"}, defaults}, defaults, true},
		{"nothing asked", []string{"A", "B"}, nil, []string{"A", "B"}, false},
	} {
		got, ok := keyHeader(tc.h, tc.asked)
		if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.wantOK {
			t.Errorf("%s: ok %v, want %v; (-want +got):\n%s", tc.name, ok, tc.wantOK, diff)
		}
	}
}

// TestRowsKindKeysAFile: a vendor's file on disk is keyed by --kind's
// default columns when it has all of them, and --columns picks from them.
func TestRowsKindKeysAFile(t *testing.T) {
	emulate(t)
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "c.xlsx")
	if r := cli(context.Background(), "export", "components", "--emulator", "--out", xlsx, "--quiet", "--interval", "10ms"); r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	for _, tc := range []struct {
		args []string
		want []string // the first two lines
	}{
		{[]string{"rows", xlsx, "--kind", "components"}, []string{"name,version,path,type,vul_count,image_id", "openssl,1.1.1k,/usr/lib64/libssl.so.1.1,SYSTEM_COMPONENT,5," + tencenttest.SeedImageID}},
		{[]string{"rows", xlsx, "--kind", "components", "--columns", "vul_count:Vulns,name"}, []string{"Vulns,name", "5,openssl"}},
		{[]string{"rows", xlsx}, []string{"Component,Version,Path,Type,Vulnerabilities,Image ID", "openssl,1.1.1k,/usr/lib64/libssl.so.1.1,SYSTEM_COMPONENT,5," + tencenttest.SeedImageID}},
	} {
		r := cli(context.Background(), tc.args...)
		if r.code != 0 {
			t.Errorf("%q: exit %d\n%s", tc.args, r.code, r.stderr)
			continue
		}
		if diff := cmp.Diff(tc.want, strings.SplitN(r.stdout, "\n", 3)[:2]); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.args, diff)
		}
	}
	r := cli(context.Background(), "rows", xlsx, "--columns", "name")
	if r.code != exitInvalid || !strings.Contains(r.stderr, "--columns name: the file has no such column (its columns: Component, Version, Path, Type, Vulnerabilities, Image ID)") {
		t.Errorf("a column the unkeyed file lacks: exit %d, want %d naming it\n%s", r.code, exitInvalid, r.stderr)
	}
}

// TestHelpShowsWhatTheKindTakes: a kind's help lists only the request flags
// one of its providers takes; the others are still parsed, so the provider
// refuses them with its reason (exit 3), not as unknown flags.
func TestHelpShowsWhatTheKindTakes(t *testing.T) {
	ts, hs := emulate(t)
	flagsOf := func(kind string) string {
		r := cli(context.Background(), "export", kind, "--help")
		_, flags, _ := strings.Cut(r.stdout, "\nFlags:\n")
		flags, _, _ = strings.Cut(flags, "\nGlobal Flags:")
		return flags
	}
	for _, tc := range []struct {
		kind       string
		shown, not []string
	}{
		{"assets", []string{"--app", "--out", "--wait"}, []string{"--filter", "--columns", "--sort", "--offset", "--limit", "--provider", "--download-host"}},
		{"machine-images", []string{"--bucket", "--wait"}, []string{"--out", "--force", "--filter", "--columns", "--download-host"}},
		{"components", []string{"--filter", "--columns", "--sort", "--offset", "--limit", "--download-host", "--private-download-host"}, []string{"--provider"}},
		{"vulnerabilities", []string{"--provider", "--filter", "--columns", "--offset", "--limit", "--download-host"}, []string{"--sort"}},
	} {
		flags := flagsOf(tc.kind)
		for _, f := range tc.shown {
			if !strings.Contains(flags, f+" ") {
				t.Errorf("export %s --help does not list %s:\n%s", tc.kind, f, flags)
			}
		}
		for _, f := range tc.not {
			if strings.Contains(flags, f+" ") {
				t.Errorf("export %s --help lists %s, which it does not take:\n%s", tc.kind, f, flags)
			}
		}
	}
	before := ts.Requests() + hs.Requests()
	for _, args := range [][]string{
		{"export", "assets", "--emulator", "--filter", "type=app"},
		{"export", "assets", "--emulator", "--sort", "name"},
		{"export", "machine-images", "--emulator", "--columns", "name"},
	} {
		if r := cli(context.Background(), args...); r.code != exitInvalid || !strings.Contains(r.stderr, "exports") {
			t.Errorf("%q: exit %d, want %d with the provider's reason\n%s", args, r.code, exitInvalid, r.stderr)
		}
	}
	if after := ts.Requests() + hs.Requests(); after != before {
		t.Errorf("refused flags sent %d requests; want none", after-before)
	}
}

// TestRowsOfAnArchiveAsCSV: the csv refusal of a ROMA archive read from disk
// does not offer --file, which rows does not have.
func TestRowsOfAnArchiveAsCSV(t *testing.T) {
	emulate(t)
	zip := filepath.Join(t.TempDir(), "a.zip")
	if r := cli(context.Background(), "export", "assets", "--emulator", "--out", zip, "--quiet", "--interval", "10ms"); r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	r := cli(context.Background(), "rows", zip)
	if r.code != exitInvalid || !strings.Contains(r.stderr, "csv has one header") || strings.Contains(r.stderr, "--file") {
		t.Errorf("exit %d, want %d without --file in the advice\n%s", r.code, exitInvalid, r.stderr)
	}
	r = cli(context.Background(), "rows", zip, "--kind", "assets")
	if r.code != exitInvalid || r.stdout != "" || !strings.Contains(r.stderr, "an assets archive holds a csv manifest") {
		t.Errorf("--kind assets: exit %d with stdout %q, want %d before reading\n%s", r.code, r.stdout, exitInvalid, r.stderr)
	}
}

// TestFlagsWithoutEffectAreNamed: flags that would be silently ignored are
// refused (download --columns with an original file) or noted (export
// --timeout without waiting).
func TestFlagsWithoutEffectAreNamed(t *testing.T) {
	ts, hs := emulate(t)
	tok := strings.TrimSpace(cli(context.Background(), "export", "containers", "--emulator").stdout)
	before := ts.Requests() + hs.Requests()
	r := cli(context.Background(), "download", "--emulator", tok, "--columns", "status", "--out", filepath.Join(t.TempDir(), "c.xlsx"))
	if r.code != exitUsage || !strings.Contains(r.stderr, "--columns chooses the columns of rows") {
		t.Errorf("download --columns with .xlsx: exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
	}
	if after := ts.Requests() + hs.Requests(); after != before {
		t.Errorf("sent %d requests; want none", after-before)
	}
	r = cli(context.Background(), "export", "containers", "--emulator", "--timeout", "1m")
	if r.code != 0 || !strings.Contains(r.stderr, "--timeout and --interval apply while waiting") {
		t.Errorf("export --timeout without --wait: exit %d, want 0 with a note\n%s", r.code, r.stderr)
	}
}
