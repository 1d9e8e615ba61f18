// Package bench holds the scale benchmarks and end-to-end checks of the
// portable machinery (provider.Export, provider.Wait, provider.RateLimiter)
// against the real adapters and their emulators. It has no code of its own:
// everything is in its tests, so that the provider package itself imports no
// adapter.
//
// The benchmarks run for seconds to minutes each and only with -bench:
//
//	go test ./provider/bench -run '^$' -bench . -benchtime 1x -count 3 | tee bench.txt
//	benchstat bench.txt
//
// See the Performance section of the README for the figures.
package bench
