#!/usr/bin/env bash
# Issue 3 benchmarks (gather of 10k tasks, queue ping-pong, lock contention
# among 1k tasks) against goroutines, asyncio 3.13 and uvloop: bench/core.sh
# with SUITE=combinators; the same environment variables apply.
SUITE=combinators exec "$(dirname "$0")/core.sh" "$@"
