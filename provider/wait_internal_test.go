package provider

import (
	"math"
	"testing"
	"time"
)

func TestPlanNext(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := func(x float64) time.Duration { return time.Duration(x * float64(time.Second)) }
	o := WaitOptions{MinDelay: time.Second, MaxDelay: 30 * time.Second}
	type poll struct {
		at       time.Duration // after t0
		progress float64
	}
	for _, tc := range []struct {
		name    string
		created time.Duration // after t0; <0 = no Created
		begin   time.Duration
		sib     time.Duration // a sibling's run time, 0 = none
		polls   []poll
		want    time.Duration // the next poll, after t0
	}{
		{"no Created: at once", -1, s(5), 0, nil, s(5)},
		{"created long ago: at once", 0, s(60), 0, nil, s(60)},
		{"just created: MinDelay after creation", 0, s(0.01), 0, nil, s(1)},
		{"just created, siblings took 2s: at 2s plus 2%", 0, s(0.01), s(2), nil, s(2.04)},
		{"siblings took 10m: no later than MaxDelay into the wait", 0, s(0.01), 10 * time.Minute, nil, s(30.01)},
		{"no progress: a tenth of elapsed", 0, 0, 0, []poll{{s(50), -1}}, s(55)},
		{"no progress, early: MinDelay", 0, 0, 0, []poll{{s(3), -1}}, s(4)},
		{"no progress, late: MaxDelay", 0, 0, 0, []poll{{s(1000), -1}}, s(1030)},
		{"half done: halfway to the end", 0, 0, 0, []poll{{s(10), 0.5}}, s(15)},
		{"near the end: the end plus 2% of elapsed", 0, 0, 0, []poll{{s(19), 0.95}}, s(20.38)},
		{"far from the end: capped by MaxDelay", 0, 0, 0, []poll{{s(10), 0.01}}, s(40)},
		// e(1-p)/p passed the largest Duration and wrapped negative, so a
		// job barely started was polled every MinDelay instead.
		{"a tiny progress: capped by MaxDelay", 0, 0, 0, []poll{{s(10), 1e-12}}, s(40)},
		{"progress stalled: a tenth of elapsed", 0, 0, 0, []poll{{s(10), 0.5}, {s(20), 0.5}}, s(22)},
		{"a failed poll: a tenth of elapsed", 0, 0, 0, []poll{{s(10), 0.5}, {s(15), -1}}, s(16.5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var created time.Time
			if tc.created >= 0 {
				created = t0.Add(tc.created)
			}
			var sib *durations
			if tc.sib > 0 {
				sib = &durations{last: tc.sib}
			}
			pl := newPlan(o, created, t0.Add(tc.begin), sib)
			for _, p := range tc.polls {
				pl.polled(t0.Add(p.at), p.progress)
			}
			if got := pl.next().Sub(t0); got != tc.want {
				t.Errorf("next poll at %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPlanDetectionDelay runs the plan against simulated jobs (no clock, no
// sleeping) and checks Wait's promise: a finished job is noticed within 10%
// of its run time, or within MinDelay for short ones, with progress that is
// proportional to time, rounded to whole percents, or absent; and with
// progress, in a handful of polls.
func TestPlanDetectionDelay(t *testing.T) {
	o := WaitOptions{MinDelay: time.Second, MaxDelay: 30 * time.Second}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, mode := range []string{"exact", "percent", "none"} {
		for _, d := range []time.Duration{2 * time.Second, 10 * time.Second, 30 * time.Second, 5 * time.Minute, 2 * time.Hour} {
			progress := func(e time.Duration) float64 {
				p := float64(e) / float64(d)
				switch mode {
				case "percent":
					return math.Floor(p*100) / 100
				case "none":
					return -1
				}
				return p
			}
			pl := newPlan(o, t0, t0, nil)
			polls := 0
			var at time.Time
			for {
				at = pl.next()
				polls++
				if e := at.Sub(t0); e >= d {
					break
				}
				pl.polled(at, progress(at.Sub(t0)))
				if polls > 10000 {
					t.Fatalf("%s %v: no end", mode, d)
				}
			}
			late := at.Sub(t0) - d
			allowed := max(d/10, o.MinDelay)
			if late > allowed {
				t.Errorf("%s progress, %v job: noticed %v late; want at most %v", mode, d, late, allowed)
			}
			if most := 8 + int(d/o.MaxDelay); mode == "exact" && polls > most {
				t.Errorf("exact progress, %v job: %d polls; want at most %d (a handful, plus one per MaxDelay)", d, polls, most)
			}
			t.Logf("%s progress, %v job: %d polls, %.1f%% late", mode, d, polls, 100*float64(late)/float64(d))
		}
	}
}
