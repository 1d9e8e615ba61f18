// Package bench holds the scale benchmarks and end-to-end checks of the
// portable machinery (provider.Export, provider.Wait, provider.RateLimiter)
// against the real adapters and their emulators. It has no code of its own:
// everything is in its tests, so that the provider package itself imports no
// adapter.
//
// The benchmarks run for seconds to minutes each and only with -bench:
//
//	go test ./provider/bench -run '^$' -bench 'ExportMillion|DetectionDelay|AdaptiveRate' -benchtime 1x -count 6 | tee bench.txt
//	go test ./provider/bench -run '^$' -bench TencentOverhead -benchtime 3000x -count 10 | tee overhead.txt
//	benchstat bench.txt
//	benchstat -col /via overhead.txt
//
// See the Performance section of the README for the figures.
package bench
