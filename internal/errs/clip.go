package errs

import (
	"strings"
	"unicode/utf8"
)

// MaxVendorText bounds a vendor text (an error message, a failure reason,
// a task name) kept in an error or a status message.
const MaxVendorText = 512

// Clip bounds a vendor text kept in an error or a status message to
// MaxVendorText bytes, as ClipTo does.
func Clip(s string) string { return ClipTo(s, MaxVendorText) }

// ClipTo bounds a text from outside (a vendor's, a file's, a token's) that
// an error or a message quotes to max bytes, cut on a rune boundary and
// marked with "…"; bytes that are not UTF-8 become U+FFFD rather than
// costing the rest of the text.
func ClipTo(s string, max int) string {
	cut := len(s) > max
	if cut {
		s = s[:max]
		// Drop the start of a rune the cut split (at most UTFMax-1 bytes).
		for i := 0; i < utf8.UTFMax-1; i++ {
			if r, n := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || n != 1 {
				break
			}
			s = s[:len(s)-1]
		}
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if cut {
		s += "…"
	}
	return s
}
