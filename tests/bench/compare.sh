#!/usr/bin/env bash
# Head-to-head against the tools people would otherwise use, on moto, printing ratios:
#   - listing S3_OBJECTS objects: `backoffice objects ls` vs `aws s3 ls --recursive`
#   - pulling LOG_EVENTS events: `backoffice logs query` vs `aws logs filter-log-events`
#     and `awslogs get`
#   - listing COGNITO_USERS users: `backoffice users list` vs `aws cognito-idp list-users`
#   - and the API against the seed's Python handlers (tests/bench/compare_api.sh)
#
#   tests/bench/compare.sh                       # 100,000 objects, 100,000 events, 10,000 users
#   S3_OBJECTS=2000 LOG_EVENTS=5000 COGNITO_USERS=500 SKIP_API=1 tests/bench/compare.sh
#
# Filling moto is slow (about 110 S3 PUTs and a few hundred Cognito users a second); the data
# is made once per moto server and reused while it runs (BENCH_AWS_ENDPOINT keeps one across
# runs). Each side runs RUNS times (default 3); the medians and ratios are printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
S3_OBJECTS="${S3_OBJECTS:-100000}"
LOG_EVENTS="${LOG_EVENTS:-100000}"
COGNITO_USERS="${COGNITO_USERS:-10000}"
RUNS="${RUNS:-3}"
MOTO_VERSION=5.2.5

if [[ ! -x $VENV/bin/python ]]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" boto3
# The tools compared against live in their own venv: awscli pins its own botocore.
TOOLS="$ROOT/.venv-tools"
if [[ ! -x $TOOLS/bin/python ]]; then python3 -m venv "$TOOLS"; fi
"$TOOLS/bin/pip" install --quiet --disable-pip-version-check "awscli==1.46.3" "awslogs==0.15.0"

MOTO_PID=""
cleanup() { [[ -n $MOTO_PID ]] && kill "$MOTO_PID" 2>/dev/null || true; }
trap cleanup EXIT
if [[ -z ${BENCH_AWS_ENDPOINT:-} ]]; then
    port="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    BENCH_AWS_ENDPOINT="http://127.0.0.1:$port"
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >/tmp/compare-moto.log 2>&1 &
    MOTO_PID=$!
    for _ in $(seq 100); do curl -s "$BENCH_AWS_ENDPOINT/moto-api/" >/dev/null && break; sleep 0.2; done
fi
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

echo "== building backoffice (release)"
cargo build --release --locked -p backoffice --bin backoffice
BIN="$ROOT/target/release/backoffice"

WORK="$(mktemp -d)"
echo "== filling moto at $BENCH_AWS_ENDPOINT (reused when already there)"
"$VENV/bin/python" - "$BENCH_AWS_ENDPOINT" "$S3_OBJECTS" "$LOG_EVENTS" "$COGNITO_USERS" "$WORK/ids.json" <<'PY'
import json, sys, time, concurrent.futures as cf
import boto3
endpoint, objects, events, users, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s3 = boto3.client("s3", endpoint_url=endpoint)
bucket = f"bench-compare-{objects}"
if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
    s3.create_bucket(Bucket=bucket)
have = s3.list_objects_v2(Bucket=bucket, Prefix="done").get("KeyCount", 0)
if not have:
    def put(i): s3.put_object(Bucket=bucket, Key=f"obj-{i:07d}", Body=b"x")
    with cf.ThreadPoolExecutor(32) as ex:
        for n, _ in enumerate(ex.map(put, range(objects)), 1):
            if n % 10000 == 0: print(f"  {n} objects", file=sys.stderr)
    s3.put_object(Bucket=bucket, Key="done", Body=b"")
logs = boto3.client("logs", endpoint_url=endpoint)
group = f"/aws/lambda/bench-compare-{events}"
if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = int(time.time() * 1000) - 3600_000
    for start in range(0, events, 10000):
        batch = [{"timestamp": now + i, "message": f'{{"level":"INFO","message":"event {i}"}}'}
                 for i in range(start, min(start + 10000, events))]
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=batch)
idp = boto3.client("cognito-idp", endpoint_url=endpoint)
name = f"bench-compare-{users}"
pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == name]
if pools:
    pool = pools[0]["Id"]
