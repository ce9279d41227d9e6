#!/usr/bin/env bash
# tests/build-sharing.sh — the console's build (`cargo build`) and the test run (`cargo test
# --workspace --all-features`) must ask every shared dependency for the same features;
# otherwise cargo compiles that crate, and everything above it, a second time. Prints the
# crates whose features differ and fails when there is any.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

features() { # features ARGS... — "name version [features]" per package, sorted
    cargo tree "$@" --locked --prefix none --format '{p} [{f}]' \
        | sed -e 's/ (\*)$//' -e 's/ (proc-macro)//' -e 's| (/[^)]*)||' | sort -u
}

console=$(features -p backoffice -e normal,build)
tests=$(features --workspace --all-features -e normal,build,dev)
# Only crates both builds compile can differ in a way that costs a second build; the
# workspace's own crates are rebuilt for tests anyway (the domain crate adds `lambda` there).
differ=$(join -j1 -t'|' \
    <(printf '%s\n' "$console" | sed 's/ \[/|[/' | sort -t'|' -k1,1) \
    <(printf '%s\n' "$tests" | sed 's/ \[/|[/' | sort -t'|' -k1,1) \
    | grep -v '^backoffice' \
    | awk -F'|' '$2 != $3 { print "  " $1 "\n    cargo build: " $2 "\n    test run:    " $3 }')
if [[ -n $differ ]]; then
    printf 'these crates get other features in the test run than in cargo build, so both\n'
    printf 'compile them (and everything built on them); ask for the same in Cargo.toml:\n%s\n' "$differ"
    exit 1
fi
echo "cargo build and the test run share every dependency's build"
