package providertest

import (
	"context"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// nanProgress is a provider whose running job reports a NaN progress.
type nanProgress struct {
	leaky
	polls *atomic.Int64
}

func (p nanProgress) PollJob(_ context.Context, job export.Job) (export.Status, error) {
	if p.polls.Add(1) == 1 {
		return export.Status{Job: job, State: export.StateRunning, Progress: math.NaN()}, nil
	}
	return export.Status{Job: job, State: export.StateSucceeded, Progress: 1, Files: []export.File{{Name: "f.csv"}}}, nil
}

// TestNaNProgressIsCaught: the lifecycle check let a NaN progress through
// (every comparison with NaN is false), though the contract says progress
// is -1 or within 0..1. The suite runs on such a provider in a child
// process, which must fail saying so.
func TestNaNProgressIsCaught(t *testing.T) {
	if os.Getenv("PROVIDERTEST_NAN_CHILD") == "1" {
		em := &leakyEmulator{}
		p := nanProgress{leaky{em}, new(atomic.Int64)}
		testLifecycle(t, Harness{New: func(*testing.T) (provider.Provider, Emulator) { return p, em }},
			export.Request{Target: export.Components{ImageID: "i"}})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestNaNProgressIsCaught$")
	cmd.Env = append(os.Environ(), "PROVIDERTEST_NAN_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "progress NaN") {
		t.Errorf("the suite passed a provider that reports a NaN progress (err %v):\n%s", err, out)
	}
}
