package providertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
)

const leakedSecret = "AKIDsecret0123456789"

// leaky is a provider whose failed jobs' messages carry a credential.
type leaky struct{ em *leakyEmulator }

func (leaky) Name() string { return "leaky" }
func (leaky) Capabilities() provider.Capabilities {
	return provider.Capabilities{Exports: map[export.Kind]provider.Limits{export.KindComponents: {}}}
}
func (p leaky) CreateExportJob(context.Context, export.Request) (export.Job, error) {
	p.em.jobReason = p.em.reason // the job fails as FailJobs said when it was created
	return export.Job{Provider: "leaky", Service: "s", Kind: export.KindComponents, ID: "1"}, nil
}
func (p leaky) PollJob(_ context.Context, job export.Job) (export.Status, error) {
	return export.Status{Job: job, State: export.StateFailed, Progress: -1, Message: p.em.jobReason + " (signed with " + leakedSecret + ")"}, nil
}
func (leaky) GetScanSchedule(context.Context, scan.Query) (scan.Schedule, error) {
	return scan.Schedule{}, nil
}

type leakyEmulator struct{ reason, jobReason string }

func (*leakyEmulator) Requests() int64          { return 0 }
func (e *leakyEmulator) FailJobs(reason string) { e.reason = reason }
func (*leakyEmulator) SetLatency(time.Duration) {}

// TestSecretsInErrorsAreCaught: Harness.Secrets promises that no error
// contains a secret; the suite checked only jobs and tokens, so an adapter
// whose failure message carried the credential passed. The suite runs on a
// leaky provider in a child process, which must fail saying so.
func TestSecretsInErrorsAreCaught(t *testing.T) {
	if os.Getenv("PROVIDERTEST_LEAKY_CHILD") == "1" {
		em := &leakyEmulator{}
		testFailedJob(t, Harness{
			New:     func(*testing.T) (provider.Provider, Emulator) { return leaky{em}, em },
			Secrets: func(Emulator) []string { return []string{leakedSecret} },
		}, export.Request{Target: export.Components{ImageID: "i"}})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestSecretsInErrorsAreCaught$")
	cmd.Env = append(os.Environ(), "PROVIDERTEST_LEAKY_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "a secret appears") {
		t.Errorf("the suite passed a provider whose failed job's error carries its credential (err %v):\n%s", err, out)
	}
}
