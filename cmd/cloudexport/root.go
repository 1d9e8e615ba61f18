package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// app is one invocation: the global flags and where output goes.
type app struct {
	stdout, stderr io.Writer
	output         string // text or json
	quiet          bool
	emulator       bool
	region         string
	terminal       bool // stderr is a terminal: progress bars instead of lines
	cat            *catalog
	emu            emulators
	dl             downloadHosts     // --download-host, --private-download-host
	providers      map[string]opened // by name, opened once per command
	opened         []string          // provider names in the order opened, for hints
}

// ranError marks an error returned by a command's own code, as opposed to
// one cobra raised while parsing (which is a usage error).
type ranError struct{ err error }

func (e *ranError) Error() string { return e.err.Error() }
func (e *ranError) Unwrap() error { return e.err }

// run executes the command line args and returns the exit code. Errors are
// printed on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, cat: newCatalog()}
	if f, ok := stderr.(*os.File); ok {
		a.terminal = term.IsTerminal(int(f.Fd()))
	}
	defer a.emu.close()
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	_, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var re *ranError
	if errors.As(err, &re) {
		err = re.err
	} else {
		var ue *usageError
		if !errors.As(err, &ue) {
			err = &usageError{msg: err.Error()}
		}
	}
	code := exitCode(err)
	if ctx.Err() != nil && code != exitOK {
		code = exitInterrupted
		err = fmt.Errorf("interrupted: %w", err)
	}
	// One "cloudexport:" per line: schedule joins one error per provider.
	fmt.Fprintln(stderr, "cloudexport:", strings.ReplaceAll(err.Error(), "\n", "\ncloudexport: "))
	for _, h := range a.hints(err, code) {
		fmt.Fprintln(stderr, "hint:", h)
	}
	if code == exitUsage {
		fmt.Fprintln(stderr, "Run 'cloudexport --help' or add --help to the command for usage.")
	}
	return code
}

// hints are the lines printed after an error to say what to try: the
// download flags when the download policy refused a link; where credentials
// come from when they were refused; the emulator when its environment is
// set but --emulator was not given and the cloud could not be reached or
// had no such job.
func (a *app) hints(err error, code int) []string {
	var out []string
	switch {
	case isDownloadDenied(err):
		out = append(out, "the vendor's link is on a host not fetched from by default; if you trust it, add --download-host HOST, or --private-download-host HOST for a private address (see --help)")
	case code == exitAuth && !a.emulator:
		for _, name := range a.opened {
			out = append(out, credentialsHint(name))
		}
	case (code == exitOther || code == exitNotFound) && !a.emulator:
		for _, name := range a.opened {
			if runningEmulator(name) != "" {
				out = append(out, credentialsHint(name))
			}
		}
	}
	return out
}

// runE adapts a command body so its errors are told apart from cobra's own.
func runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := f(cmd, args); err != nil {
			return &ranError{err: err}
		}
		return nil
	}
}

const rootLong = `cloudexport runs security and asset export jobs and reads scan schedules on
Tencent Cloud and Huawei Cloud with one set of commands and flags.

Credentials come from the vendors' own environment variables or profile files:
  TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_REGION
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_SDK_REGION
  HUAWEICLOUD_ROMA_INSTANCE_ID (default ROMA Connect instance for assets; this tool's name)

No cloud account? 'cloudexport emulator' serves both clouds' emulators locally and
prints the environment to use them; --emulator on any command uses that running
emulator (CLOUDEXPORT_EMULATOR_TENCENT, CLOUDEXPORT_EMULATOR_HUAWEI) or starts one
in-process for the length of the command.

` + exitCodesHelp

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "cloudexport",
		Short:         "Export security and asset data from Tencent Cloud and Huawei Cloud",
		Long:          rootLong,
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Example: `  # Components of a container image as csv, against the local emulator
  cloudexport export components --emulator --columns name,version --wait --out c.csv

  # Start a job, then wait for it and download it later (even from another shell)
  TOKEN=$(cloudexport export containers --filter status=running)
  cloudexport wait "$TOKEN" && cloudexport download "$TOKEN" --out containers.jsonl

  # Scan schedules of both clouds as JSON
  cloudexport schedule --output json`,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.output != "text" && a.output != "json" {
				return usagef("--output %q: want text or json", a.output)
			}
			return nil
		},
	}
	root.SetVersionTemplate("cloudexport {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{msg: err.Error()} })
	pf := root.PersistentFlags()
	pf.StringVarP(&a.output, "output", "o", "text", "output format: text or json")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "no progress on stderr")
	pf.BoolVar(&a.emulator, "emulator", false, "use the local emulators, not the cloud (a running 'cloudexport emulator' if its environment is set, else in-process)")
	pf.StringVar(&a.region, "region", "", "region; default TENCENTCLOUD_REGION / HUAWEICLOUD_SDK_REGION")
	_ = root.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))

	root.AddCommand(
		a.exportCommand(),
		a.statusCommand(),
		a.waitCommand(),
		a.downloadCommand(),
		a.rowsCommand(),
		a.scheduleCommand(),
		a.capsCommand(),
		a.emulatorCommand(),
		a.completionCommand(root),
	)
	return root
}

func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// version reports the module version the binary was built from, with the
// VCS revision when known, or "devel".
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
			if len(rev) > 12 {
				rev = rev[:12]
			}
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	if rev != "" && !strings.Contains(v, rev) {
		v += " (" + rev + dirty + ")"
	}
	return v
}

// note prints a line for the user on stderr unless --quiet.
func (a *app) note(format string, args ...any) {
	if !a.quiet {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}

// json writes v as indented JSON on stdout.
func (a *app) json(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (a *app) jsonMode() bool { return a.output == "json" }

func (a *app) completionCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a completion script for your shell. It completes commands, flags, export
kinds, --filter fields, --columns keys and --sort fields from what the providers serve.`,
		Example: `  # bash, for this shell
  source <(cloudexport completion bash)
  # zsh, for every new shell
  cloudexport completion zsh > "${fpath[1]}/_cloudexport"
  # fish
  cloudexport completion fish > ~/.config/fish/completions/cloudexport.fish`,
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(a.stdout, true)
			case "zsh":
				return root.GenZshCompletion(a.stdout)
			case "fish":
				return root.GenFishCompletion(a.stdout, true)
			}
			return root.GenPowerShellCompletionWithDesc(a.stdout)
		}),
	}
}
