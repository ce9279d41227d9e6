#!/usr/bin/env bash
# tests/run.sh — the project's full test run.
#
# Sets up the services the service-backed tests need, then runs
#   cargo test --workspace --all-features --locked -- --include-ignored [ARGS...]
# Extra arguments are appended after --include-ignored (e.g. a test name filter).
#
# Steps, in this order:
#   1. The house rules, before any service starts: cargo fmt --check,
#      tests/build-sharing.sh (cargo build and the test run share their dependencies),
#      rustfmt --check on every include!d source (cargo fmt never sees those), and
#      cargo clippy --workspace --all-targets --all-features --locked -- -D warnings.
#   2. MariaDB on 127.0.0.1:3306 (root, empty password). If nothing answers there,
#      install mariadb-server if needed (apt), initialise /var/lib/mysql if needed,
#      start mariadbd in the background and grant root TCP access.
#   2b. The openssl command (apt), for the TLS test's certificates.
#   3. A fresh database `backoffice_test`  -> BACKOFFICE_TEST_MYSQL_URL
#   4. A Python venv at .venv with moto[server] pinned, and a moto server on a
#      free loopback port                  -> BACKOFFICE_TEST_AWS_ENDPOINT
#      (its binary                         -> BACKOFFICE_TEST_MOTO_SERVER, for the fault
#      tests' private moto; they also start a private mariadbd of their own)
#      (plus AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION for the run)
#   5. cfn-lint (pinned, in the same venv) over the SAM template docs/deploy/template.yaml,
#      then tests/template_check.py: each function's policy against the calls its code
#      makes, and the bucket's public-access settings (moto enforces no IAM).
#   6. Fresh BACKOFFICE_DATA_DIR / BACKOFFICE_STATE_DIR / BACKOFFICE_CONFIG_DIR
#      under a temporary run dir, so tests never touch a real home.
#   7. cargo test (exit status is cargo's).
# On exit, only what this script started (moto, and mariadbd if we started it)
# is stopped. A MariaDB that was already running is left alone.
#
# Environment:
#   BACKOFFICE_RUN_SKIP_CARGO=1   skip the cargo steps (for checking service set-up)
#
# Works on a fresh Debian 12 machine as root (installs mariadb-server and
# python3-venv with apt-get when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LOOPBACK=127.0.0.1
MYSQL_HOST=$LOOPBACK
MYSQL_PORT=3306
MYSQL_DATADIR=/var/lib/mysql
TEST_DB=backoffice_test
VENV="$ROOT/.venv"
MOTO_VERSION=5.2.5
CFN_LINT_VERSION=1.58.0
WAIT_SECS=60

RUN_DIR="$(mktemp -d -t backoffice-run.XXXXXX)"
MARIADB_PID=""   # set only if this script started mariadbd
MOTO_PID=""
APT_UPDATED=""