else:
    pool = idp.create_user_pool(PoolName=name)["UserPool"]["Id"]
    def create(i):
        idp.admin_create_user(UserPoolId=pool, Username=f"user{i:06d}", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": f"user{i:06d}@example.com"}])
    with cf.ThreadPoolExecutor(16) as ex:
        list(ex.map(create, range(users)))
json.dump({"bucket": bucket, "group": group, "pool": pool}, open(out, "w"))
PY
read -r BUCKET GROUP POOL < <("$VENV/bin/python" -c "import json;d=json.load(open('$WORK/ids.json'));print(d['bucket'],d['group'],d['pool'])")

mkdir -p "$WORK/config"
cat >"$WORK/config/config.toml" <<TOML
[environments.bench]
region = "us-east-1"
endpoint_url = "$BENCH_AWS_ENDPOINT"
bucket = "$BUCKET"
user_pool_id = "$POOL"
log_groups = ["$GROUP"]
TOML
export BACKOFFICE_CONFIG_DIR="$WORK/config" BACKOFFICE_DATA_DIR="$WORK/data" BACKOFFICE_STATE_DIR="$WORK/state"

"$VENV/bin/python" - "$RUNS" "$BIN" "$BUCKET" "$GROUP" "$POOL" "$S3_OBJECTS" "$LOG_EVENTS" "$COGNITO_USERS" "$BENCH_AWS_ENDPOINT" "$TOOLS" <<'PY'
import json, re, resource, statistics, subprocess, sys, time
runs, binary, bucket, group, pool, objects, events, users, endpoint, venv = sys.argv[1:11]
runs, objects, events, users = int(runs), int(objects), int(events), int(users)
aws = [f"{venv}/bin/aws", "--endpoint-url", endpoint]

def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

# Wall time on moto is mostly moto's own (one server on the same two cores answers every
# page), so each side's CPU time (user + system, from rusage) is measured too: what the tool
# itself costs, apart from the server.
def timed(cmd, expect_lines):
    walls, cpus = [], []
    for _ in range(runs):
        c = cpu_of_children()
        t = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_of_children() - c)
        # Items: lines, or tab-separated fields (`--output text` puts a page on one line).
        items = len([f for f in re.split(r"[\t\n]", out) if f.strip()])
        assert expect_lines(items), (cmd[:4], items)
    return statistics.median(walls), statistics.median(cpus)

rows = []
def compare(what, ours, theirs):
    for name, (seconds, cpu) in theirs:
        rows.append({"what": what, "ours_s": round(ours[0], 2), "tool": name, "tool_s": round(seconds, 2),
                     "ratio_tool_over_ours": round(seconds / ours[0], 2),
                     "ours_cpu_s": round(ours[1], 2), "tool_cpu_s": round(cpu, 2),
                     "cpu_ratio_tool_over_ours": round(cpu / max(ours[1], 0.001), 1)})
        print(json.dumps(rows[-1]), flush=True)

ours = timed([binary, "--env", "bench", "objects", "ls", "--limit", str(objects + 10)], lambda n: n >= objects)
theirs = timed(aws + ["s3", "ls", f"s3://{bucket}", "--recursive"], lambda n: n >= objects)
compare(f"list {objects} S3 objects", ours, [("aws s3 ls --recursive", theirs)])

ours = timed([binary, "--env", "bench", "logs", "query", group, "--minutes", "1440", "--limit", str(events)], lambda n: n >= events)
fle = timed(aws + ["logs", "filter-log-events", "--log-group-name", group, "--output", "text",
                   "--query", "events[].message"], lambda n: n >= events)
awslogs = timed([f"{venv}/bin/awslogs", "get", group, "ALL", "-s", "1d", "--aws-endpoint-url", endpoint],
                lambda n: n >= events)
compare(f"pull {events} log events", ours, [("aws logs filter-log-events", fle), ("awslogs get", awslogs)])

ours = timed([binary, "--env", "bench", "users", "list", "--limit", str(users + 10)], lambda n: n >= users)
theirs = timed(aws + ["cognito-idp", "list-users", "--user-pool-id", pool, "--output", "text",
                      "--query", "Users[].Username"], lambda n: n >= users)
compare(f"list {users} Cognito users", ours, [("aws cognito-idp list-users", theirs)])
PY

if [[ -z ${SKIP_API:-} ]]; then
    echo "== the API against the seed's Python handlers"
    "$ROOT/tests/bench/compare_api.sh"
fi
rm -rf "$WORK"
