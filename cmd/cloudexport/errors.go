package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/cloudexport/cloudexport/provider"
)

// Exit codes. They are listed in the root command's help (exitCodesHelp);
// keep the two in step.
const (
	exitOK          = 0
	exitOther       = 1
	exitUsage       = 2
	exitInvalid     = 3
	exitAuth        = 4
	exitNotFound    = 5
	exitJobFailed   = 6
	exitTimeout     = 7
	exitInterrupted = 130
)

const exitCodesHelp = `Exit codes:
  0    success
  1    any other error (network, vendor outage, ...)
  2    usage: unknown command or flag, malformed flag value
  3    invalid input: a value the provider or the CLI refuses (--image, --filter, --out, a token, a file)
  4    permission denied: credentials missing, wrong or not allowed
  5    not found: the job, file or resource does not exist
  6    the export job failed (the vendor's reason is printed)
  7    timeout: --timeout elapsed before the job finished
  130  interrupted (Ctrl-C)`

// usageError is a mistake in how the command was called: a malformed flag
// value, a missing argument. It exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// invalidf is a well-formed value this command refuses on its own, before
// any call: an --out whose directory is missing, a file that exists, a
// result the kind cannot give. It exits 3, like a value the provider refuses.
func invalidf(format string, args ...any) error {
	return &provider.Error{Code: provider.InvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// timeoutError says --timeout elapsed. It exits 7.
type timeoutError struct {
	after string
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("--timeout %s elapsed before the job finished", e.after)
}
func (e *timeoutError) Unwrap() error { return e.err }

// authError marks missing or unusable credentials found before any call
// (Huawei reports them as FailedPrecondition from New). It exits 4.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ue *usageError
	var te *timeoutError
	var ae *authError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ae):
		return exitAuth
	case errors.As(err, &te):
		return exitTimeout
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		return exitTimeout
	}
	switch provider.CodeOf(err) {
	case provider.InvalidArgument:
		return exitInvalid
	case provider.PermissionDenied:
		return exitAuth
	case provider.NotFound:
		return exitNotFound
	case provider.JobFailed:
		return exitJobFailed
	}
	return exitOther
}

// flagNames translates the Go field names the library's errors speak of into
// the flags and arguments of this command. It is the one place that knows
// both vocabularies: a new target field gets its line here, beside its flag in
// targets.go. Patterns are tried in order on the whole message; the first
// group of a pattern with an index ([%d]) is the index of the user's value.
var flagNames = []struct {
	re   *regexp.Regexp
	repl func(in *invocation, m []string) string
}{
	{re(`Target\.ImageIDs\[(\d+)\]`), func(in *invocation, m []string) string { return "--image-id " + in.nth("image-id", m[1]) }},
	{re(`Target\.ImageIDs`), fixed("--image-id")},
	{re(`Target\.ImageID`), fixed("--image")},
	{re(`Target\.Bucket`), fixed("--bucket")},
	{re(`Target\.Format`), fixed("--format")},
	{re(`Target\.FilePrefixes(\[\d+\])?`), fixed("--file-prefix")},
	{re(`Target\.Role`), fixed("--role")},
	{re(`Target\.InstanceID`), fixed("--instance")},
	{re(`Target\.EnterpriseProject`), fixed("--enterprise-project")},
	{re(`Target\.AppIDs\[(\d+)\]`), func(in *invocation, m []string) string { return "--app " + in.nth("app", m[1]) }},
	{re(`Target\.TaskIDs\[(\d+)\]`), func(in *invocation, m []string) string { return "--task " + in.nth("task", m[1]) }},
	{re(`AppIDs or TaskIDs`), fixed("--app or --task")},
	{re(`set export\.Assets\.InstanceID or huawei\.Options\.ROMAInstanceID`), fixed("give --instance or set " + envROMAInstance)},
	{re(`Target: `), fixed("--app/--task: ")},
	{re(`Filters\[(\d+)\]( \([a-z_]+\))?`), func(in *invocation, m []string) string { return "--filter " + in.nth("filter", m[1]) }},
	{re(`Filters( \([a-z_]+\))?`), fixed("--filter")},
	{re(`Columns\[(\d+)\]( \([a-z_]+\))?`), func(in *invocation, m []string) string { return "--columns " + in.nth("columns", m[1]) }},
	{re(`Columns`), fixed("--columns")},
	{re(`a custom Header cannot be honoured; leave Header empty`), fixed("a custom title cannot be honoured in its file; drop the :Title, or write rows (--out FILE.csv|.jsonl|.json), where this tool applies it")},
	{re(`leave Header empty`), fixed("drop the :Title")},
	{re(`Sort\.Field`), fixed("--sort")},
	{re(`leave Sort nil`), fixed("drop --sort")},
	{re(`Sort: `), fixed("--sort: ")},
	{re(`Offset: `), fixed("--offset: ")},
	{re(`leave it 0`), fixed("drop the flag")},
	{re(`Limit: `), fixed("--limit: ")},
	{re(`use 0 for the provider default`), fixed("omit it for the provider default")},
	{re(`, or provider\.Export to split the request`), fixed("")},
	{re(`use provider\.Export to split the request`), fixed("split the ids over several exports")},
	{re(`Options\.Region`), fixed("--region")},
	{re(`Job(\.[A-Za-z]+)?(\[[^\]]*\])?: `), fixed("TOKEN: ")},
	{re(`job token: `), fixed("TOKEN: ")},
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

func fixed(s string) func(*invocation, []string) string {
	return func(*invocation, []string) string { return s }
}

// invocation is what the user typed for the values that errors refer to by
// index: the n-th --filter, the n-th --columns entry.
type invocation struct {
	lists map[string][]string
}

// nth returns the quoted n-th value the user gave for flag, or "" when unknown.
func (in *invocation) nth(flag, index string) string {
	var n int
	if _, err := fmt.Sscan(index, &n); err != nil || in == nil || n < 0 || n >= len(in.lists[flag]) {
		return "#" + index
	}
	return fmt.Sprintf("%q", in.lists[flag][n])
}

// flagError is an error whose text speaks of flags; it keeps the original
// error for errors.Is and the exit code.
type flagError struct {
	msg string
	err error
}

func (e *flagError) Error() string { return e.msg }
func (e *flagError) Unwrap() error { return e.err }

// speakFlags rewrites err's text from Go field names to this command's flags.
func speakFlags(err error, in *invocation) error {
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Code != provider.InvalidArgument {
		return err
	}
	msg := err.Error()
	for _, t := range flagNames {
		msg = t.re.ReplaceAllStringFunc(msg, func(s string) string {
			return t.repl(in, t.re.FindStringSubmatch(s))
		})
	}
	if msg == err.Error() {
		return err
	}
	return &flagError{msg: strings.TrimSpace(msg), err: err}
}
