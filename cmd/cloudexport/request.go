package main

import (
	"strings"
	"time"

	"github.com/cloudexport/cloudexport/export"
)

// parseFilter reads one --filter: field=v1,v2 (any of), field~text (contains),
// field=FROM..TO (a range; RFC 3339 or YYYY-MM-DD, either side may be empty).
func parseFilter(s string) (export.Filter, error) {
	i := strings.IndexAny(s, "=~")
	if i <= 0 {
		return export.Filter{}, usagef("--filter %q: want field=v1,v2, field~text or field=FROM..TO", s)
	}
	field, op, v := s[:i], s[i], s[i+1:]
	if v == "" {
		return export.Filter{}, usagef("--filter %q: no value after %q", s, string(op))
	}
	if op == '~' {
		return export.Like(field, v), nil
	}
	if from, to, isRange := strings.Cut(v, ".."); isRange {
		f, err := parseTime(s, from, false)
		if err != nil {
			return export.Filter{}, err
		}
		t, err := parseTime(s, to, true)
		if err != nil {
			return export.Filter{}, err
		}
		if f.IsZero() && t.IsZero() {
			return export.Filter{}, usagef("--filter %q: give at least one end of the range", s)
		}
		if !f.IsZero() && !t.IsZero() && t.Before(f) {
			return export.Filter{}, usagef("--filter %q: the range ends before it starts", s)
		}
		return export.Between(field, f, t), nil
	}
	values := strings.Split(v, ",")
	for _, x := range values {
		if x == "" {
			return export.Filter{}, usagef("--filter %q: empty value in the list", s)
		}
	}
	return export.Eq(field, values...), nil
}

// parseTime reads a range bound. A date alone means its midnight UTC; as the
// upper bound it is exclusive of the following day, so 2024-03-01..2024-03-31
// covers all of March 31.
func parseTime(flag, s string, upper bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if upper {
			t = t.Add(24*time.Hour - time.Millisecond)
		}
		return t, nil
	}
	return time.Time{}, usagef("--filter %q: %q is not a time; want RFC 3339 (2024-03-01T08:00:00Z) or a date (2024-03-01)", flag, s)
}

// parseColumns reads --columns: key,key:Header,...
func parseColumns(s string) ([]export.Column, error) {
	if s == "" {
		return nil, nil
	}
	var out []export.Column
	for _, c := range strings.Split(s, ",") {
		key, header, _ := strings.Cut(c, ":")
		key = strings.TrimSpace(key)
		if key == "" {
			return nil, usagef("--columns %q: empty column key; want key1,key2 or key:Header", s)
		}
		out = append(out, export.Column{Key: key, Header: header})
	}
	return out, nil
}

// parseSort reads --sort field[:asc|desc].
func parseSort(s string) (*export.Sort, error) {
	if s == "" {
		return nil, nil
	}
	field, dir, _ := strings.Cut(s, ":")
	if field == "" {
		return nil, usagef("--sort %q: want field, field:asc or field:desc", s)
	}
	switch strings.ToLower(dir) {
	case "", "asc":
		return &export.Sort{Field: field}, nil
	case "desc":
		return &export.Sort{Field: field, Desc: true}, nil
	}
	return nil, usagef("--sort %q: direction %q is not asc or desc", s, dir)
}
