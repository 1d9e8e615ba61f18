package tencent_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"

	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// TestCommonClient calls a CWP action this library does not model through
// the generic client CommonClient returns: it reaches the provider's CWP
// endpoint, signed with its credentials. An unknown service is refused,
// naming the ones there are.
func TestCommonClient(t *testing.T) {
	p, s := newEmulated(t)
	s.SetScanVulSetting(tencenttest.ScanVulSetting{TimerTime: "03:30", TimerInterval: 7, EnableScan: 1})
	c, err := p.CommonClient("cwp")
	if err != nil {
		t.Fatalf("CommonClient(cwp): %v", err)
	}
	req := tchttp.NewCommonRequest("cwp", "2018-02-28", "DescribeScanVulSetting")
	if err := req.SetActionParameters(map[string]any{}); err != nil {
		t.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		t.Fatalf("DescribeScanVulSetting through CommonClient: %v", err)
	}
	var got struct {
		Response struct {
			TimerTime     string
			TimerInterval uint64
		}
	}
	if err := json.Unmarshal(resp.GetBody(), &got); err != nil {
		t.Fatalf("answer %q: %v", resp.GetBody(), err)
	}
	if got.Response.TimerTime != "03:30" || got.Response.TimerInterval != 7 {
		t.Errorf("answer = %+v, want TimerTime 03:30 and TimerInterval 7 as the emulator holds", got.Response)
	}

	for _, bad := range []string{"cvm", "", "TCSS"} {
		_, err := p.CommonClient(bad)
		if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), `"cwp" or "tcss"`) {
			t.Errorf("CommonClient(%q) = %v; want ErrInvalidArgument naming \"cwp\" or \"tcss\"", bad, err)
		}
	}
}
