package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// Policy says which vendor-given URLs may be fetched. The zero Policy allows
// nothing.
type Policy struct {
	// Hosts are host patterns ("*" = one DNS label, everything else
	// literal and case-insensitive) allowed over https at public
	// addresses: the service's documented download domains, which its
	// adapter supplies, plus any the caller adds.
	Hosts []string

	// Endpoints are the base URLs the caller configured (for example
	// Options.Endpoints). Their hosts (with port) are trusted: reachable over
	// the endpoint's own scheme, at any address, loopback and private ones
	// included.
	Endpoints []string

	// Allow, if set, is asked about a URL the rules above refuse. When it
	// returns true the URL's host is trusted like an endpoint's (any
	// scheme, any address): for proxies, private mirrors and private
	// domains. It may also be asked with a URL holding only a scheme and a
	// host (when a connection is dialled), and must not block.
	Allow func(u *url.URL) bool
}

// hostPort returns u's lower-case host name and its port (the scheme's
// default when u has none).
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return net.JoinHostPort(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), port)
}

func denied(host, format string, args ...any) *errs.Error {
	return &errs.Error{Code: errs.PermissionDenied, Message: fmt.Sprintf("download host %q: ", host) + fmt.Sprintf(format, args...)}
}

// Check parses raw and reports whether p allows fetching it. It returns the
// parsed URL, whether its host is trusted (an endpoint's, or allowed by
// Allow), and a PermissionDenied error naming the host, or an
// InvalidArgument error for what is not an absolute http(s) URL.
func (p *Policy) Check(raw string) (u *url.URL, trusted bool, err error) {
	u, err = url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return nil, false, errs.Invalid("download URL: not an absolute http or https URL")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, false, errs.Invalid("download URL: scheme %q; want https", u.Scheme)
	}
	if u.User != nil {
		return nil, false, denied(u.Hostname(), "a URL with user information is never fetched")
	}
	hp := hostPort(u)
	for _, e := range p.Endpoints {
		eu, err := url.Parse(e)
		if err != nil || eu.Host == "" {
			continue
		}
		if hostPort(eu) == hp && (strings.EqualFold(eu.Scheme, scheme) || scheme == "https") {
			return u, true, nil
		}
	}
	if p.Allow != nil && p.Allow(u) {
		return u, true, nil
	}
	if scheme != "https" {
		return nil, false, denied(u.Hostname(), "only https is allowed outside a configured endpoint")
	}
	if !matchAny(p.Hosts, u.Hostname()) {
		return nil, false, denied(u.Hostname(), "not a vendor download host (allowed: %s) nor a configured endpoint", strings.Join(p.Hosts, ", "))
	}
	return u, false, nil
}

// matchAny reports whether host matches one of patterns.
func matchAny(patterns []string, host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(host); err != nil && host != "" {
		for _, p := range patterns {
			if MatchHost(strings.ToLower(p), host) {
				return true
			}
		}
	}
	return false
}

// MatchHost reports whether host has as many DNS labels as pattern, each
// equal to the pattern's or matched by its "*" (one non-empty label). Both
// are expected in lower case.
func MatchHost(pattern, host string) bool {
	pl, hl := strings.Split(pattern, "."), strings.Split(host, ".")
	if len(pl) != len(hl) {
		return false
	}
	for i := range pl {
		if hl[i] == "" || (pl[i] != "*" && pl[i] != hl[i]) {
			return false
		}
	}
	return true
}

// PatternProblem says what is wrong with p as a download host pattern
// that MatchHost can match, or returns "" when nothing is: a host name of
// at most 253 bytes whose dot-separated labels are 1 to 63 letters,
// digits, '-' or '_', or "*" for one label but not in the last two (which
// would allow a whole domain). A URL, a port, a path or an IP address
// never matches a download link's host, so each is a problem rather than
// a rule that silently refuses. The caller names its field or flag.
func PatternProblem(p string) string {
	switch {
	case strings.Contains(p, "://"):
		return "give the host alone, without the scheme (downloads are https)"
	case strings.ContainsAny(p, "/?#"):
		return "give the host alone, without a path"
	case strings.ContainsAny(p, ":[]"):
		return "give the host alone, without a port (any port of the host is allowed); an IPv6 address never matches"
	case p == "" || len(p) > 253:
		return fmt.Sprintf("%d bytes", len(p))
	}
	if _, err := netip.ParseAddr(p); err == nil {
		return "an IP address never matches a download host"
	}
	labels := strings.Split(strings.TrimSuffix(p, "."), ".")
	for i, l := range labels {
		if l == "*" {
			if i >= len(labels)-2 {
				return "'*' in the last two labels would allow a whole domain"
			}
			continue
		}
		if !hostLabel(l) {
			return fmt.Sprintf("label %q is empty, longer than 63 characters, or holds a character other than a letter, digit, '-' or '_'", l)
		}
	}
	return ""
}

