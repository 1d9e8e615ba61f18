package redisquota_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRedisStaysOptional guards why redisquota is a package of its own:
// programs that use the library without Redis do not compile a Redis client.
func TestRedisStaysOptional(t *testing.T) {
	const mod = "github.com/cloudexport/cloudexport/"
	for _, pkg := range []string{"provider", "export", "scan", "tencent", "huawei"} {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, d := range strings.Fields(string(out)) {
			if strings.HasPrefix(d, "github.com/redis/") || strings.HasPrefix(d, "github.com/go-redis/") || d == mod+"redisquota" {
				t.Errorf("%s depends on %s; only programs that import redisquota should", pkg, d)
			}
		}
	}
}
