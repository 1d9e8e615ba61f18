package export_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/provider"
)

func TestTokenRoundTrip(t *testing.T) {
	jobs := []export.Job{
		{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "937fec8c-4430", Region: "ap-guangzhou",
			Scope: map[string]string{"image_id": "sha256:abc"}, Created: time.Date(2026, 11, 23, 5, 0, 0, 123e6, time.UTC)},
		{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "job/with?odd=chars&", Scope: map[string]string{"instance_id": "i-1", "project_id": "p"}},
		{Provider: "tencent", Service: "cvm", Kind: export.KindMachineImages, ID: "124578"},
	}
	for _, j := range jobs {
		tok, err := j.Token()
		if err != nil {
			t.Fatalf("Token(%+v): %v", j, err)
		}
		if strings.ContainsAny(tok, "+/=?&% ") {
			t.Errorf("token %q is not URL-safe", tok)
		}
		got, err := export.ParseToken(tok)
		if err != nil {
			t.Fatalf("ParseToken: %v", err)
		}
		if diff := cmp.Diff(j, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

func TestParseTokenRejectsGarbage(t *testing.T) {
	valid, err := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "x"}.Token()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(s string) string { return "ce1." + base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, tok := range map[string]string{
		"empty":          "",
		"no prefix":      strings.TrimPrefix(valid, "ce1."),
		"future version": "ce9." + strings.TrimPrefix(valid, "ce1."),
		"bad base64":     "ce1.!!!",
		"not json":       enc("hello"),
		"unknown field":  enc(`{"p":"tencent","s":"tcss","k":"components","i":"x","secret":"y"}`),
		"missing id":     enc(`{"p":"tencent","s":"tcss","k":"components"}`),
		"huge":           "ce1." + strings.Repeat("A", 70<<10),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := export.ParseToken(tok)
			if !errors.Is(err, provider.ErrInvalidArgument) {
				t.Fatalf("ParseToken(%.40q) = %v, want ErrInvalidArgument", tok, err)
			}
			var pe *provider.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *provider.Error", err)
			}
		})
	}
}

func TestTokenNeedsIdentity(t *testing.T) {
	_, err := export.Job{Provider: "tencent", Kind: export.KindComponents}.Token()
	if !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "Service, ID") {
		t.Fatalf("Token of a job without service and id = %v", err)
	}
}

func TestFilterConstructors(t *testing.T) {
	from, to := time.Unix(1700000000, 0), time.Unix(1800000000, 0)
	got := []export.Filter{export.Eq("status", "running", "paused"), export.Like("name", "ssl"), export.Between("create_time", from, to)}
	want := []export.Filter{
		{Field: "status", Values: []string{"running", "paused"}, Match: export.MatchExact},
		{Field: "name", Values: []string{"ssl"}, Match: export.MatchFuzzy},
		{Field: "create_time", From: from, To: to},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got[0].IsRange() || !got[2].IsRange() {
		t.Error("IsRange is wrong")
	}
	if diff := cmp.Diff([]export.Column{{Key: "name"}, {Key: "version"}}, export.Cols("name", "version")); diff != "" {
		t.Errorf("Cols (-want +got):\n%s", diff)
	}
}

func TestStatusDone(t *testing.T) {
	for st, want := range map[export.State]bool{export.StateRunning: false, export.StateSucceeded: true, export.StateFailed: true, "": false} {
		if got := (export.Status{State: st}).Done(); got != want {
			t.Errorf("Done(%q) = %v, want %v", st, got, want)
		}
	}
}

func TestTargetsAreValues(t *testing.T) {
	for want, tg := range map[export.Kind]export.Target{
		export.KindComponents: export.Components{}, export.KindContainers: export.Containers{},
		export.KindAssets: export.Assets{}, export.KindMachineImages: export.MachineImages{},
	} {
		if tg.Kind() != want {
			t.Errorf("%T.Kind() = %q, want %q", tg, tg.Kind(), want)
		}
	}
}
