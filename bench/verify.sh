#!/usr/bin/env bash
# bench/verify.sh: how fast `jvs verify --all` hashes, against b2sum.
#
# Generates about BENCH_MB megabytes of random data in BENCH_FILES files,
# takes one snapshot of it, then times `jvs verify --all` and, over the
# very same snapshot files, `b2sum -l 256` run on two cores
# (find -print0 | xargs -0 -P2 -n 50 b2sum -l 256). Both read from the page
# cache (a warm-up pass precedes the timed runs), so this measures hashing
# and the work around it, not the disk. Prints the throughput of each in
# MB/s and their ratio; verify should come close to b2sum (ratio near 1)
# since it hashes with one thread per core and reads each inode once.
#
# Environment:
#   JVS_BIN       directory holding the jvs-* programs (default <repo>/bin)
#   BENCH_MB      total payload in megabytes (default 200)
#   BENCH_FILES   number of files (default 300)
#   BENCH_RUNS    timed runs of each; the best is reported (default 3)
#   BENCH_DIR     where the scratch repository goes (default $TMPDIR or /tmp)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
MB=${BENCH_MB:-200}
FILES=${BENCH_FILES:-300}
RUNS=${BENCH_RUNS:-3}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}

die() { echo "verify bench: $*" >&2; exit 1; }
for p in jvs-init jvs-snapshot jvs-verify; do
	[ -x "$BIN/$p" ] || die "$BIN/$p not found; run 'make' first (or set JVS_BIN)"
done
command -v b2sum >/dev/null || die "b2sum (GNU coreutils) is needed for the comparison"
case $MB$FILES$RUNS in *[!0-9]*) die "BENCH_MB, BENCH_FILES and BENCH_RUNS must be numbers" ;; esac
[ "$FILES" -gt 0 ] && [ "$MB" -gt 0 ] && [ "$RUNS" -gt 0 ] || die "sizes must be positive"

WORK=$(mktemp -d "$BASE/jvs-verify-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REPO=$WORK/repo
"$BIN/jvs-init" "$REPO" >/dev/null

# Files of varied sizes (half to one and a half times the mean) adding up
# to MB megabytes, in a few directories.
total=$((MB * 1000 * 1000))
mean=$((total / FILES))
left=$total
for ((i = 0; i < FILES; i++)); do
	if ((i == FILES - 1)); then
		size=$left
	else
		size=$((mean / 2 + (RANDOM * 32768 + RANDOM) % (mean + 1)))
		((size > left)) && size=$left
	fi
	left=$((left - size))
	dir=$REPO/main/d$((i % 8))
	mkdir -p "$dir"
	head -c "$size" /dev/urandom >"$dir/f$i.bin"
done

snap_start=$(date +%s.%N)
id=$(cd "$REPO/main" && "$BIN/jvs-snapshot" -q --no-progress "bench payload")
snap_end=$(date +%s.%N)
PAYLOAD=$REPO/.jvs/snapshots/$id
bytes=$(find "$PAYLOAD" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
nfiles=$(find "$PAYLOAD" -type f | wc -l)

verify() {
	"$BIN/jvs-verify" -C "$REPO" --all --no-progress >/dev/null
}
b2() {
	(cd "$PAYLOAD" && find . -type f -print0 | xargs -0 -P2 -n 50 b2sum -l 256 >/dev/null)
}

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

# best CMD: the shortest of RUNS timed runs, in seconds.
best() {
	local b= t0 t1 d
	for ((r = 0; r < RUNS; r++)); do
		t0=$(date +%s.%N)
		"$@"
		t1=$(date +%s.%N)
		d=$(calc "$t1 - $t0")
		if [ -z "$b" ] || [ "$(calc "$d < $b")" != 0.000000 ]; then b=$d; fi
	done
	echo "$b"
}

verify # warm-up: page cache, and proof that the snapshot is intact
b2
tv=$(best verify)
tb=$(best b2)

printf 'verify bench: %d files, %.1f MB, %d core(s); snapshot took %.2f s\n' \
	"$nfiles" "$(calc "$bytes / 1000000")" "$(nproc)" "$(calc "$snap_end - $snap_start")"
printf '  jvs verify --all            %7.3f s  %8.1f MB/s\n' "$tv" "$(calc "$bytes / 1000000 / $tv")"
printf '  b2sum -l 256 (xargs -P2)    %7.3f s  %8.1f MB/s\n' "$tb" "$(calc "$bytes / 1000000 / $tb")"
printf '  ratio verify/b2sum throughput: %.2f\n' "$(calc "$tb / $tv")"
