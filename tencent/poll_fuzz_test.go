package tencent

import (
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/provider/providertest"
)

// fuzzJobs are the jobs FuzzPollAnswers polls, by the first byte of the
// input: each reads a different vendor answer (TCSS DescribeExportJobResult,
// CVM DescribeImages, CWP ExportTasks).
var fuzzJobs = []export.Job{
	{Provider: Name, Service: serviceTCSS, Kind: export.KindComponents, ID: "job-1", Region: "ap-guangzhou"},
	{Provider: Name, Service: serviceCVM, Kind: export.KindMachineImages, ID: "105591590", Region: "ap-guangzhou",
		Scope: map[string]string{scopeImageIDs: "img-aaaaaaaa,img-bbbbbbbb", scopeCosPaths: "/a.raw,/b.raw", scopeBucket: "b-1"}},
	{Provider: Name, Service: serviceCWP, Kind: export.KindVulnerabilities, ID: "task-1", Region: "ap-guangzhou"},
}

// FuzzPollAnswers sends arbitrary answer bodies (and an arbitrary status)
// to PollJob through an HTTP server, for each vendor answer decoder
// (providertest.FuzzPoll): PollJob must never panic, and must return either
// a valid Status or a coded *provider.Error. The seed corpus, one answer of each kind per decoder
// (testdata/fuzz/FuzzPollAnswers), includes the JSON null on which the
// Tencent SDK itself panics.
func FuzzPollAnswers(f *testing.F) {
	providertest.FuzzPoll(f, "application/json", fuzzJobs, func(url string) (provider.Provider, error) {
		return New(Options{
			Region: "ap-guangzhou", SecretID: "AKIDfuzz", SecretKey: "fuzz-key",
			Endpoints: map[string]string{"tcss": url, "cvm": url, "cwp": url},
			RateLimit: 1e9,
			Retry:     provider.RetryPolicy{MaxAttempts: 2, Backoff: provider.Backoff{Min: time.Microsecond, Max: time.Microsecond}},
		})
	})
}
