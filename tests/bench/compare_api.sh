#!/usr/bin/env bash
# The API against the seed's Python handlers, on the same MariaDB and the same event, in one run.
#
#   tests/bench/compare_api.sh            # 7 cold runs each, warm N: 2,000 Python / 20,000 Rust
#   COLD_RUNS=11 PY_N=5000 RS_N=50000 tests/bench/compare_api.sh
#
# Needs MariaDB on 127.0.0.1:3306 (root, empty password; tests/run.sh starts one on a fresh
# machine) and the seed's handlers at $SEED_PYTHON (default ../shared/bench/seed-python).
# Prints each side's JSON lines and the ratios; docs/benchmarks.md records the figures.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SEED_PYTHON="${SEED_PYTHON:-$ROOT/../shared/bench/seed-python}"
VENV="$ROOT/.venv"
COLD_RUNS="${COLD_RUNS:-7}"
PY_N="${PY_N:-2000}"
RS_N="${RS_N:-20000}"
POSTS="${POSTS:-5000}"
DB_NAME="bo_bench_api_$$"

[[ -f $SEED_PYTHON/run.py ]] || { echo "no seed handlers at $SEED_PYTHON (set SEED_PYTHON)" >&2; exit 2; }
mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null || { echo "MariaDB does not answer on 127.0.0.1:3306" >&2; exit 2; }

if [[ ! -x $VENV/bin/python ]]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check boto3 pymysql

# The benches' build (the bench profile: optimised), which also makes the domain crate's
# binaries; asking for it the way every other bench does keeps to one build of the
# dependencies.
echo "== building api-bench (bench profile)"
cargo bench --workspace --all-features --locked --no-run
BIN="$ROOT/target/release/api-bench"

mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
trap 'mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"' EXIT
# Loopback MariaDB has no TLS, which the functions otherwise require.
export DB_HOST=127.0.0.1 DB_PORT=3306 DB_USER=root DB_PASSWORD="" DB_NAME DB_SSL_MODE=disabled
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
"$BIN" prepare "$POSTS"

EVENT="$(mktemp --suffix=.json)"
"$VENV/bin/python" - "$ROOT/crates/domain/tests/fixtures/events/apigw-rest-v1.json" "$EVENT" <<'PY'
import json, sys
event = json.load(open(sys.argv[1]))
event["queryStringParameters"] = {"limit": "20"}
event["multiValueQueryStringParameters"] = {"limit": ["20"]}
event["requestContext"]["authorizer"]["claims"]["sub"] = "00000000-0000-4000-8000-000000000001"
json.dump(event, open(sys.argv[2], "w"))
PY

"$VENV/bin/python" - "$SEED_PYTHON" "$BIN" "$EVENT" "$COLD_RUNS" "$PY_N" "$RS_N" <<'PY'
import json, os, statistics, subprocess, sys, time

seed, binary, event, cold_runs, py_n, rs_n = sys.argv[1:7]
cold_runs, py_n, rs_n = int(cold_runs), int(py_n), int(rs_n)
python = sys.executable

def run(cmd, cwd=None):
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    wall = (time.perf_counter() - t) * 1000
    return wall, json.loads(out.stdout.strip().splitlines()[-1])

sides = {
    "python": lambda n: run([python, "run.py", event, str(n)], cwd=seed),
    "rust": lambda n: run([binary, event, str(n)]),
}
cold = {}
for name, call in sides.items():
    walls = []
    for _ in range(cold_runs):
        wall, line = call(1)
        assert line["statuses"] in ({"200": 1}, {200: 1}), line
        walls.append(wall)
    cold[name] = statistics.median(walls)
    print(json.dumps({"cold": name, "runs_ms": [round(w, 1) for w in walls], "median_ms": round(cold[name], 1)}))
warm = {}
for name, n in (("python", py_n), ("rust", rs_n)):
    _, line = sides[name](n)
    assert list(line["statuses"].keys()) == ["200"], line
    warm[name] = line
    print(json.dumps({"warm": name, **line}))
r = warm["rust"]
print(json.dumps({
    "cold_ratio_python_over_rust": round(cold["python"] / cold["rust"], 2),
    "warm_ratio_rust_over_python": round(r["invocations_per_s"] / warm["python"]["invocations_per_s"], 1),
    "handler_over_raw_query": r["handler_over_raw"],
    "handler_over_statement": r["handler_over_statement"],
    "store_call_over_raw_query": round(r["store_call_us"] / r["raw_query_us"], 2),
    "goals": {"cold": ">= 5", "warm": ">= 30", "handler_over_raw_query": "<= 1.2", "handler_over_statement": "<= 1.2"},
}))
PY
rm -f "$EVENT"
