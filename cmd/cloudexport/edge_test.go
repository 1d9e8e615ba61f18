package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// TestTokenOfAnotherProvider: a token naming a provider this tool does not
// know is a token refused (exit 3, naming TOKEN), not a --provider flag
// mistake: status, wait and download have no --provider.
func TestTokenOfAnotherProvider(t *testing.T) {
	tok, err := export.Job{Provider: "aws", Service: "s3", Kind: export.KindComponents, ID: "job-1"}.Token()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"status", tok},
		{"wait", tok},
		{"download", tok, "--out", "-"},
	} {
		r := cli(context.Background(), args...)
		if r.code != exitInvalid || !strings.Contains(r.stderr, "TOKEN") || strings.Contains(r.stderr, "--provider") {
			t.Errorf("%q: exit %d, want %d naming TOKEN, not --provider:\n%s", args, r.code, exitInvalid, r.stderr)
		}
	}
}

// TestTokenOfAnotherKindSpeaksOfTheToken: a job the provider refuses (a
// kind on a service it does not have) is named TOKEN, not the library's
// Go field Job.
func TestTokenOfAnotherKindSpeaksOfTheToken(t *testing.T) {
	emulate(t)
	tok, err := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindContainers, ID: "job-1"}.Token()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"status", "--emulator", tok},
		{"wait", "--emulator", tok},
		{"download", "--emulator", tok, "--out", "-"},
	} {
		r := cli(context.Background(), args...)
		if r.code != exitInvalid || !strings.Contains(r.stderr, "TOKEN: ") || strings.Contains(r.stderr, "Job: ") {
			t.Errorf("%q: exit %d, want %d naming TOKEN, not Job:\n%s", args, r.code, exitInvalid, r.stderr)
		}
	}
}

// twoFiles is a provider whose finished jobs have the files it serves.
type twoFiles struct {
	provider.Provider
	body map[string]string // by file name
}

func (p twoFiles) Download(_ context.Context, _ export.Job, f export.File) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader(p.body[f.Name])), nil
}

