package huawei

import "strconv"

// The containers body is written without reflection: encoding a
// map[string]any of pointers and [2]string arrays was the largest part of
// a create's own work (about 2.5µs of 21µs against a canned answer), and
// it touched enough type metadata to cost several times that once the
// emulator's work between two calls had evicted it from the CPU caches.
// The bytes are the ones jsonBody gives for the map the adapter used to
// build (members in key order, no HTML escaping, no trailing newline);
// TestContainersBodyMatchesEncoding holds them to that.

// appendJSONString appends s as a JSON string, as an encoding/json Encoder
// with SetEscapeHTML(false) writes it: printable ASCII is copied, and
// anything else (a quote, a backslash, a control byte, non-ASCII text,
// invalid UTF-8) is left to encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return appendEncoded(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendEncoded is appendJSONString's path for a string that needs
// escaping: encoding/json's own rules, byte for byte.
func appendEncoded(b []byte, s string) []byte {
	enc, err := jsonBody(s)
	if err != nil { // a string always encodes; keep the text valid anyway
		return append(b, `""`...)
	}
	return append(b, enc...)
}

// appendHeaders appends export_headers' value, [key, title] pairs.
func appendHeaders(b []byte, pairs [][2]string) []byte {
	b = append(b, '[')
	for i, h := range pairs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, h[0])
		b = append(b, ',')
		b = appendJSONString(b, h[1])
		b = append(b, ']')
	}
	return append(b, ']')
}

// headersKey is the body member that carries the columns.
const headersKey = "export_headers"

// containerDefaultHeadersJSON is export_headers' value for a request that
// names no columns, written once.
var containerDefaultHeadersJSON = string(appendHeaders(nil, containerDefaultHeaders))

// containersBody writes the ExportContainerList body: one member per
// filter the door checked (a Bool as true or false, a TimeRange as
// {"end_time","start_time"} in epoch milliseconds, any other filter's one
// value as a string) and export_headers, in key order.
func containersBody(filters []containerFilter, headers string) string {
	n := len(headers) + len(headersKey) + 8
	for _, f := range filters {
		n += len(f.key) + len(f.value) + 48
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	sep := false
	member := func(key string) {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = appendJSONString(b, key)
		b = append(b, ':')
	}
	done := false // export_headers written
	for _, f := range filters {
		if !done && headersKey < f.key {
			member(headersKey)
			b = append(b, headers...)
			done = true
		}
		member(f.key)
		switch f.kind {
		case filterBool:
			b = strconv.AppendBool(b, f.value == "true")
		case filterRange:
			b = append(b, `{"end_time":`...)
			b = strconv.AppendInt(b, f.to, 10)
			b = append(b, `,"start_time":`...)
			b = strconv.AppendInt(b, f.from, 10)
			b = append(b, '}')
		default:
			b = appendJSONString(b, f.value)
		}
	}
	if !done {
		member(headersKey)
		b = append(b, headers...)
	}
	b = append(b, '}')
	return string(b)
}

// containerFilter is one member of the containers body.
type containerFilter struct {
	key      string // the HSS body field
	kind     int    // filterString, filterBool or filterRange
	value    string // filterString, filterBool: the vendor value
	from, to int64  // filterRange: epoch milliseconds
}

const (
	filterString = iota
	filterBool
	filterRange
)

// sortFilters orders fs by key, in place: a body has at most one member
// per filter of the table, a dozen, so insertion sort.
func sortFilters(fs []containerFilter) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j-1].key > fs[j].key; j-- {
			fs[j-1], fs[j] = fs[j], fs[j-1]
		}
	}
}
