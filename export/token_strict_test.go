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

// ce1 wraps JSON the way Job.Token does.
func ce1(json string) string { return "ce1." + base64.RawURLEncoding.EncodeToString([]byte(json)) }

// Each of these spells a job some other way than Job.Token would; the old
// decoder (encoding/json) accepted every one, so one job had many tokens.
func TestParseTokenRefusesMalleableTokens(t *testing.T) {
	base := `{"p":"tencent","s":"tcss","k":"components","i":"x"}`
	if _, err := export.ParseToken(ce1(base)); err != nil {
		t.Fatalf("the canonical token is refused: %v", err)
	}
	// 52 bytes of JSON leave 4 unused bits in the last base64 digit.
	odd := `{"p":"tencent","s":"tcss","k":"components","i":"xy"}`
	if len(odd)%3 != 1 {
		t.Fatalf("len %d: the base64 case needs unused bits", len(odd))
	}
	canonical := ce1(odd)
	if _, err := export.ParseToken(canonical); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ tok, msg string }{
		"duplicate key":          {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","i":"y"}`), `"i" is given twice`},
		"case-folded key":        {ce1(`{"P":"tencent","s":"tcss","k":"components","i":"x"}`), `unknown key "P"`},
		"case-folded twin":       {ce1(`{"p":"huawei","P":"tencent","s":"tcss","k":"components","i":"x"}`), `unknown key "P"`},
		"trailing object":        {ce1(base + `{}`), "data after the JSON object"},
		"trailing garbage":       {ce1(base + `x`), "data after the JSON object"},
		"trailing newline":       {ce1(base + "\n"), "canonical"},
		"duplicate scope key":    {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","sc":{"a":"1","a":"2"}}`), `scope key "a" is given twice`},
		"scope not strings":      {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","sc":{"a":1}}`), `scope "a" is not a string`},
		"escaped key":            {ce1(`{"\u0070":"tencent","s":"tcss","k":"components","i":"x"}`), "canonical"},
		"key order":              {ce1(`{"s":"tcss","p":"tencent","k":"components","i":"x"}`), "canonical"},
		"whitespace":             {ce1(`{"p": "tencent","s":"tcss","k":"components","i":"x"}`), "canonical"},
		"explicit empty region":  {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","r":""}`), "canonical"},
		"null region":            {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","r":null}`), "canonical"},
		"invalid utf-8":          {ce1("{\"p\":\"tencent\",\"s\":\"tcss\",\"k\":\"components\",\"i\":\"\xff\"}"), "UTF-8"},
		"nanos without created":  {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","n":5}`), "creation time"},
		"nanos out of range":     {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","c":0,"n":1000000}`), "creation time"},
		"created past year 9999": {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","c":253402300800000}`), "years 1 to 9999"},
		"created at year 1":      {ce1(`{"p":"tencent","s":"tcss","k":"components","i":"x","c":-62135596800000}`), "canonical"},
		"base64 trailing bits":   {canonical[:len(canonical)-1] + string(nextB64(canonical[len(canonical)-1])), "base64"},
	} {
		t.Run(name, func(t *testing.T) {
			j, err := export.ParseToken(tc.tok)
			if !errors.Is(err, provider.ErrInvalidArgument) {
				t.Fatalf("ParseToken = %+v, %v; want ErrInvalidArgument", j, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

// nextB64 returns the base64url digit after c, so that the last digit of a
// token changes only its unused low bits (lengths here leave 2 or 4 of them).
func nextB64(c byte) byte {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	return digits[(strings.IndexByte(digits, c)+1)%64]
}

// Token used to make tokens over ParseToken's 64 KiB cap; now both apply the
// same check, so the largest job Token accepts parses back, and one byte more
// is refused by Token itself.
func TestTokenRefusesWhatParseTokenRefuses(t *testing.T) {
	job := func(n int) export.Job {
		return export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: strings.Repeat("a", n)}
	}
	// The largest ID that fits: search, since base64 rounds.
	lo, hi := 1, 64<<10
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if _, err := job(mid).Token(); err == nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	tok, err := job(lo).Token()
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > 64<<10 || len(tok) < 64<<10-3 {
		t.Errorf("largest token is %d bytes; want just under 64 KiB", len(tok))
	}
	if _, err := export.ParseToken(tok); err != nil {
		t.Errorf("ParseToken refuses the largest token Token makes: %v", err)
	}
	if _, err := job(lo + 1).Token(); !errors.Is(err, provider.ErrInvalidArgument) || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("Token of a job one byte over = %v; want ErrInvalidArgument naming the limit", err)
	}
	if _, err := job(1 << 20).Token(); !errors.Is(err, provider.ErrInvalidArgument) {
		t.Errorf("Token of a 1 MiB id = %v; want ErrInvalidArgument", err)
	}
}

func TestTokenRefusesInvalidUTF8AndOutOfRangeTimes(t *testing.T) {
	ok := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "x"}
	for name, mod := range map[string]func(*export.Job){
		"id":        func(j *export.Job) { j.ID = "a\xffb" },
		"region":    func(j *export.Job) { j.Region = "\xc3" },
		"scope key": func(j *export.Job) { j.Scope = map[string]string{"\xff": "v"} },
		"scope val": func(j *export.Job) { j.Scope = map[string]string{"k": "\xff"} },
		"year 0":    func(j *export.Job) { j.Created = time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC) },
		"year 10000": func(j *export.Job) {
			j.Created = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		},
	} {
		t.Run(name, func(t *testing.T) {
			j := ok
			mod(&j)
			if tok, err := j.Token(); !errors.Is(err, provider.ErrInvalidArgument) {
				t.Fatalf("Token = %q, %v; want ErrInvalidArgument (JSON would rewrite or lose it)", tok, err)
			}
		})
	}
}

// Created used to travel as omitempty milliseconds: the epoch vanished and
// sub-millisecond parts were cut.
func TestTokenCreatedRoundTripsExactly(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []time.Time{
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Unix(-1, 999_999_999),
		time.Date(1969, 12, 31, 23, 59, 59, 123_456_789, time.UTC),
		time.Date(2026, 11, 23, 5, 0, 0, 123_456_789, shanghai),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Now(), // with a monotonic reading
	} {
		j := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "x", Created: c}
		tok, err := j.Token()
		if err != nil {
			t.Fatalf("Token(Created %v): %v", c, err)
		}
		got, err := export.ParseToken(tok)
		if err != nil {
			t.Fatalf("ParseToken(Created %v): %v", c, err)
		}
		if !got.Created.Equal(c) || got.Created.IsZero() || got.Created.Location() != time.UTC {
			t.Errorf("Created %v came back as %v; want the same instant in UTC", c, got.Created)
		}
	}
}

// Tokens written before the n (nanoseconds) field existed still parse.
func TestParseTokenReadsOlderTokens(t *testing.T) {
	got, err := export.ParseToken(ce1(`{"p":"huawei","s":"roma","k":"assets","i":"j1","r":"cn-north-4","sc":{"instance_id":"i-1","project_id":"p"},"c":1700000000123}`))
	if err != nil {
		t.Fatal(err)
	}
	want := export.Job{Provider: "huawei", Service: "roma", Kind: export.KindAssets, ID: "j1", Region: "cn-north-4",
		Scope: map[string]string{"instance_id": "i-1", "project_id": "p"}, Created: time.UnixMilli(1700000000123).UTC()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestParseTokenErrorsQuoteLittle: a token comes from outside (a URL, a
// database), and its errors end up in logs. They quote a bad key, but only
// a short prefix of it: a 20 KiB key must not be echoed whole.
func TestParseTokenErrorsQuoteLittle(t *testing.T) {
	long := strings.Repeat("k", 20<<10)
	for name, tok := range map[string]string{
		"unknown key":          ce1(`{"` + long + `":1}`),
		"scope key twice":      ce1(`{"p":"tencent","s":"tcss","k":"components","i":"1","sc":{"` + long + `":"a","` + long + `":"b"}}`),
		"scope not a string":   ce1(`{"p":"tencent","s":"tcss","k":"components","i":"1","sc":{"` + long + `":1}}`),
		"top-level key twice":  ce1(`{"p":"a","p":"b"}`),
		"unknown key, unicode": ce1(`{"` + strings.Repeat("é", 10<<10) + `":1}`),
	} {
		_, err := export.ParseToken(tok)
		if !errors.Is(err, provider.ErrInvalidArgument) {
			t.Errorf("%s: err = %v; want ErrInvalidArgument", name, err)
			continue
		}
		if n := len(err.Error()); n > 300 {
			t.Errorf("%s: the error has %d bytes; want the key quoted short (at most 300 bytes in all)", name, n)
		}
	}
}
