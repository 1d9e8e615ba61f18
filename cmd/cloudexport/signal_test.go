//go:build unix

package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A command stuck where its ctx cannot reach (here, writing rows to a pipe
// nobody reads) ignores the first interrupt, which only cancels ctx; the
// second must end the process, as it does any program.
func TestSecondSignalEnds(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "name,version")
	for i := 0; i < 100000; i++ { // far more than a pipe holds
		fmt.Fprintf(w, "component-%d,1.0.%d\n", i, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(os.Args[0], "--", "rows", file, "--out", "-")
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	// Read a little, so the command has started writing; then read no more.
	if _, err := r.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(20 * time.Second)
	for {
		if err := cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("the command ended with %v, want to be ended by the interrupt", err)
			}
			if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
				t.Fatalf("the command ended with %v, want to be ended by the interrupt", err)
			}
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatal("interrupts every 200ms for 20s did not end a command stuck on its output")
		}
	}
}
