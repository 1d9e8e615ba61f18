package huaweitest_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/cloudexport/cloudexport/huawei/huaweitest"
)

// The server checks AK/SK signatures like the real gateway: sign requests
// with the SDK's signer and the credentials from Options.
func ExampleNewServer() {
	srv := huaweitest.NewServer()
	defer srv.Close()
	o := srv.Options()

	req := request.NewHttpRequestBuilder().
		WithEndpoint(o.Endpoints["hss"]).
		WithPath("/v5/"+o.ProjectID+"/vulnerability/scan-policy").
		WithMethod("GET").
		AddHeaderParam("X-Project-Id", o.ProjectID).
		Build()
	auth, err := signer.Sign(req, o.AK, o.SK)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, v := range auth {
		req.AddHeaderParam(k, v)
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var policy huaweitest.VulScanPolicy
	if err := json.NewDecoder(resp.Body).Decode(&policy); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, policy.ScanPeriod, policy.Time.HourPart, policy.Time.MinutePart, policy.Time.TimezoneOffset)
	// Output: 200 one_week 2 30 -480
}

// Seed the inventory an export reads before pointing the adapter at the server.
func ExampleServer_SetContainers() {
	srv := huaweitest.NewServer()
	defer srv.Close()
	srv.SetContainers([]huaweitest.Container{
		{ContainerID: "c1", ContainerName: "web", Status: "Running", ClusterType: "cce", ClusterContainer: true},
	})
	o := srv.Options()
	fmt.Println(o.Region, o.Endpoints["hss"] == srv.URL(), o.Endpoints["roma"] == srv.URL(), len(srv.Containers()))
	// Output: cn-north-4 true true 1
}
