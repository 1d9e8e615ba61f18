package providertest

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/provider"
)

// FuzzPollNoJobsChild runs FuzzPoll without jobs, in the child process of
// TestFuzzPollNeedsJobs only; elsewhere it fuzzes nothing.
func FuzzPollNoJobsChild(f *testing.F) {
	if os.Getenv("PROVIDERTEST_FUZZ_CHILD") != "1" {
		f.Fuzz(func(*testing.T, byte, int, []byte) {})
		return
	}
	f.Add(byte(0), 200, []byte("{}"))
	em := &leakyEmulator{}
	FuzzPoll(f, "application/json", nil, func(string) (provider.Provider, error) { return leaky{em}, nil })
}

// TestFuzzPollNeedsJobs: FuzzPoll picked jobs[which%len(jobs)], so an empty
// jobs list was an integer divide by zero in every fuzz input instead of
// a message saying what the harness lacks.
func TestFuzzPollNeedsJobs(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^FuzzPollNoJobsChild$")
	cmd.Env = append(os.Environ(), "PROVIDERTEST_FUZZ_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil || strings.Contains(string(out), "panic") || !strings.Contains(string(out), "at least one job") {
		t.Errorf("FuzzPoll without jobs: err %v; want a failure saying it needs at least one job, not a panic:\n%s", err, out)
	}
}