step() { printf '==> %s\n' "$*"; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- cleanup
stop_pid() { # stop_pid NAME PID — TERM, wait up to 60 s, then KILL
    local name=$1 pid=$2 i
    kill -0 "$pid" 2>/dev/null || return 0
    step "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < WAIT_SECS * 2; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    # Private servers of fault tests that an interrupted test binary left running (or frozen).
    local pid
    for pid in $(ls "$RUN_DIR/pids" 2>/dev/null); do
        kill -CONT "$pid" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null
    done
    [[ -n $MOTO_PID ]] && stop_pid moto_server "$MOTO_PID"
    [[ -n $MARIADB_PID ]] && stop_pid mariadbd "$MARIADB_PID"
    if [[ $rc -eq 0 ]]; then
        rm -rf "$RUN_DIR"
    else
        printf '==> failed (exit %s); logs and test dirs kept in %s\n' "$rc" "$RUN_DIR" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers
apt_install() {
    [[ $(id -u) -eq 0 ]] || die "need root to apt-get install $*"
    if [[ -z $APT_UPDATED ]]; then
        apt-get update
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

mysql_tcp()    { mariadb -h"$MYSQL_HOST" -P"$MYSQL_PORT" -uroot "$@"; }
mysql_socket() { mariadb -uroot "$@"; }
tcp_ok()       { mysql_tcp -e 'select 1' >/dev/null 2>&1; }
socket_ok()    { mysql_socket -e 'select 1' >/dev/null 2>&1; }

# ---------------------------------------------------------------- 2. MariaDB
start_mariadb() {
    local log="$RUN_DIR/mariadbd.log" i
    install -d -o mysql -g mysql /run/mysqld
    if [[ ! -d $MYSQL_DATADIR/mysql ]]; then
        step "initialising $MYSQL_DATADIR"
        mariadb-install-db --user=mysql --datadir="$MYSQL_DATADIR" >"$RUN_DIR/install-db.log" 2>&1 \
            || { tail -n 30 "$RUN_DIR/install-db.log" >&2; die "mariadb-install-db failed"; }
    fi
    step "starting mariadbd (log: $log)"
    nohup mariadbd --user=mysql --datadir="$MYSQL_DATADIR" \
        --bind-address="$MYSQL_HOST" --port="$MYSQL_PORT" >"$log" 2>&1 &
    MARIADB_PID=$!
    for ((i = 0; i < WAIT_SECS * 2; i++)); do
        socket_ok && return 0
        if ! kill -0 "$MARIADB_PID" 2>/dev/null; then
            MARIADB_PID=""
            tail -n 30 "$log" >&2
            die "mariadbd exited during start-up"
        fi
        sleep 0.5
    done
    tail -n 30 "$log" >&2
    die "mariadbd did not answer on its socket within ${WAIT_SECS}s"
}

grant_root_tcp() {
    step "granting root TCP access with an empty password"
    mysql_socket <<'SQL'
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
SQL
}

have_server_binaries() {
    command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || return 1
    command -v mariadb-install-db >/dev/null || [[ -x /usr/bin/mariadb-install-db ]]
}

ensure_mariadb() {
    step "MariaDB on $MYSQL_HOST:$MYSQL_PORT"
    command -v mariadb >/dev/null || apt_install mariadb-client
    if tcp_ok; then
        echo "    already answering"
        # Fault tests run a private mariadbd (own datadir and port) beside it.
        have_server_binaries || apt_install mariadb-server
        return 0
    fi
    have_server_binaries || apt_install mariadb-server
    # The package's own start-up (or some other start) may have brought it up.
    socket_ok || start_mariadb
    grant_root_tcp
    if ! tcp_ok; then
        [[ -f $RUN_DIR/mariadbd.log ]] && tail -n 30 "$RUN_DIR/mariadbd.log" >&2
        mysql_tcp -e 'select 1' || true   # show the client's error
        die "MariaDB does not answer on $MYSQL_HOST:$MYSQL_PORT as root with an empty password"
    fi
}

# ---------------------------------------------------------------- 3. test database
create_test_db() {
    step "creating database $TEST_DB"
    mysql_tcp -e "DROP DATABASE IF EXISTS \`$TEST_DB\`;
                  CREATE DATABASE \`$TEST_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    export BACKOFFICE_TEST_MYSQL_URL="mysql://root@$MYSQL_HOST:$MYSQL_PORT/$TEST_DB"
}

# ---------------------------------------------------------------- 4. moto
ensure_venv() {
    step "Python venv at .venv with moto[server]==$MOTO_VERSION"
    command -v python3 >/dev/null || apt_install python3 python3-venv
    # A venv without a working pip (e.g. half-created, or its Python moved) is rebuilt.
    if [[ -d $VENV ]] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        echo "    .venv is unusable; recreating"
        rm -rf "$VENV"
    fi
    if [[ ! -d $VENV ]]; then
        if ! python3 -m venv "$VENV"; then
            rm -rf "$VENV"
            apt_install python3-venv
            python3 -m venv "$VENV"
        fi
    fi
    local have lint
    have="$("$VENV/bin/pip" show moto 2>/dev/null | awk '/^Version:/ {print $2}')" || true
    lint="$("$VENV/bin/pip" show cfn-lint 2>/dev/null | awk '/^Version:/ {print $2}')" || true
    if [[ -x $VENV/bin/moto_server && $have == "$MOTO_VERSION" && $lint == "$CFN_LINT_VERSION" ]]; then
        echo "    moto $have and cfn-lint $lint already installed"
        return 0
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" "cfn-lint==$CFN_LINT_VERSION"
}

# ---------------------------------------------------------------- 5. SAM template
lint_template() {
    step "cfn-lint docs/deploy/template.yaml"
    "$VENV/bin/cfn-lint" docs/deploy/template.yaml
    step "tests/template_check.py: the template's policies against the code's calls"
    "$VENV/bin/python" tests/template_check.py
}

free_port() {
    "$VENV/bin/python" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

http_answers() { # any HTTP status counts
    "$VENV/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
PY
}

start_moto() {
    local port log="$RUN_DIR/moto.log" url i
    port="$(free_port)"
    url="http://$LOOPBACK:$port"
    step "starting moto_server on $url (log: $log)"
    nohup "$VENV/bin/moto_server" -H "$LOOPBACK" -p "$port" >"$log" 2>&1 &
    MOTO_PID=$!
    for ((i = 0; i < WAIT_SECS * 2; i++)); do
        if http_answers "$url/moto-api/"; then
            export BACKOFFICE_TEST_AWS_ENDPOINT="$url"
            # Fault tests start (and stop) their own moto from the same venv.
            export BACKOFFICE_TEST_MOTO_SERVER="$VENV/bin/moto_server"
            export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
            export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
            unset AWS_PROFILE AWS_SESSION_TOKEN
            return 0
        fi
        if ! kill -0 "$MOTO_PID" 2>/dev/null; then
            MOTO_PID=""
            tail -n 30 "$log" >&2
            die "moto_server exited during start-up"
        fi
        sleep 0.5
    done
    tail -n 30 "$log" >&2
    die "moto_server did not answer within ${WAIT_SECS}s"
}

# ---------------------------------------------------------------- 6. app dirs
make_app_dirs() {
    step "fresh data/state/config dirs under $RUN_DIR"
    export BACKOFFICE_DATA_DIR="$RUN_DIR/data"
    export BACKOFFICE_STATE_DIR="$RUN_DIR/state"
    export BACKOFFICE_CONFIG_DIR="$RUN_DIR/config"
    export BACKOFFICE_TEST_PID_DIR="$RUN_DIR/pids"
    mkdir -p "$BACKOFFICE_TEST_PID_DIR"
    mkdir -p "$BACKOFFICE_DATA_DIR" "$BACKOFFICE_STATE_DIR" "$BACKOFFICE_CONFIG_DIR"
}

# ---------------------------------------------------------------- 1. lint
# Sources compiled through include!() are outside cargo fmt's reach: list them from the code.
included_sources() {
    grep -rhoE 'include!\("[^"]+\.rs"\)' --include='*.rs' src crates tests benches 2>/dev/null \
        | sort -u | while read -r inc; do
            local name=${inc#include!(\"}
            name=${name%\")}
            grep -rlE "include!\(\"$name\"\)" --include='*.rs' src crates tests benches \
                | while read -r from; do printf '%s/%s\n' "$(dirname "$from")" "$name"; done
        done | sort -u
}

lint() {
    if [[ ${BACKOFFICE_RUN_SKIP_CARGO:-} == 1 ]]; then
        return 0
    fi
    step "cargo fmt --all --check"
    cargo fmt --all --check
    step "tests/build-sharing.sh: cargo build and the test run share their dependencies"
    bash tests/build-sharing.sh
    local files
    mapfile -t files < <(included_sources)
    if ((${#files[@]})); then
        step "rustfmt --check on include!d sources: ${files[*]}"
        rustfmt --edition 2024 --check "${files[@]}"
    fi
    step "cargo clippy --workspace --all-targets --all-features --locked -- -D warnings"
    cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
}

# ---------------------------------------------------------------- 7. cargo
run_cargo() {
    if [[ ${BACKOFFICE_RUN_SKIP_CARGO:-} == 1 ]]; then
        step "BACKOFFICE_RUN_SKIP_CARGO=1: skipping cargo test"
        env | grep -E '^(BACKOFFICE_|AWS_)' | sort | sed 's/^/    /'
        return 0
    fi
    command -v cargo >/dev/null || die "cargo not found (install Rust, e.g. via rustup)"
    step "cargo test --workspace --all-features --locked -- --include-ignored${*:+ $*}"
    cargo test --workspace --all-features --locked -- --include-ignored "$@"
}

# The TLS test makes its own CA and server certificate with the openssl command.
ensure_openssl() {
    command -v openssl >/dev/null || apt_install openssl
}

main() {
    # The house rules first: a formatting slip or a lint fails before any service starts.
    lint
    ensure_openssl
    ensure_mariadb
    create_test_db
    ensure_venv
    start_moto
    lint_template
    make_app_dirs
    local rc=0
    run_cargo "$@" || rc=$?
    exit "$rc"
}

main "$@"
