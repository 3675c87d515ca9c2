#!/usr/bin/env bash
# ab.sh: an A/B comparison of two commits, run alternately in one session so
# that a noisy machine slows both alike.
#
#   scripts/ab.sh [-n ROUNDS] A B PKG BENCH
#
# A and B are commits (or "." for the work tree as it is). For each, the
# test binary of PKG is built from that tree, and with it the vnetsim binary
# (VNETSIM_BIN, for BenchmarkCLI). Then ROUNDS rounds (default 6) run BENCH
# once per binary, in the order ABBA ABBA..., and internal/benchtable prints
# each metric's median for A and B and the ratio B/A. Environment variables
# (VNETSIM_BENCH_ESTATES, ...) pass through to both.
set -euo pipefail
rounds=6
if [ "${1:-}" = "-n" ]; then rounds=$2; shift 2; fi
if [ $# -ne 4 ]; then
  echo "usage: scripts/ab.sh [-n ROUNDS] A B PKG BENCH" >&2
  exit 2
fi
a=$1 b=$2 pkg=$3 bench=$4
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VNETSIM_BENCH_DIR=${VNETSIM_BENCH_DIR:-$tmp/data}
mkdir -p "$VNETSIM_BENCH_DIR"

tree() { # tree REV DIR: the source of REV in DIR
  if [ "$1" = "." ]; then
    (cd "$root" && git ls-files -co --exclude-standard -z | tar --ignore-failed-read --null -T - -cf - 2>/dev/null) | tar -xf - -C "$2"
  else
    git -C "$root" archive "$1" | tar -xf - -C "$2"
  fi
}
for side in a b; do
  rev=$a; [ $side = b ] && rev=$b
  mkdir -p "$tmp/$side"
  tree "$rev" "$tmp/$side"
  (cd "$tmp/$side" && go test -c -o "$tmp/$side.test" "$pkg" && go build -o "$tmp/$side.vnetsim" ./cmd/vnetsim)
  echo "$side = $rev ($(git -C "$root" rev-parse --short "${rev/#./HEAD}"))" >&2
done
run() { # run SIDE: one round of BENCH with SIDE's binaries
  (cd "$tmp/$1/$pkg" && VNETSIM_BIN="$tmp/$1.vnetsim" "$tmp/$1.test" -test.run '^$' -test.bench "$bench" -test.count 1 -test.benchtime "${BENCHTIME:-1s}" -test.timeout 60m) >>"$tmp/$1.txt"
}
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then run a; run b; else run b; run a; fi
  echo "round $i of $rounds done" >&2
done
go run "$root/internal/benchtable" -a "$tmp/a.txt" -b "$tmp/b.txt"
