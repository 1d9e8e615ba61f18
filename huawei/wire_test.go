package huawei_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	hssmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
	romamodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/roma/v2/model"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
)

// strict decodes b into v, rejecting fields v does not have.
func strict(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s does not fit %T: %v", b, v, err)
	}
}

// TestBodiesFitTheSDKModels checks every body field the adapter sends
// against the SDK's request models (the adapter does not import them).
func TestBodiesFitTheSDKModels(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, b []byte) { answer(w, 200, `{"task_id":"t","job_id":"j"}`) })
	p := f.provider(t)
	t0 := time.UnixMilli(1700000000000)
	_, err := p.CreateExportJob(context.Background(), export.Request{Target: export.Containers{}, Filters: []export.Filter{
		export.Eq("cluster_container", "true"), export.Eq("cluster_type", "cce"), export.Eq("cluster_name", "c"),
		export.Eq("container_name", "n"), export.Eq("pod_name", "p"), export.Eq("image_name", "i"), export.Eq("status", "paused"),
		export.Eq("risky", "false"), export.Between("create_time", t0, t0.Add(time.Hour)), export.Eq("cpu_limit", "100m"),
		export.Eq("memory_limit", "300Mi"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, body := f.last(t)
	var hb hssmodel.ExportContainerListRequestBody
	strict(t, body, &hb)
	if hb.CreateTime == nil || *hb.CreateTime.StartTime != 1700000000000 || len(hb.ExportHeaders) != 16 || *hb.Status != "Paused" {
		t.Errorf("decoded %s", hb.String())
	}

	_, err = p.CreateExportJob(context.Background(), export.Request{Target: export.Assets{AppIDs: []string{"a"}, TaskIDs: []string{"t"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, body = f.last(t)
	var rb romamodel.AssetExportRequest
	strict(t, body, &rb)
	if len(rb.Apps) != 1 || *rb.Apps[0].Id != "a" || rb.Tasks == nil || *(*rb.Tasks)[0].Id != "t" {
		t.Errorf("decoded %s", rb.String())
	}
}

// TestEscapeHatchesMatchTheSDKModels checks that the escape-hatch types read
// every field of the SDK's response models under the same names.
func TestEscapeHatchesMatchTheSDKModels(t *testing.T) {
	yes, n32, n64, s := true, int32(7), int64(9), "x"
	sdkPolicy := hssmodel.ListImageScanPolicyResponse{IsAll: &yes, Enabled: &yes, ScanCycle: &n32, ScanScope: &n32, RateLimit: &n32,
		TimeScope: &n32, TotalRegistryNum: &n32, RegistryList: &[]hssmodel.ImageScanPolicyRespInfoRegistryList{
			{IsSelected: &yes, RegistryName: &s, RegistryId: &s, RegistryType: &s}}}
	days := []int32{1, 2}
	ids := []string{"h"}
	sdkVul := hssmodel.ShowVulScanPolicyResponse{ScanPeriod: &s, ScanVulTypes: &ids, ScanRangeType: &s, HostIds: &ids, TotalHostNum: &n64,
		Status: &s, Time: &hssmodel.VulScanPolicyResponseInfoTime{DayPart: &days, HourPart: &n32, MinutePart: &n32, NextScanTime: &n64, TimezoneOffset: &n32}}
	for _, c := range []struct {
		sdk, ours any
	}{{sdkPolicy, &huawei.ImageScanPolicy{}}, {sdkVul, &huawei.VulScanPolicy{}}} {
		b, err := json.Marshal(c.sdk)
		if err != nil {
			t.Fatal(err)
		}
		strict(t, b, c.ours)
		back, err := json.Marshal(c.ours)
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		_ = json.Unmarshal(b, &want)
		_ = json.Unmarshal(back, &got)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%T (-sdk +ours):\n%s", c.ours, d)
		}
	}
}
