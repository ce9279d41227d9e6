#!/usr/bin/env bash
# tests/bench.sh: the benchmarks, apart from the test run. Needs MariaDB on 127.0.0.1:3306
# (tests/run.sh starts one where missing; run it once first on a fresh machine).
# The keyset benchmark seeds `backoffice_bench` with 1,000,000 posts on its first run.
set -euo pipefail
cd "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BACKOFFICE_BENCH_MYSQL_URL="${BACKOFFICE_BENCH_MYSQL_URL:-mysql://root@127.0.0.1:3306}"
cargo bench --workspace --all-features --locked --bench keyset
