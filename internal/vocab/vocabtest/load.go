package vocabtest

import (
	"fmt"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cloudexport/cloudexport/export"
)

// Doc is a package doc comment, split into its # sections.
type Doc struct {
	file     string   // the file's base name, for messages
	lines    []string // the file's lines, to find a row's line number
	sections []*Section
}

// Section is the text under one # heading of a package doc; the text
// before the first heading is the section with heading "".
type Section struct {
	doc     *Doc
	Heading string
	line    int // the heading's line in the file (1-based); 0 for ""
	blocks  []comment.Block
}

// Load reads the package doc comment of the Go file at path.
func Load(path string) (*Doc, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	if f.Doc == nil {
		return nil, fmt.Errorf("%s has no package doc comment", path)
	}
	d := &Doc{file: filepath.Base(path), lines: strings.Split(string(src), "\n")}
	cur := &Section{doc: d}
	d.sections = append(d.sections, cur)
	for _, b := range new(comment.Parser).Parse(f.Doc.Text()).Content {
		if h, ok := b.(*comment.Heading); ok {
			cur = &Section{doc: d, Heading: plain(h.Text)}
			cur.line = d.find(0, "# "+cur.Heading)
			d.sections = append(d.sections, cur)
			continue
		}
		cur.blocks = append(cur.blocks, b)
	}
	return d, nil
}

// Section returns the section under the heading, or an error listing the
// headings there are.
func (d *Doc) Section(heading string) (*Section, error) {
	var have []string
	for _, s := range d.sections {
		if s.Heading == heading {
			return s, nil
		}
		have = append(have, "# "+s.Heading)
	}
	return nil, fmt.Errorf("%s has no section # %s (it has %s)", d.file, heading, strings.Join(have[1:], ", "))
}

// KindSection returns the section that documents export kind k: the one
// that says "export.<Target> maps to" (or "export.<Target>{…} maps to"),
// where Target is k's target type, the kind's name in CamelCase.
func (d *Doc) KindSection(k export.Kind) (*Section, error) {
	target := Target(k)
	says := regexp.MustCompile(`\bexport\.` + target + `(\{[^}]*\})? maps to\b`)
	var found []*Section
	for _, s := range d.sections {
		if says.MatchString(s.Text()) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%s: %d sections say \"export.%s maps to\"; want one, documenting the vocabulary of kind %s", d.file, len(found), target, k)
	}
	return found[0], nil
}

// Target is the name of kind k's target type in package export, which is
// the kind's name in CamelCase: Components, MachineImages.
func Target(k export.Kind) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(string(k), func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// find returns the 1-based number of the first comment line at or after
// line from whose text, trimmed, is text; 0 when there is none.
func (d *Doc) find(from int, text string) int {
	text = strings.TrimSpace(text)
	for i := max(from-1, 0); i < len(d.lines); i++ {
		l, ok := strings.CutPrefix(strings.TrimSpace(d.lines[i]), "//")
		if ok && strings.TrimSpace(l) == text {
			return i + 1
		}
	}
	return 0
}

// where is "file:line: # heading" for messages.
func (s *Section) where(line int) string {
	if line == 0 {
		line = s.line
	}
	return fmt.Sprintf("%s:%d: # %s", s.doc.file, line, s.Heading)
}

// Text is the section's prose, lists and preformatted blocks as one line
// of text, every run of white space one space.
func (s *Section) Text() string {
	var parts []string
	for _, b := range s.blocks {
		parts = append(parts, blockText(b))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func blockText(b comment.Block) string {
	switch b := b.(type) {
	case *comment.Paragraph:
		return plain(b.Text)
	case *comment.Code:
		return b.Text
	case *comment.List:
		var parts []string
		for _, it := range b.Items {
			for _, c := range it.Content {
				parts = append(parts, blockText(c))
			}
		}
		return strings.Join(parts, " ")
	}
	return ""
}

// plain is the text of a run of comment text, links as their words.
func plain(ts []comment.Text) string {
	var b strings.Builder
	for _, t := range ts {
		switch t := t.(type) {
		case comment.Plain:
			b.WriteString(string(t))
		case comment.Italic:
			b.WriteString(string(t))
		case *comment.Link:
			b.WriteString(plain(t.Text))
		case *comment.DocLink:
			b.WriteString(plain(t.Text))
		}
	}
	return b.String()
}
