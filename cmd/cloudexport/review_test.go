package main

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
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
