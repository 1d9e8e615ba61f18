package provider

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cloudexport/cloudexport/internal/errs"
)

// ErrLeaseLost is in the chain of the error a Lease's Renew returns when the
// lease expired and is no longer held: errors.Is(err, ErrLeaseLost) holds,
// and so does errors.Is(err, ErrFailedPrecondition). Every Locker of this
// module (LocalLocker, redisquota.Locker) reports a lost lease this way.
var ErrLeaseLost = errors.New("lease lost")

// LocalLocker is the in-process Locker: one holder at a time has a key among
// the users of the same LocalLocker value. Leases expire as a shared
// Locker's do: a lease not renewed within its ttl is lost, and the key is
// free for the next Acquire. Create it with NewLocalLocker (the zero value
// is an empty LocalLocker too); it is safe for concurrent use. To make a rule hold across processes, use a shared Locker
// such as redisquota.Locker instead.
type LocalLocker struct {
	mu   sync.Mutex
	held map[string]*localLease // by key: the last holder, maybe expired
}

var _ Locker = (*LocalLocker)(nil)

// NewLocalLocker returns an empty LocalLocker.
func NewLocalLocker() *LocalLocker {
	return &LocalLocker{held: map[string]*localLease{}}
}

// localLease is one hold on a key of a LocalLocker.
type localLease struct {
	locker   *LocalLocker
	key      string
	expires  time.Time     // guarded by locker.mu
	released chan struct{} // closed when the lease is released
}

// Acquire blocks until key is free (released, or its holder's lease expired)
// and returns a lease on it that expires after ttl unless renewed. key must
// not be empty and ttl must be at least a millisecond; otherwise Acquire
// returns ErrInvalidArgument naming the argument. On a done ctx it returns
// ctx.Err().
func (l *LocalLocker) Acquire(ctx context.Context, key string, ttl time.Duration) (Lease, error) {
	switch {
	case key == "":
		return nil, errs.Invalid("lease key is empty")
	case ttl < time.Millisecond:
		return nil, errs.Invalid("lease ttl is %v; want at least 1ms", ttl)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.held == nil {
			l.held = map[string]*localLease{}
		}
		now := time.Now()
		h := l.held[key]
		if h == nil || !now.Before(h.expires) {
			lease := &localLease{locker: l, key: key, expires: now.Add(ttl), released: make(chan struct{})}
			l.held[key] = lease
			l.mu.Unlock()
			return lease, nil
		}
		released, left := h.released, h.expires.Sub(now)
		l.mu.Unlock()
		t := time.NewTimer(left) // the holder may renew meanwhile: look again then
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-released:
			t.Stop()
		case <-t.C:
		}
	}
}

// Renew extends the lease to ttl from now. A lease that expired is lost, even
// when nobody took the key since: Renew then returns an error wrapping
// ErrLeaseLost with code FailedPrecondition.
func (h *localLease) Renew(ctx context.Context, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return errs.Invalid("lease ttl is %v; want at least 1ms", ttl)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l := h.locker
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.held[h.key] != h || !now.Before(h.expires) {
		return &errs.Error{Code: errs.FailedPrecondition, Message: "lease on " + h.key + " expired and is no longer held", Err: ErrLeaseLost}
	}
	h.expires = now.Add(ttl)
	return nil
}

// Release frees the key if this lease still holds it; releasing a lost lease
// does nothing (it never frees another holder's key) and returns nil.
func (h *localLease) Release(context.Context) error {
	l := h.locker
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[h.key] == h {
		delete(l.held, h.key)
		close(h.released)
	}
	return nil
}
