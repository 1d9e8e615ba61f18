package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/huawei"
	"github.com/cloudexport/cloudexport/huawei/huaweitest"
	"github.com/cloudexport/cloudexport/provider"
	"github.com/cloudexport/cloudexport/scan"
	"github.com/cloudexport/cloudexport/tencent"
	"github.com/cloudexport/cloudexport/tencent/tencenttest"
)

// The environment this command reads. The vendor SDKs' own names are used
// where they exist; the CLOUDEXPORT_ names are this tool's.
const (
	envTencentEmulator = "CLOUDEXPORT_EMULATOR_TENCENT" // base URL of a running Tencent emulator (cloudexport emulator)
	envHuaweiEmulator  = "CLOUDEXPORT_EMULATOR_HUAWEI"  // base URL of a running Huawei emulator
	envTencentID       = "TENCENTCLOUD_SECRET_ID"
	envTencentKey      = "TENCENTCLOUD_SECRET_KEY"
	envTencentRegion   = "TENCENTCLOUD_REGION"
	envHuaweiAK        = "HUAWEICLOUD_SDK_AK"
	envHuaweiSK        = "HUAWEICLOUD_SDK_SK"
	envHuaweiProject   = "HUAWEICLOUD_SDK_PROJECT_ID"
	envHuaweiRegion    = "HUAWEICLOUD_SDK_REGION"
	envROMAInstance    = "HUAWEICLOUD_ROMA_INSTANCE_ID" // default ROMA Connect instance for assets (this tool's name)
	// The emulators' seeded ids, printed by cloudexport emulator for examples.
	envSeedImage        = "CLOUDEXPORT_SEED_IMAGE"         // a container image with components (tencent)
	envSeedMachineImage = "CLOUDEXPORT_SEED_MACHINE_IMAGE" // an exportable CVM custom image (tencent)
	envSeedBucket       = "CLOUDEXPORT_SEED_BUCKET"        // a COS bucket name the emulator accepts
	envSeedApp          = "CLOUDEXPORT_SEED_APP"           // a ROMA Connect application id (huawei)
	envSeedTask         = "CLOUDEXPORT_SEED_TASK"          // a ROMA Connect task id (huawei)
)

// providerNames are the providers this command knows, in display order.
var providerNames = []string{tencent.Name, huawei.Name}

// seedBucket is a bucket name the emulator accepts (it checks only the shape).
const seedBucket = "examplebucket-1250000000"

// staticProviders returns one provider per cloud, built without credentials
// or network, for what does not call out: Capabilities, kinds, completion.
func staticProviders() map[string]provider.Provider {
	out := map[string]provider.Provider{}
	if p, err := tencent.New(tencent.Options{Region: tencenttest.Region, SecretID: "static", SecretKey: "static"}); err == nil {
		out[tencent.Name] = p
	}
	if p, err := huawei.New(huawei.Options{Region: huaweitest.Region, AK: "static", SK: "static", ProjectID: "static"}); err == nil {
		out[huawei.Name] = p
	}
	return out
}

// catalog is what the providers serve, read from their Capabilities.
type catalog struct {
	caps map[string]provider.Capabilities // by provider name
}

func newCatalog() *catalog {
	c := &catalog{caps: map[string]provider.Capabilities{}}
	for name, p := range staticProviders() {
		c.caps[name] = p.Capabilities()
	}
	return c
}

