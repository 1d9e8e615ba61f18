package huawei_test

import (
	"testing"
	"time"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/provider/providertest"
)

// fuzzJobs are the jobs FuzzPollAnswers polls, by the first byte of the
// input: each reads a different vendor answer (HSS ListQueryExportTask,
// ROMA CheckAssetJobStatus).
var fuzzJobs = []export.Job{
	{Provider: "huawei", Service: "hss", Kind: export.KindContainers, ID: "task-1", Scope: map[string]string{"project_id": testProject}},
	{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "job-1", Scope: map[string]string{"project_id": testProject, "instance_id": testInst}},
}

// FuzzPollAnswers sends arbitrary answer bodies (and an arbitrary status)
// to PollJob through an HTTP server, for each vendor answer decoder
// (providertest.FuzzPoll): PollJob must never panic, and must return either
// a valid Status or a coded *provider.Error. The seed corpus is
// testdata/fuzz/FuzzPollAnswers.
func FuzzPollAnswers(f *testing.F) {
	providertest.FuzzPoll(f, "application/json;charset=UTF-8", fuzzJobs, func(url string) (provider.Provider, error) {
		return huawei.New(huawei.Options{
			Region: "cn-north-4", ProjectID: testProject, AK: testAK, SK: testSK, ROMAInstanceID: testInst,
			Endpoints: map[string]string{"hss": url, "roma": url},
			RateLimit: 1e9,
			Retry:     provider.RetryPolicy{MaxAttempts: 2, Backoff: provider.Backoff{Min: time.Microsecond, Max: time.Microsecond}},
		})
	})
}
