package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// envVar is one line of the environment cloudexport emulator prints.
type envVar struct {
	Name, Value, Comment string
}

// emulatorEnv is the environment that points the CLI, and programs using the
// library with the vendors' credential variables, at running emulators.
func emulatorEnv(t *tencenttest.Server, h *huaweitest.Server) []envVar {
	id, key := t.Credentials()
	ho := h.Options()
	app, task := seed(envSeedApp), seed(envSeedTask)
	if apps := h.Apps(); len(apps) > 0 {
		app = apps[0].ID
	}
	if tasks := h.Tasks(); len(tasks) > 0 {
		task = tasks[0].ID
	}
	return []envVar{
		{envTencentEmulator, t.URL(), "Tencent TCSS and CVM emulator (used with --emulator)"},
		{envHuaweiEmulator, h.URL(), "Huawei HSS and ROMA Connect emulator (used with --emulator)"},
		{envTencentID, id, "the Tencent emulator's credentials"},
		{envTencentKey, key, ""},
		{envTencentRegion, tencenttest.Region, ""},
		{envHuaweiAK, ho.AK, "the Huawei emulator's credentials and project"},
		{envHuaweiSK, ho.SK, ""},
		{envHuaweiProject, ho.ProjectID, ""},
		{envHuaweiRegion, huaweitest.Region, ""},
		{envROMAInstance, ho.ROMAInstanceID, "the emulator's ROMA Connect instance"},
		{envSeedImage, tencenttest.SeedImageID, "seeded ids: a container image with components (export components --image)"},
		{envSeedMachineImage, tencenttest.SeedLinuxImage, "an exportable CVM custom image (export machine-images --image-id)"},
		{envSeedBucket, seedBucket, "a COS bucket name the emulator accepts (--bucket)"},
		{envSeedApp, app, "a ROMA Connect application (export assets --app)"},
		{envSeedTask, task, "a ROMA Connect task (export assets --task)"},
	}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func writeEnv(w io.Writer, env []envVar) {
	for _, v := range env {
		if v.Comment != "" {
			fmt.Fprintf(w, "# %s\n", v.Comment)
		}
		fmt.Fprintf(w, "export %s=%s\n", v.Name, shellQuote(v.Value))
	}
}

func (a *app) emulatorCommand() *cobra.Command {
	var jobDuration time.Duration
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Serve both clouds' emulators locally until interrupted",
		Long: `Start the Tencent and Huawei emulators on 127.0.0.1 and serve them until
interrupted (Ctrl-C or SIGTERM). The environment that points cloudexport --emulator
(and programs that read the vendors' credential variables) at them is printed on
stdout as export lines, with the seeded ids to try. Jobs live as long as the
emulator, so export, wait and download work from separate commands.

The emulators' credentials are random and local; they are printed because they
open nothing but these emulators.`,
		Example: `  # In one shell (or in the background), keep the environment in a file
  cloudexport emulator > emulator.env &
  # In another
  . ./emulator.env
  TOKEN=$(cloudexport export components --emulator --image "$CLOUDEXPORT_SEED_IMAGE")
  cloudexport wait --emulator "$TOKEN"
  cloudexport download --emulator "$TOKEN" --out components.csv`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if jobDuration < 0 {
				return usagef("--job-duration %s: negative", jobDuration)
			}
			t := tencenttest.NewServer()
			defer t.Close()
			h := huaweitest.NewServer()
			defer h.Close()
			if jobDuration > 0 {
				t.SetJobDuration(jobDuration)
				h.SetJobDuration(jobDuration)
			}
			env := emulatorEnv(t, h)
			if a.jsonMode() {
				m := map[string]string{}
				for _, v := range env {
					m[v.Name] = v.Value
				}
				if err := a.json(m); err != nil {
					return err
				}
			} else {
				writeEnv(a.stdout, env)
			}
			a.note("serving the Tencent emulator at %s and the Huawei emulator at %s; Ctrl-C to stop", t.URL(), h.URL())
			<-cmd.Context().Done()
			a.note("stopping the emulators")
			return nil
		}),
	}
	cmd.Flags().DurationVar(&jobDuration, "job-duration", 0, "how long emulated jobs run; 0 = the emulators' default (2s)")
	return cmd
}
