// Package bench holds aio's benchmarks against its peers: goroutine and
// channel equivalents in Go, and (through the scripts beside it) Python
// asyncio and uvloop running the same programs. The Go benchmarks are in
// the _test.go files; bench/core.sh, bench/combinators.sh and
// bench/echo/run.sh run whole suites side by side and print the tables
// kept in bench/RESULTS.md.
package bench
