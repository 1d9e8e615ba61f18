package safehttp

import (
	"net/netip"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"169.254.169.254":     false, // cloud metadata (Huawei, AWS)
		"169.254.0.23":        false, // Tencent metadata
		"127.0.0.1":           false,
		"10.1.2.3":            false,
		"172.16.0.1":          false,
		"192.168.1.1":         false,
		"100.64.0.1":          false,
		"0.0.0.0":             false,
		"255.255.255.255":     false,
		"224.0.0.1":           false,
		"::1":                 false,
		"::":                  false,
		"fe80::1":             false,
		"fd00::1":             false,
		"::ffff:127.0.0.1":    false,
		"::ffff:169.254.0.23": false,
		"64:ff9b::a9fe:a9fe":  false,
		"2002:a9fe:a9fe::1":   false,
		"::127.0.0.1":         false, // IPv4-compatible (deprecated, ::/96): embeds any IPv4
		"::169.254.169.254":   false,
		"::8.8.8.8":           false,
		"203.205.128.1":       true,
		"8.8.8.8":             true,
		"2402:4e00::1":        true,
	} {
		if got := publicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("publicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}