// kinds returns every export kind any provider serves, sorted.
func (c *catalog) kinds() []export.Kind {
	var out []export.Kind
	for _, caps := range c.caps {
		for k := range caps.Exports {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// servers returns the providers that serve kind, in display order.
func (c *catalog) servers(kind export.Kind) []string {
	var out []string
	for _, name := range providerNames {
		if _, ok := c.caps[name].Exports[kind]; ok {
			out = append(out, name)
		}
	}
	return out
}

// scheduleServers returns the providers that serve schedule kind k.
func (c *catalog) scheduleServers(k scan.Kind) []string {
	var out []string
	for _, name := range providerNames {
		if slices.Contains(c.caps[name].Schedules, k) {
			out = append(out, name)
		}
	}
	return out
}

// scheduleKinds returns every schedule kind any provider serves.
func (c *catalog) scheduleKinds() []scan.Kind {
	var out []scan.Kind
	for _, name := range providerNames {
		for _, k := range c.caps[name].Schedules {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// limits returns the limits of kind on the named providers, merged: the
// union of filters and columns (for help and completion).
func (c *catalog) limits(kind export.Kind, names ...string) (filters, columns []string) {
	for _, name := range names {
		lim := c.caps[name].Exports[kind]
		for _, f := range lim.Filters {
			if !slices.Contains(filters, f) {
				filters = append(filters, f)
			}
		}
		for _, col := range lim.Columns {
			if !slices.Contains(columns, col) {
				columns = append(columns, col)
			}
		}
	}
	return filters, columns
}

// byProvider returns the limits of kind on each named provider.
func (c *catalog) byProvider(kind export.Kind, names []string) map[string]provider.Limits {
	out := make(map[string]provider.Limits, len(names))
	for _, name := range names {
		out[name] = c.caps[name].Exports[kind]
	}
	return out
}

// takes returns what any of the named providers accepts for kind: Sort
// and Offset if one takes them, the largest MaxLimit.
func (c *catalog) takes(kind export.Kind, names ...string) provider.Limits {
	var out provider.Limits
	for _, name := range names {
		lim := c.caps[name].Exports[kind]
		out.Sort = out.Sort || lim.Sort
		out.Offset = out.Offset || lim.Offset
		out.MaxLimit = max(out.MaxLimit, lim.MaxLimit)
	}
	return out
}

// columns returns the default columns of kind on the named provider, in
// the order its files have them when no columns are asked for.
func (c *catalog) columns(name string, kind export.Kind) []string {
	return c.caps[name].Exports[kind].Columns
}

// chooseProvider picks the provider for kind: the one asked for with
// --provider, or the only one that serves it.
func (c *catalog) chooseProvider(kind export.Kind, asked string) (string, error) {
	servers := c.servers(kind)
	if asked != "" {
		if !slices.Contains(providerNames, asked) {
			return "", usagef("--provider %q: want %s", asked, strings.Join(providerNames, " or "))
		}
		if !slices.Contains(servers, asked) {
			return "", usagef("--provider %s does not serve %s exports; %s does", asked, kind, strings.Join(servers, " and "))
		}
		return asked, nil
	}
	switch len(servers) {
	case 0:
		return "", usagef("no provider serves %s exports", kind)
	case 1:
		return servers[0], nil
	}
	return "", usagef("%s exports are served by %s: choose one with --provider", kind, strings.Join(servers, " and "))
}

// emulators is the pair of emulators a command runs against under
// --emulator: either a running `cloudexport emulator` found through the
// environment, or servers started in this process.
type emulators struct {
	tencentURL, huaweiURL string
	tencent               *tencenttest.Server // set when started in-process
	huawei                *huaweitest.Server
}

// close stops the emulators this process started.
func (e *emulators) close() {
	if e.tencent != nil {
		e.tencent.Close()
	}
	if e.huawei != nil {
		e.huawei.Close()
	}
}

// runningEmulator returns the base URL of the named provider's running
// emulator from the environment, or "".
func runningEmulator(name string) string {
	switch name {
	case tencent.Name:
		return os.Getenv(envTencentEmulator)
	case huawei.Name:
		return os.Getenv(envHuaweiEmulator)
	}
	return ""
}

// open returns the named provider: against the cloud with credentials from
// the environment, or under --emulator against an emulator.
func (a *app) open(name string) (provider.Provider, error) {
	if o, ok := a.providers[name]; ok {
		return o.p, o.err
	}
	p, err := a.openNew(name)
	if a.providers == nil {
		a.providers = map[string]opened{}
	}
	a.providers[name] = opened{p, err}
	a.opened = append(a.opened, name)
	return p, err
}

// opened is one provider open's outcome, kept so a command opens each once.
type opened struct {
	p   provider.Provider
	err error
}

func (a *app) openNew(name string) (provider.Provider, error) {
	switch name {
	case tencent.Name:
		opts := tencent.Options{Region: firstNonEmpty(a.region, os.Getenv(envTencentRegion))}
		if a.emulator {
			if url := runningEmulator(name); url != "" {
				opts = tencent.Options{Region: tencenttest.Region, SecretID: os.Getenv(envTencentID), SecretKey: os.Getenv(envTencentKey),
					Endpoints: map[string]string{"tcss": url, "cvm": url, "cwp": url}}
			} else {
				srv := a.startTencent()
				opts = srv.Options()
			}
		}
		a.dl.apply(&opts)
		p, err := tencent.New(opts)
		return p, speakFlags(err, nil)
	case huawei.Name:
		if a.dl.given() {
			a.note("--download-host and --private-download-host are for Tencent's download links; Huawei serves its files from its API endpoint")
		}
		opts := huawei.Options{Region: firstNonEmpty(a.region, os.Getenv(envHuaweiRegion)), ROMAInstanceID: os.Getenv(envROMAInstance)}
		if a.emulator {
			if url := runningEmulator(name); url != "" {
				opts = huawei.Options{Region: huaweitest.Region, AK: os.Getenv(envHuaweiAK), SK: os.Getenv(envHuaweiSK),
					ProjectID: os.Getenv(envHuaweiProject), ROMAInstanceID: os.Getenv(envROMAInstance),
					Endpoints: map[string]string{"hss": url, "roma": url}}
			} else {
				srv := a.startHuawei()
				opts = srv.Options()
			}
		}
		p, err := huawei.New(opts)
		if provider.CodeOf(err) == provider.FailedPrecondition {
			return nil, &authError{err: err} // no credentials found
		}
		return p, speakFlags(err, nil)
	}
	return nil, usagef("--provider %q: want %s", name, strings.Join(providerNames, " or "))
}

func (a *app) startTencent() *tencenttest.Server {
	if a.emu.tencent == nil {
		a.emu.tencent = tencenttest.NewServer()
		a.emu.tencentURL = a.emu.tencent.URL()
		a.note("started an in-process Tencent emulator at %s; it ends with this command (run `cloudexport emulator` to keep jobs between commands)", a.emu.tencentURL)
	}
	return a.emu.tencent
}

func (a *app) startHuawei() *huaweitest.Server {
	if a.emu.huawei == nil {
		a.emu.huawei = huaweitest.NewServer()
		a.emu.huaweiURL = a.emu.huawei.URL()
		a.note("started an in-process Huawei emulator at %s; it ends with this command (run `cloudexport emulator` to keep jobs between commands)", a.emu.huaweiURL)
	}
	return a.emu.huawei
}

// seed returns the emulator's seeded id for env name: from the environment
// a running emulator printed, else the emulator package's seeded value.
func seed(env string) string {
	if v := os.Getenv(env); v != "" {
		return v
	}
	switch env {
	case envSeedImage:
		return tencenttest.SeedImageID
	case envSeedMachineImage:
		return tencenttest.SeedLinuxImage
	case envSeedBucket:
		return seedBucket
	case envSeedApp:
		return "app-order-0001"
	case envSeedTask:
		return "task-fdi-0001"
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// credentialsHint says where a provider's credentials come from, for
// errors of missing or refused credentials.
func credentialsHint(name string) string {
	if runningEmulator(name) != "" {
		return fmt.Sprintf("%s is set: add --emulator to use that emulator", map[string]string{tencent.Name: envTencentEmulator, huawei.Name: envHuaweiEmulator}[name])
	}
	switch name {
	case tencent.Name:
		return fmt.Sprintf("set %s and %s, or use --emulator", envTencentID, envTencentKey)
	case huawei.Name:
		return fmt.Sprintf("set %s, %s and %s, or use --emulator", envHuaweiAK, envHuaweiSK, envHuaweiProject)
	}
	return ""
}