// TestOriginalFilesDoNotClobber: a job with several files is written as
// FILE, FILE-2, ...; a FILE-2 that exists is refused without --force, as
// FILE is, before anything is downloaded, and is left as it was.
func TestOriginalFilesDoNotClobber(t *testing.T) {
	dir := t.TempDir()
	out, second := filepath.Join(dir, "r.zip"), filepath.Join(dir, "r-2.zip")
	if err := os.WriteFile(second, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := &app{stdout: io.Discard, stderr: io.Discard, quiet: true}
	d, err := a.checkOut(out, false)
	if err != nil {
		t.Fatal(err)
	}
	p := twoFiles{body: map[string]string{"a.zip": "first", "b.zip": "second"}}
	st := export.Status{Job: export.Job{Provider: "tencent", Kind: export.KindComponents}, State: export.StateSucceeded,
		Files: []export.File{{Name: "a.zip"}, {Name: "b.zip"}}}
	err = a.save(context.Background(), p, st, d, columnPlan{}, 0, &statusResult{})
	if exitCode(err) != exitInvalid || err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("save: %v (exit %d); want exit %d saying --force", err, exitCode(err), exitInvalid)
	}
	if got, _ := os.ReadFile(second); string(got) != "mine" {
		t.Errorf("%s was overwritten: %q", second, got)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written though the job could not be saved whole", out)
	}
	// With --force both are written.
	d.force = true
	if err := a.save(context.Background(), p, st, d, columnPlan{}, 0, &statusResult{}); err != nil {
		t.Fatalf("save --force: %v", err)
	}
	for name, want := range map[string]string{out: "first", second: "second"} {
		if got, _ := os.ReadFile(name); string(got) != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// TestCommitThatFailsLeavesNoPart: a temporary file that cannot be renamed
// into place (a directory appeared at the destination) is removed, not left
// beside it as .NAME.part-*.
func TestCommitThatFailsLeavesNoPart(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "c.csv")
	f, err := createAtomic(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.commit(); err == nil {
		t.Fatal("commit over a directory succeeded")
	}
	parts, _ := filepath.Glob(filepath.Join(dir, ".c.csv.part-*"))
	if len(parts) != 0 {
		t.Errorf("left behind: %q", parts)
	}
}

// TestRowsOfADirectory: a FILE that is a directory is a file refused
// (exit 3, naming FILE), not a vendor outage (exit 1); a missing one is not
// found (exit 5).
func TestRowsOfADirectory(t *testing.T) {
	dir := t.TempDir()
	r := cli(context.Background(), "rows", dir)
	if r.code != exitInvalid || !strings.Contains(r.stderr, "FILE "+dir) {
		t.Errorf("rows DIR: exit %d, want %d naming FILE:\n%s", r.code, exitInvalid, r.stderr)
	}
	r = cli(context.Background(), "rows", filepath.Join(dir, "missing.xlsx"))
	if r.code != exitNotFound {
		t.Errorf("rows MISSING: exit %d, want %d:\n%s", r.code, exitNotFound, r.stderr)
	}
}

// TestContainersExampleIsMarch: the containers example says "created in
// March 2024"; its range must end with March, since a date as TO includes
// that whole day.
func TestContainersExampleIsMarch(t *testing.T) {
	ex := targets[export.KindContainers].example
	if !strings.Contains(ex, "March 2024") {
		t.Fatalf("the example no longer speaks of March 2024; update this test:\n%s", ex)
	}
	i := strings.Index(ex, "create_time=")
	if i < 0 {
		t.Fatalf("no create_time filter in\n%s", ex)
	}
	arg, _, _ := strings.Cut(ex[i:], " ")
	f, err := parseFilter(arg)
	if err != nil {
		t.Fatal(err)
	}
	march := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	april := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	if !f.From.Equal(march) || !f.To.Before(april) || f.To.Before(april.Add(-time.Second)) {
		t.Errorf("%s covers %s..%s; want all of March 2024 and nothing after", arg, f.From, f.To)
	}
}

// TestOutForMachineImagesIsRefusedAsInvalid: any --out for machine-images
// (the images stay in the user's bucket) exits 3 naming --out, as the
// README says and as 'download' refuses such a token, before any call.
func TestOutForMachineImagesIsRefusedAsInvalid(t *testing.T) {
	ts, _ := emulate(t)
	before := ts.Requests()
	r := cli(context.Background(), "export", "machine-images", "--emulator", "--out", filepath.Join(t.TempDir(), "m.zip"))
	if r.code != exitInvalid || !strings.Contains(r.stderr, "--out") {
		t.Errorf("exit %d, want %d naming --out:\n%s", r.code, exitInvalid, r.stderr)
	}
	if n := ts.Requests() - before; n != 0 {
		t.Errorf("%d requests sent; want none", n)
	}
}

// TestOriginalFileKeepsItsType: the vendor's .zip is not written under an
// .xlsx name (nor the reverse): it is refused, naming --out and the file's
// type, before it is downloaded.
func TestOriginalFileKeepsItsType(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.xlsx")
	a := &app{stdout: io.Discard, stderr: io.Discard, quiet: true}
	d, err := a.checkOut(out, false)
	if err != nil {
		t.Fatal(err)
	}
	p := twoFiles{body: map[string]string{"archive.zip": "PK"}}
	st := export.Status{Job: export.Job{Provider: "huawei", Kind: export.KindAssets}, State: export.StateSucceeded,
		Files: []export.File{{Name: "archive.zip"}}}
	err = a.save(context.Background(), p, st, d, columnPlan{}, 0, &statusResult{})
	if exitCode(err) != exitInvalid || err == nil || !strings.Contains(err.Error(), "--out") || !strings.Contains(err.Error(), ".zip") {
		t.Errorf("save: %v (exit %d); want exit %d naming --out and .zip", err, exitCode(err), exitInvalid)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
}
