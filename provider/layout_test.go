package provider_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPackageLayout guards the layout API.md promises: the neutral packages
// import nothing of the module but the shared error package, nothing but
// examples, tools and tests imports an adapter, and importing one adapter
// does not compile the other vendor's SDK.
func TestPackageLayout(t *testing.T) {
	const mod = "github.com/cloudexport/cloudexport/"
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	for _, pkg := range []string{"export", "scan"} {
		for _, d := range deps(pkg) {
			if strings.HasPrefix(d, mod) && d != mod+pkg && d != mod+"internal/errs" {
				t.Errorf("%s imports %s; it may import only internal/errs of the module", pkg, d)
			}
		}
	}
	for pkg, banned := range map[string][]string{
		"tencent":  {"github.com/huaweicloud/", mod + "huawei"},
		"huawei":   {"github.com/tencentcloud/", mod + "tencent"},
		"provider": {mod + "tencent", mod + "huawei", "github.com/huaweicloud/", "github.com/tencentcloud/"},
		"export":   {"github.com/huaweicloud/", "github.com/tencentcloud/"},
	} {
		for _, d := range deps(pkg) {
			for _, b := range banned {
				if strings.HasPrefix(d, b) {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
}
