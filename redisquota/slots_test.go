package redisquota_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The rate tests judge the Limiter by the slots Redis reserved, not by when
// callers happened to run. A stamp taken when Wait returns is never before
// the caller's slot, but it can be any time after it: a caller the machine
// leaves unscheduled for 200 ms stamps 200 ms late, right beside the next
// caller's punctual stamp. Counting stamps in a one-second window therefore
// measures the machine's load as much as the Limiter (it failed 3 runs in 30
// of TestSharedRate under the race detector on a loaded 2-core machine), and
// so does an emulator counting arrivals; those figures belong in the
// benchmarks (BenchmarkReplicas).
//
// What the Limiter does promise holds under any load, and the tests check
// it: the slots of one Call key are at least one emission interval apart on
// Redis's clock, whichever replica reserved them, so no one-second window
// holds more than the rate; and Wait does not return before its slot.
//
// slotLog learns each slot at the Redis client boundary, from a go-redis
// hook on every replica's client. redis_rate's GCRA script answers an
// admission with ResetAfter, the time from Redis's "now" to the new end of
// the schedule, which is the slot plus one interval (the script's Period
// argument, as Wait asks for one call per interval). Redis's "now" lies
// between the moments the hook sent the script and had its answer, so the
// slot lies in [sent+ResetAfter-Period, answered+ResetAfter-Period]: a span
// of one round trip, wider under load, which only makes the window check
// more lenient, never wrong.
type slotLog struct {
	mu       sync.Mutex
	byKey    map[string][]slot // Redis key -> its admissions' slots
	problems []string          // answers the hook could not read
}

// slot bounds the time an admission reserved.
type slot struct {
	earliest, latest time.Time
}

// slotRecord is where one Wait's slot goes: the tests put one in the Wait's
// context (withSlotRecord) and read it when Wait returns.
type slotRecord struct {
	mu      sync.Mutex
	slot    slot
	granted bool
}

type slotRecordKey struct{}

func withSlotRecord(ctx context.Context) (context.Context, *slotRecord) {
	r := &slotRecord{}
	return context.WithValue(ctx, slotRecordKey{}, r), r
}

// get returns the slot the Wait given r was granted, if any.
func (r *slotRecord) get() (slot, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.slot, r.granted
}

// watch records the slot of every admission that client's GCRA script
// grants.
func (s *slotLog) watch(client *redis.Client) {
	client.AddHook(slotHook{s})
}

type slotHook struct{ log *slotLog }

func (slotHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (slotHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (h slotHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		sent := time.Now()
		err := next(ctx, cmd)
		answered := time.Now()
		if err == nil && (cmd.Name() == "evalsha" || cmd.Name() == "eval") {
			h.log.add(ctx, cmd, sent, answered)
		}
		return err
	}
}

// add records the slot of one answer of redis_rate's script, if it admitted
// the call. The script's arguments are KEYS[1] = key and ARGV = burst, rate,
// period (seconds), cost; its answer is allowed, remaining, retry_after and
// reset_after (seconds, as text).
func (s *slotLog) add(ctx context.Context, cmd redis.Cmder, sent, answered time.Time) {
	args := cmd.Args() // name, sha or script, 1, key, burst, rate, period, cost
	if len(args) < 4 {
		return
	}
	if key, _ := args[3].(string); !strings.HasPrefix(key, "rate:") {
		return // not redis_rate's (a Locker's script)
	}
	c, ok := cmd.(*redis.Cmd)
	if !ok || len(args) != 8 {
		s.problem("unexpected script call %v", args)
		return
	}
	key, _ := args[3].(string)
	rate, _ := args[5].(int)
	period, _ := args[6].(float64)
	answer, err := c.Slice()
	if err != nil || len(answer) != 4 || rate != 1 || period <= 0 {
		s.problem("unexpected script call %v answered %v, %v (Wait asks for 1 call per period)", args, answer, err)
		return
	}
	if allowed, _ := answer[0].(int64); allowed == 0 {
		return
	}
	text, _ := answer[3].(string)
	resetAfter, err := strconv.ParseFloat(text, 64)
	if err != nil {
		s.problem("reset_after %q: %v", text, err)
		return
	}
	ahead := time.Duration((resetAfter - period) * float64(time.Second))
	sl := slot{earliest: sent.Add(ahead), latest: answered.Add(ahead)}
	s.mu.Lock()
	if s.byKey == nil {
		s.byKey = map[string][]slot{}
	}
	s.byKey[key] = append(s.byKey[key], sl)
	s.mu.Unlock()
	if r, ok := ctx.Value(slotRecordKey{}).(*slotRecord); ok {
		r.mu.Lock()
		r.slot, r.granted = sl, true
		r.mu.Unlock()
	}
}

func (s *slotLog) problem(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// slots returns the admissions of the Redis key, and fails t if the hook
// met an answer it could not read.
func (s *slotLog) slots(t testing.TB, key string) []slot {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.problems) > 0 {
		t.Fatalf("reading redis_rate's answers: %s", strings.Join(s.problems, "; "))
	}
	return slices.Clone(s.byKey[key])
}

// clockSlack widens each slot's bounds for what separates Redis's clock from
// the test's: Redis's wall clock against Go's monotonic one (an NTP slew
// moves them apart by at most 0.5 ms a second), the script's arithmetic in
// seconds since 2017 (about 60 ns apart) and its answer printed to 14
// digits.
const clockSlack = time.Millisecond

// mostInWindow returns the most slots that certainly lie in one half-open
// window of length w: whose bounds, widened by clockSlack, both lie in it.
func mostInWindow(slots []slot, w time.Duration) int {
	slots = slices.Clone(slots)
	slices.SortFunc(slots, func(a, b slot) int { return a.earliest.Compare(b.earliest) })
	most := 0
	// The fullest window can start at some slot's earliest bound: moving a
	// window's start up to the first earliest bound inside it keeps every
	// slot inside.
	for i, first := range slots {
		start := first.earliest.Add(-clockSlack)
		n := 0
		for _, s := range slots[i:] {
			if s.latest.Add(clockSlack).Before(start.Add(w)) {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}
