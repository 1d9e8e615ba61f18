package redisquota_test

import "syscall"

func init() {
	// Kill the redis-server child when the test binary dies.
	procAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
