// Command cloudexport runs security and asset export jobs and reads scan
// schedules on Tencent Cloud and Huawei Cloud through one set of commands.
//
//	cloudexport export KIND [flags]      start an export; --wait to wait, --out FILE for rows
//	cloudexport status|wait TOKEN        a job's status, now or once it ends
//	cloudexport download TOKEN --out F   a finished job's rows or original file
//	cloudexport rows FILE --out -        a downloaded file as csv or JSON
//	cloudexport schedule                 both clouds' scan schedules
//	cloudexport caps                     what each provider serves
//	cloudexport emulator                 serve both emulators until interrupted
//
// Run `cloudexport --help` (or any command with --help) for flags, examples,
// the environment it reads and its exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal cancels ctx, and the command winds down (exit 130);
	// giving the signals back then lets a second one end a command stuck
	// where ctx cannot reach (a write to a pipe nobody reads).
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
