package tencenttest_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"
	"net/url"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// This example drives the emulator with the Tencent Cloud SDK directly: it
// starts a component export and polls it until it succeeds. Adapter code
// would call tencent.New(s.Options()) instead.
func ExampleNewServer() {
	s := tencenttest.NewServer()
	defer s.Close()
	s.SetJobDuration(50 * time.Millisecond)

	id, key := s.Credentials()
	u, _ := url.Parse(s.URL())
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "http"
	cpf.HttpProfile.Endpoint = u.Host
	client := common.NewCommonClient(common.NewCredential(id, key), tencenttest.Region, cpf)
	client.WithHttpTransport(s.Options().HTTPClient.Transport)

	call := func(action string, params map[string]any, out any) error {
		req := tchttp.NewCommonRequest("tcss", tencenttest.TCSSVersion, action)
		if err := req.SetActionParameters(params); err != nil {
			return err
		}
		resp := tchttp.NewCommonResponse()
		if err := client.Send(req, resp); err != nil {
			return err
		}
		return json.Unmarshal(resp.GetBody(), &struct{ Response any }{out})
	}

	var created struct{ JobId string }
	err := call("CreateComponentExportJob", map[string]any{
		"ImageID":     tencenttest.SeedImageID,
		"ExportField": []string{"Name", "VulCount"},
		"Filters":     []map[string]any{{"Name": "VulLevel", "Values": []string{"CRITICAL"}, "ExactMatch": true}},
	}, &created)
	if err != nil {
		fmt.Println(err)
		return
	}
	for {
		var r struct {
			ExportStatus string
			DownloadURL  *string
		}
		if err := call("DescribeExportJobResult", map[string]any{"JobId": created.JobId}, &r); err != nil {
			fmt.Println(err)
			return
		}
		if r.ExportStatus != "RUNNING" {
			fmt.Println(r.ExportStatus, r.DownloadURL != nil)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Errors come back as the SDK's error type with the vendor's code.
	var sdkErr *errors.TencentCloudSDKError
	if err := call("CreateComponentExportJob", map[string]any{"Limit": 20000, "ImageID": tencenttest.SeedImageID}, nil); stderrors.As(err, &sdkErr) {
		fmt.Println(sdkErr.Code)
	}
	// Output:
	// SUCCESS true
	// InvalidParameterValue
}
