package huawei

import (
	"math/rand/v2"
	"testing"
)

// mapBody is the containers body as the adapter built it before
// containersBody: a map encoded by jsonBody. containersBody must give the
// same bytes.
func mapBody(t testing.TB, filters []containerFilter, headers [][2]string) string {
	t.Helper()
	body := map[string]any{"export_headers": headers}
	for _, f := range filters {
		switch f.kind {
		case filterBool:
			body[f.key] = f.value == "true"
		case filterRange:
			body[f.key] = map[string]int64{"start_time": f.from, "end_time": f.to}
		default:
			body[f.key] = f.value
		}
	}
	s, err := jsonBody(body)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// awkward are strings whose JSON needs escaping or is easy to get wrong.
var awkward = []string{
	"", "plain", `quote"d`, `back\slash`, "tab\there", "nl\n", "\x00\x1f\x7f", "<a&b>", "ünïcødé", "日本語",
	"\xff\xfe invalid", "\u2028\u2029", "emoji 😀", "a\"\\\b\f\n\r\t",
}

func TestContainersBodyMatchesEncoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]string, 0, len(containerFilters))
	for _, f := range containerFilters {
		keys = append(keys, f.Vendor)
	}
	for n := 0; n < 2000; n++ {
		var fs []containerFilter
		for _, i := range rng.Perm(len(keys))[:rng.IntN(len(keys)+1)] {
			f := containerFilter{key: keys[i], kind: rng.IntN(3)}
			switch f.kind {
			case filterBool:
				f.value = []string{"true", "false"}[rng.IntN(2)]
			case filterRange:
				f.from, f.to = rng.Int64()-rng.Int64(), rng.Int64()
			default:
				f.value = awkward[rng.IntN(len(awkward))]
			}
			fs = append(fs, f)
		}
		headers := containerDefaultHeaders
		hjson := containerDefaultHeadersJSON
		if rng.IntN(2) == 0 {
			headers = [][2]string{{"status", awkward[rng.IntN(len(awkward))]}, {awkward[rng.IntN(len(awkward))], "Title"}}
			hjson = string(appendHeaders(nil, headers))
		}
		want := mapBody(t, fs, headers)
		sortFilters(fs)
		if got := containersBody(fs, hjson); got != want {
			t.Fatalf("filters %+v headers %q:\ngot  %s\nwant %s", fs, headers, got, want)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range awkward {
		want, err := jsonBody(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendJSONString(nil, s)); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzContainersBody(f *testing.F) {
	for _, s := range awkward {
		f.Add(s, s, true, int64(0), int64(1))
	}
	f.Fuzz(func(t *testing.T, value, title string, risky bool, from, to int64) {
		fs := []containerFilter{
			{key: "cluster_name", kind: filterString, value: value},
			{key: "risky", kind: filterBool, value: map[bool]string{true: "true", false: "false"}[risky]},
			{key: "create_time", kind: filterRange, from: from, to: to},
			{key: "status", kind: filterString, value: title},
		}
		headers := [][2]string{{"status", title}, {value, "x"}}
		want := mapBody(t, fs, headers)
		sortFilters(fs)
		if got := containersBody(fs, string(appendHeaders(nil, headers))); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
