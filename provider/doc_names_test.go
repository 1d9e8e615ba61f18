package provider_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPackageDocNamesExist: the names the package doc lists in parentheses,
// such as "(Backoff, RetryPolicy, RateLimiter)", are exported names of the
// package. The doc listed a Retry that does not exist.
func TestPackageDocNamesExist(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	var doc string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc != nil {
			doc += f.Doc.Text()
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					declared[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						declared[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declared[n.Name] = true
						}
					}
				}
			}
		}
	}
	lists := regexp.MustCompile(`\(((?:[A-Z][A-Za-z]*(?:,\s+(?:and\s+)?)?)+)\)`).FindAllStringSubmatch(doc, -1)
	if len(lists) == 0 {
		t.Fatal("found no parenthesised list of names in the package doc")
	}
	for _, l := range lists {
		for _, name := range regexp.MustCompile(`[A-Z][A-Za-z]*`).FindAllString(l[1], -1) {
			if !declared[name] {
				t.Errorf("the package doc names %s in %q; package provider declares no such name", name, l[0])
			}
		}
	}
}
