package vocabtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/internal/vocab"
)

// CheckValueLists checks the neutral values a summary lists in
// parentheses after an enumerated filter of fs, as in
// "level (critical, high, medium, low)" or "`status` (unfixed, ignored;
// one value)": the list, up to a ";", must be the filter's neutral values
// in table order. A filter the text names without a list is not checked.
// where says whose text it is, for messages.
func CheckValueLists(where, text string, fs vocab.Filters) []string {
	var out []string
	for _, f := range fs {
		if f.Kind != vocab.Enumerated || f.NotHere != "" {
			continue
		}
		re := regexp.MustCompile("(?:^|[^a-z_])`?" + regexp.QuoteMeta(f.Field) + "`? \\(([^)]*)\\)")
		want := strings.Join(f.Values.Neutral(), ", ")
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			list, _, _ := strings.Cut(m[1], ";")
			if got := strings.TrimSpace(list); got != want {
				out = append(out, fmt.Sprintf("%s: lists %s (%s); the adapter's values are %s", where, f.Field, got, want))
			}
		}
	}
	return out
}

// MarkdownValueLists checks the value lists (CheckValueLists) in cell
// cell (0 = the label) of the row label of a Markdown table in the file at
// path, such as a README's summary of each kind's filters.
func MarkdownValueLists(t testing.TB, path, label string, cell int, fs vocab.Filters) {
	t.Helper()
	cells, line, err := MarkdownRow(path, label)
	switch {
	case err != nil:
		t.Error(err)
	case cell >= len(cells):
		t.Errorf("%s:%d: row %s has %d cells; want at least %d", filepath.Base(path), line, label, len(cells), cell+1)
	default:
		report(t, CheckValueLists(fmt.Sprintf("%s:%d: row %s", filepath.Base(path), line, label), cells[cell], fs))
	}
}

// TypeValueLists checks the value lists (CheckValueLists) in the doc
// comment of the type name declared in the Go file at path.
func TypeValueLists(t testing.TB, path, name string, fs vocab.Filters) {
	t.Helper()
	doc, err := TypeDoc(path, name)
	if err != nil {
		t.Error(err)
		return
	}
	report(t, CheckValueLists(fmt.Sprintf("%s: type %s", filepath.Base(path), name), doc, fs))
}

// MarkdownRow returns the cells of the first row of a Markdown table in the
// file at path whose first cell is label, and its line (1-based).
func MarkdownRow(path, label string) ([]string, int, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	for i, l := range strings.Split(string(src), "\n") {
		cells := strings.Split(strings.TrimSpace(l), "|")
		if len(cells) < 3 || cells[0] != "" {
			continue
		}
		cells = cells[1 : len(cells)-1]
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		if cells[0] == label {
			return cells, i + 1, nil
		}
	}
	return nil, 0, fmt.Errorf("%s has no table row %q", path, label)
}

// TypeDoc returns the doc comment of the type name declared in the Go file
// at path.
func TypeDoc(path, name string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, s := range g.Specs {
			ts := s.(*ast.TypeSpec)
			if ts.Name.Name != name {
				continue
			}
			doc := ts.Doc
			if doc == nil {
				doc = g.Doc
			}
			if doc == nil {
				return "", fmt.Errorf("%s: type %s has no doc comment", path, name)
			}
			return strings.Join(strings.Fields(doc.Text()), " "), nil
		}
	}
	return "", fmt.Errorf("%s declares no type %s", path, name)
}