// hostLabel reports whether l is 1 to 63 letters, digits, '-' or '_'.
func hostLabel(l string) bool {
	if l == "" || len(l) > 63 {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Client returns a copy of base (http.DefaultClient when nil; base itself is
// never changed) for fetching URLs that passed Check. Its redirects must stay
// on the same host without leaving https (base's CheckRedirect is not
// used), and every new connection is
// refused, at dial time, when the address DNS returned is not a public
// unicast address and the host is not trusted.
//
// When base's Transport is an *http.Transport (or nil), the copy gets a clone
// with a guarded dialer; the transport's proxy, if any, is trusted as the
// caller's own choice. Any other RoundTripper cannot be given a dialer: then
// only literal IP hosts are checked before sending, and DNS answers are not.
func (p *Policy) Client(base *http.Client) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	c := *base
	g := &guard{p: p}
	switch t := base.Transport.(type) {
	case nil:
		c.Transport = g.transport(http.DefaultTransport.(*http.Transport).Clone())
	case *http.Transport:
		c.Transport = g.transport(t.Clone())
	default:
		c.Transport = roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if err := g.checkLiteral(req.URL); err != nil {
				return nil, err
			}
			return t.RoundTrip(req)
		})
	}
	// base's own CheckRedirect is not consulted: the redirect rules of a
	// download are these, whatever client the caller supplied (provider's
	// package doc: its redirect policy is not used).
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if hostPort(req.URL) != hostPort(first) {
			return denied(req.URL.Hostname(), "a download from %q redirected to another host", first.Hostname())
		}
		if strings.EqualFold(first.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
			return denied(req.URL.Hostname(), "a download redirected from https to %s", req.URL.Scheme)
		}
		if len(via) >= 10 {
			return denied(req.URL.Hostname(), "stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// guard decides, per dialled host:port, whether the address check applies.
type guard struct {
	p       *Policy
	proxies sync.Map // host:port of proxies the transport chose -> true
}

// trusted reports whether host:port (as dialled) belongs to a trusted host.
func (g *guard) trusted(hp string) bool {
	if _, ok := g.proxies.Load(hp); ok {
		return true
	}
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return false
	}
	for _, scheme := range []string{"https", "http"} {
		u := &url.URL{Scheme: scheme, Host: net.JoinHostPort(host, port)}
		if _, ok, err := g.p.Check(u.String() + "/"); err == nil && ok {
			return true
		}
	}
	return false
}

func (g *guard) transport(t *http.Transport) *http.Transport {
	if proxy := t.Proxy; proxy != nil {
		t.Proxy = func(req *http.Request) (*url.URL, error) {
			u, err := proxy(req)
			if u != nil {
				g.proxies.Store(hostPort(u), true)
			}
			return u, err
		}
	}
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	guarded := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: control}
	custom := t.DialContext != nil
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if g.trusted(addr) {
			return dial(ctx, network, addr)
		}
		if custom {
			// A caller's dialer cannot be given a Control hook; check what
			// it connected to instead.
			conn, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if err := control(network, conn.RemoteAddr().String(), nil); err != nil {
				conn.Close()
				return nil, named(addr, err)
			}
			return conn, nil
		}
		conn, err := guarded.DialContext(ctx, network, addr)
		if err != nil {
			return nil, named(addr, err)
		}
		return conn, nil
	}
	return t
}

// named returns control's refusal in err, if any, with the dialled host
// named; any other error is returned as is.
func named(addr string, err error) error {
	var pe *errs.Error
	if !errors.As(err, &pe) {
		return err
	}
	host, _, _ := net.SplitHostPort(addr)
	return denied(host, "%s", pe.Message)
}

// checkLiteral refuses a URL whose host is a forbidden IP literal.
func (g *guard) checkLiteral(u *url.URL) error {
	hp := hostPort(u)
	if g.trusted(hp) {
		return nil
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !publicAddr(ip) {
		return denied(u.Hostname(), "%s is not a public address", ip)
	}
	return nil
}

// control is the dialer's Control hook: it sees the resolved address.
func control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &errs.Error{Code: errs.PermissionDenied, Message: fmt.Sprintf("dial %s: not an IP address", address)}
	}
	if !publicAddr(ap.Addr()) {
		return &errs.Error{Code: errs.PermissionDenied, Message: fmt.Sprintf("refusing to connect to %s: not a public address (loopback, link-local, private, shared, unspecified or reserved)", ap.Addr())}
	}
	return nil
}

// Address ranges IsGlobalUnicast and IsPrivate do not exclude.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier NAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may embed any IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("2002::/16"),       // 6to4: may embed any IPv4
	netip.MustParsePrefix("2001::/32"),       // Teredo: may embed any IPv4
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated): may embed any IPv4
}

// publicAddr reports whether ip is a public unicast address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
