package tencent_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// Bad identifiers and values are refused at the door: InvalidArgument
// naming the field, and not one request reaches the emulator (issue 11).
func TestBadValuesNeverReachTheWire(t *testing.T) {
	srv := tencenttest.NewServer()
	defer srv.Close()
	p, err := tencent.New(srv.Options())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	img := export.Components{ImageID: "sha256:0123"}
	many := make([]string, 10000)
	for i := range many {
		many[i] = "openssl"
	}
	job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents}
	for _, tc := range []struct {
		name, field string
		call        func() error
	}{
		{"control character in a filter value", "Filters[0] (name): Values[0]: control character U+0000", func() error {
			_, err := p.CreateExportJob(ctx, export.Request{Target: img, Filters: []export.Filter{export.Eq("name", "open\x00ssl")}})
			return err
		}},
		{"newline in a filter value", "Values[1]: control character U+000A", func() error {
			_, err := p.CreateExportJob(ctx, export.Request{Target: img, Filters: []export.Filter{export.Eq("version", "1.0", "1.1\nInjected: x")}})
			return err
		}},
		{"invalid UTF-8 in a filter value", "not valid UTF-8", func() error {
			_, err := p.CreateExportJob(ctx, export.Request{Target: img, Filters: []export.Filter{export.Like("type", "lib\xff")}})
			return err
		}},
		{"a filter with 10,000 values", "Values: 10000 values; want at most 100", func() error {
			_, err := p.CreateExportJob(ctx, export.Request{Target: img, Filters: []export.Filter{export.Eq("name", many...)}})
			return err
		}},
		{"a 1 MiB job id", "Job.ID: 1048576 bytes; want at most 128", func() error {
			j := job
			j.ID = strings.Repeat("a", 1<<20)
			_, err := p.PollJob(ctx, j)
			return err
		}},
		{"a job id with a path step", "Job.ID", func() error {
			j := job
			j.ID = "../../etc"
			_, err := p.PollJob(ctx, j)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("err = %v; want InvalidArgument mentioning %q", err, tc.field)
			}
			if len(err.Error()) > 1024 {
				t.Errorf("the message is %d bytes long; it must not quote the value", len(err.Error()))
			}
		})
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator; want none", n)
	}
}
