package bench_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
)

// TestExportROMAValidatesBeforeSending checks, against the Huawei emulator,
// that Export validates all parts of a split ROMA export before it creates
// any job, and that the error names the caller's own index: 250 ids with a
// bad one at 230 send nothing and name Target.AppIDs[230], not index 30 of
// the third part.
func TestExportROMAValidatesBeforeSending(t *testing.T) {
	s := huaweitest.NewServer()
	defer s.Close()
	p, err := huawei.New(s.Options())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 250)
	for i := range ids {
		ids[i] = fmt.Sprintf("app-%03d", i)
	}
	ids[230] = "bad/id"
	_, err = provider.Export(context.Background(), p, export.Request{Target: export.Assets{AppIDs: ids}}, nil)
	if !errors.Is(err, provider.ErrInvalidArgument) {
		t.Fatalf("err = %v, want InvalidArgument", err)
	}
	if !strings.Contains(err.Error(), "Target.AppIDs[230]") {
		t.Errorf("err = %v; want it to name Target.AppIDs[230]", err)
	}
	if strings.Contains(err.Error(), "[30]") {
		t.Errorf("err = %v names the index within the part", err)
	}
	t.Log(err)
	if n := s.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator; want 0", n)
	}
}
