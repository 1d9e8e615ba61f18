// Package providertest is the conformance suite every cloud adapter runs
// through its in-process emulator. An adapter's tests call Run with a
// Harness; the suite checks the contract of package provider: create, poll,
// wait, download; a failed job; bad requests rejected with nothing sent;
// context cancellation without leaked goroutines; resume tokens; and that
// Capabilities matches behaviour.
package providertest

import (
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

// Emulator is what the suite needs from an adapter's emulator.
type Emulator interface {
	// Requests reports how many API requests the emulator has received so far.
	Requests() int64
	// FailJobs makes jobs created from now on end in failure with reason;
	// "" makes them succeed again.
	FailJobs(reason string)
	// SetLatency delays every answer by d; 0 removes the delay.
	SetLatency(d time.Duration)
}

// Harness wires an adapter to the suite.
type Harness struct {
	// New returns a provider connected to a fresh emulator whose jobs finish
	// quickly (well under a second). Register clean-up with t.Cleanup.
	New func(t *testing.T) (provider.Provider, Emulator)
	// Requests holds one valid request for every export kind the provider serves.
	Requests map[export.Kind]export.Request
	// Invalid holds provider-specific requests that must be rejected with
	// ErrInvalidArgument before anything is sent, named for the subtest.
	Invalid map[string]export.Request
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	t.Helper()
	t.Skip("providertest: suite not written yet")
}
