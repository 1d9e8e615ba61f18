package redisquota_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// server is the one Redis the package's tests share: a redis-server child
// process on a free loopback port, or an in-process miniredis where no
// redis-server is on PATH. Tests keep apart by key prefix.
var server struct {
	addr     string
	fallback string // why miniredis is used; "" with a real redis-server
	mini     *miniredis.Miniredis
}

// requireEnv names the environment variable that makes a missing
// redis-server an error instead of a reason to use miniredis: CI sets it, so
// that a failed install cannot pass unnoticed on the fallback.
const requireEnv = "REDISQUOTA_REQUIRE_REDIS_SERVER"

// procAttr is set per platform: on Linux the child dies with the test binary
// even when a panic skips TestMain's cleanup.
var procAttr *syscall.SysProcAttr

func TestMain(m *testing.M) {
	// The dead-server tests would fill the output with go-redis's dial log.
	redis.SetLogger(quiet{})
	os.Exit(runTests(m))
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func runTests(m *testing.M) int {
	stop, err := startRedis()
	if err != nil {
		fmt.Fprintln(os.Stderr, "redisquota tests:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// startRedis starts the shared server and returns how to stop it.
func startRedis() (stop func(), err error) {
	path, err := exec.LookPath("redis-server")
	if err != nil && os.Getenv(requireEnv) != "" {
		return nil, fmt.Errorf("%s is set but redis-server is not on PATH: %w", requireEnv, err)
	}
	if err != nil {
		mr := miniredis.NewMiniRedis()
		// Expire keys as the clock moves, as Redis does, so that lease
		// expiry behaves alike on both servers.
		mr.ClockTTL(true)
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start miniredis: %w", err)
		}
		server.addr, server.mini = mr.Addr(), mr
		server.fallback = "no redis-server on PATH; testing against in-process miniredis " +
			"(install Debian's redis-server to test against the real thing)"
		return mr.Close, nil
	}
	var errs []error
	for range 3 { // a free port can be taken between finding and binding it
		stop, err := startRedisServer(path)
		if err == nil {
			return stop, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// startRedisServer runs path on a free loopback port without persistence and
// waits until it answers PING.
func startRedisServer(path string) (stop func(), err error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redisquota-test")
	if err != nil {
		return nil, err
	}
	var out syncBuffer
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--logfile", "")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = procAttr
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop = func() {
		cmd.Process.Kill()
		<-exited
		os.RemoveAll(dir)
	}

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if client.Ping(ctx).Err() == nil {
			server.addr = addr
			return stop, nil
		}
		select {
		case <-exited:
			stop()
			return nil, fmt.Errorf("%s on port %d exited: %s", path, port, out.String())
		case <-ctx.Done():
			stop()
			return nil, fmt.Errorf("%s on port %d did not answer PING: %s", path, port, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// freePort asks the kernel for a free loopback TCP port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects the server's output for error messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b.Len() > 64<<10 {
		return len(p), nil // enough to explain a failure
	}
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newClient returns a new connection pool to the shared server, standing for
// one replica, and says which server it is.
func newClient(t testing.TB) *redis.Client {
	t.Helper()
	if server.fallback != "" {
		t.Log(server.fallback)
	}
	c := redis.NewClient(&redis.Options{Addr: server.addr})
	t.Cleanup(func() { c.Close() })
	return c
}

// prefixes holds the key prefix of each running test, by its testing.TB.
var prefixes struct {
	mu   sync.Mutex
	n    int
	byTB map[testing.TB]string
}

// prefix is a key prefix no other test uses, and no other run of the same
// test: the server outlives a test, so with -count=N the schedules and
// leases of one run are still there when the next starts (a schedule of one
// call per 100 s kept the next run's first Wait out for 100 s). Every call
// within one test returns the same prefix, so its lockers and limiters
// share keys.
func prefix(t testing.TB) string {
	prefixes.mu.Lock()
	defer prefixes.mu.Unlock()
	if p, ok := prefixes.byTB[t]; ok {
		return p
	}
	if prefixes.byTB == nil {
		prefixes.byTB = map[testing.TB]string{}
	}
	prefixes.n++
	p := "test:" + t.Name() + ":" + strconv.Itoa(prefixes.n) + ":"
	prefixes.byTB[t] = p
	t.Cleanup(func() {
		prefixes.mu.Lock()
		defer prefixes.mu.Unlock()
		delete(prefixes.byTB, t)
	})
	return p
}

// deadClient is a client of a loopback port nobody listens on.
func deadClient(t testing.TB) *redis.Client {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{
		Addr:       net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		MaxRetries: -1,
	})
	t.Cleanup(func() { c.Close() })
	return c
}
