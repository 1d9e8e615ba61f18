package redisquota_test

import (
	"go/parser"
	"go/token"
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

// TestPackageDocIsWhole: the package comment is one comment group. A blank
// line inside it made go doc and pkg.go.dev drop everything before the
// blank line, the package's first sentence and its rate-limit section
// included.
func TestPackageDocIsWhole(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	for _, want := range []string{"Package redisquota shares", "# Rate limits", "# Adaptive back-off", "# Leases"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the package doc lacks %q; it begins %.60q", want, doc)
		}
	}
}
