#!/usr/bin/env bash
# Keys arriving faster than frames: the console on the sandbox in a real terminal (tmux), the
# command line opened, CHARS characters sent at once as separate keys (as a terminal without
# bracketed paste delivers a paste), and the time until the last of them is on screen.
#
#   tests/bench/typing_burst.sh [BINARY]     # default target/debug/backoffice; CHARS=400 RUNS=5
#
# Needs tmux. The sandbox lives in a temporary folder and is seeded at the first start (not
# timed). Prints each run and the median, in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BINARY="${1:-$ROOT/target/debug/backoffice}"
CHARS="${CHARS:-400}"
RUNS="${RUNS:-5}"
SOCKET="typing-burst-$$"
HOME_DIR="$(mktemp -d)"
trap 'tmux -L "$SOCKET" kill-server 2>/dev/null || true; rm -rf "$HOME_DIR"' EXIT

screen() { tmux -L "$SOCKET" capture-pane -p -t w; }
wait_for() {
    for _ in $(seq 1 1200); do
        if screen | grep -q -- "$1"; then return 0; fi
        sleep 0.05
    done
    echo "timed out waiting for $1" >&2
    screen >&2
    exit 1
}

tmux -L "$SOCKET" new-session -d -s w -x 200 -y 30 \
    "env XDG_DATA_HOME=$HOME_DIR/data XDG_CONFIG_HOME=$HOME_DIR/config XDG_STATE_HOME=$HOME_DIR/state XDG_CACHE_HOME=$HOME_DIR/cache BACKOFFICE_TRAFFIC=0 $BINARY --sandbox"
wait_for "Reports queue"

times=()
for run in $(seq 1 "$RUNS"); do
    text="storage $(head -c "$CHARS" /dev/zero | tr '\0' 'a')END$run"
    tmux -L "$SOCKET" send-keys -t w ":"
    wait_for "^:"
    start=$(date +%s.%N)
    tmux -L "$SOCKET" send-keys -t w -l "$text"
    wait_for "aEND$run"
    end=$(date +%s.%N)
    took=$(echo "$end - $start" | bc)
    echo "run $run: $took s"
    times+=("$took")
    tmux -L "$SOCKET" send-keys -t w Escape
    sleep 0.3
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " s for '"$CHARS"' keys"}'
