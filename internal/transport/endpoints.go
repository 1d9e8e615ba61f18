package transport

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// Endpoints is the one parser of Options.Endpoints: it returns the base
// URL of every service given (keys are case-insensitive; an empty value
// means the default), and rejects a key not in known and a value that is
// not an http or https base URL (scheme://host[:port][/path], no user
// info, query or fragment). A path loses its trailing slash. Services not
// given are left out, for the adapter to default.
func Endpoints(in map[string]string, known []string) (map[string]*url.URL, error) {
	out := make(map[string]*url.URL, len(known))
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)                          // the first bad entry is reported, the same one every time
	given := make(map[string]string, len(keys)) // lower-case key -> the key as given
	for _, k := range keys {
		v := in[k]
		key := strings.ToLower(k)
		if !contains(known, key) {
			return nil, errs.Invalid("Options.Endpoints: unknown service %q; want one of %s", k, strings.Join(known, ", "))
		}
		if other, ok := given[key]; ok {
			return nil, errs.Invalid("Options.Endpoints: %q and %q name the same service; give it once", other, k)
		}
		given[key] = k
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil {
			// Neither v nor url.Parse's error is echoed whole: both quote
			// parts of v, and an unparsable URL may still hold a password
			// (http://user:secret/x reads as host "user", port "secret").
			why := err
			if ue, ok := err.(*url.Error); ok {
				why = ue.Err
			}
			return nil, errs.Invalid("Options.Endpoints[%q]: not a URL (%s); want a base URL such as http://127.0.0.1:9000", k, unquoted(why.Error()))
		}
		u.Scheme = strings.ToLower(u.Scheme)
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, errs.Invalid("Options.Endpoints[%q]: scheme %q is not allowed; want http or https (e.g. http://127.0.0.1:9000)", k, u.Scheme)
		}
		if u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
			return nil, errs.Invalid("Options.Endpoints[%q]: want scheme://host[:port][/path] with no user, query or fragment", k)
		}
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = ""
		out[key] = u
	}
	return out, nil
}

// quoted matches a Go-quoted string inside an error message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// unquoted is msg with every quoted part replaced by "…": what kind of
// error it is, without the text it quotes.
func unquoted(msg string) string {
	return quoted.ReplaceAllString(msg, `"…"`)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
