#!/usr/bin/env bash
# bench/engines.sh: snapshot, restore and fork time per snapshot engine, at
# one data size and at BENCH_MULT times that data over the same file count.
# Clone engines (reflink-copy, juicefs-clone) should stay flat as the data
# grows; copy grows with it. Prints a Markdown table on stdout.
#
# Engines measured, each where it can be had (else a row says why not):
#   copy           a repository on BENCH_DIR's file system, JVS_SNAPSHOT_ENGINE=copy
#   reflink-copy   a loop-mounted XFS (reflink=1) image (root, mkfs.xfs)
#   btrfs-subvolume  a loop-mounted btrfs image (root, mkfs.btrfs)
#   juicefs-clone  a JuiceFS volume with SQLite metadata and file storage
#                  (root, FUSE, `juicefs` on PATH)
#
# Operations (each run once, `sync` before it, warm page cache):
#   snapshot     first snapshot of the fresh tree (every file hashed: data-bound
#                for every engine, shown for scale)
#   snapshot Δ1  snapshot after one file changed
#   restore      `jvs restore HEAD --discard` into the emptied worktree (every
#                file written back)
#   fork         `jvs worktree fork` of the snapshot (every file)
#
# Environment:
#   JVS_BIN      directory holding the jvs-* programs (default <repo>/bin)
#   BENCH_FILES  files in the tree (default 2000)
#   BENCH_MB     data of the small tree in MiB (default 100)
#   BENCH_MULT   data multiplier of the large tree (default 10)
#   BENCH_DIR    scratch directory parent (default $TMPDIR or /tmp)
#   BENCH_ENGINES  engines to try (default "copy reflink-copy btrfs-subvolume
#                  juicefs-clone")
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
FILES=${BENCH_FILES:-2000}
MB=${BENCH_MB:-100}
MULT=${BENCH_MULT:-10}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
ENGINES=${BENCH_ENGINES:-copy reflink-copy btrfs-subvolume juicefs-clone}

die() { echo "engines bench: $*" >&2; exit 1; }
for p in jvs jvs-init jvs-snapshot jvs-restore jvs-worktree-fork; do
	[ -x "$BIN/$p" ] || die "$BIN/$p not found; run 'make' first (or set JVS_BIN)"
done
case $FILES$MB$MULT in *[!0-9]*) die "BENCH_FILES, BENCH_MB and BENCH_MULT must be numbers" ;; esac
export PATH=$BIN:$PATH

W=$(mktemp -d "$BASE/jvs-bench-engines.XXXXXX")
MOUNTS=()
cleanup() {
	cd /
	for m in "${MOUNTS[@]}"; do
		case $m in
		juicefs:*) juicefs umount "${m#juicefs:}" >/dev/null 2>&1 || true ;;
		*) umount "$m" >/dev/null 2>&1 || true ;;
		esac
	done
	rm -rf "$W"
}
trap cleanup EXIT

now() { date +%s.%N; }
# timed CMD...: runs CMD after a sync, prints the seconds it took
timed() {
	local t0 t1
	sync
	t0=$(now)
	"$@" >/dev/null
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# make_tree DIR MIB: FILES files of random data, MIB MiB in all, in 20 dirs
make_tree() {
	local dir=$1 mib=$2 per i
	per=$(( mib * 1048576 / FILES ))
	mkdir -p "$dir"
	head -c $(( per * FILES )) /dev/urandom >"$W/blob"
	(cd "$dir" && split -a 6 -d -b "$per" "$W/blob" part-)
	rm -f "$W/blob"
	(cd "$dir" && for i in $(seq 0 19); do mkdir -p d$i; done &&
		i=0 && for f in part-*; do mv "$f" "d$(( i % 20 ))/"; i=$(( i + 1 )); done)
}

# run_engine NAME BASEDIR MIB: one row of the table
run_engine() {
	local name=$1 base=$2 mib=$3 repo snap1 snap2 rest fork eng
	repo=$base/repo-$mib
	jvs init "$repo" >/dev/null
	make_tree "$repo/main" "$mib"
	cd "$repo/main"
	snap1=$(timed jvs snapshot first -q)
	echo changed >>"$(ls -d d0/* | head -n 1)"
	snap2=$(timed jvs snapshot second -q)
	find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +
	rest=$(timed jvs restore HEAD --discard)
	fork=$(timed jvs worktree fork "f$mib")
	eng=$(sed -n 's/.*"engine": *"\([^"]*\)".*/\1/p' "$repo/.jvs/descriptors/$(jvs history --format id | head -n 1).json")
	[ "$eng" = "$name" ] || eng="$eng (asked: $name)"
	printf '| %s | %d | %d MiB | %s s | %s s | %s s | %s s |\n' \
		"$eng" "$FILES" "$mib" "$snap1" "$snap2" "$rest" "$fork"
	cd "$base"
	rm -rf "$repo" 2>/dev/null || true # read-only btrfs snapshots go with the image
}

rows=()
skipped=()
for engine in $ENGINES; do
	case $engine in
	copy)
		mkdir -p "$W/copy"
		for mib in "$MB" $(( MB * MULT )); do
			rows+=("$(JVS_SNAPSHOT_ENGINE=copy run_engine copy "$W/copy" "$mib")")
		done
		;;
	reflink-copy)
		if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.xfs >/dev/null; then
			skipped+=("reflink-copy: needs root and mkfs.xfs for a loop-mounted XFS image")
			continue
		fi
		mkdir -p "$W/xfs"
		truncate -s $(( MB * MULT * 3 + 1024 ))M "$W/xfs.img"
		if ! mkfs.xfs -q -m reflink=1 "$W/xfs.img" >/dev/null 2>&1 ||
			! mount -o loop "$W/xfs.img" "$W/xfs" 2>/dev/null; then
			skipped+=("reflink-copy: cannot make or loop-mount an XFS image here")
			continue
		fi
		MOUNTS+=("$W/xfs")
		for mib in "$MB" $(( MB * MULT )); do
			rows+=("$(run_engine reflink-copy "$W/xfs" "$mib")")
		done
		;;
	btrfs-subvolume)
		if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.btrfs >/dev/null; then
			skipped+=("btrfs-subvolume: needs root and mkfs.btrfs for a loop-mounted btrfs image")
			continue
		fi
		mkdir -p "$W/btrfs"
		truncate -s $(( MB * MULT * 3 + 1024 ))M "$W/btrfs.img"
		if ! mkfs.btrfs -q "$W/btrfs.img" >/dev/null 2>&1 ||
			! mount -o loop "$W/btrfs.img" "$W/btrfs" 2>/dev/null; then
			skipped+=("btrfs-subvolume: cannot make or loop-mount a btrfs image here")
			continue
		fi
		MOUNTS+=("$W/btrfs")
		for mib in "$MB" $(( MB * MULT )); do
			rows+=("$(run_engine btrfs-subvolume "$W/btrfs" "$mib")")
		done
		;;
	juicefs-clone)
		if [ "$(id -u)" -ne 0 ] || ! command -v juicefs >/dev/null || [ ! -c /dev/fuse ]; then
			skipped+=("juicefs-clone: needs root, /dev/fuse and juicefs on PATH")
			continue
		fi
		mkdir -p "$W/jfs" "$W/bucket"
		if ! juicefs format "sqlite3://$W/meta.db" vol --storage file \
			--bucket "$W/bucket/" >/dev/null 2>&1 ||
			! juicefs mount -d --no-usage-report "sqlite3://$W/meta.db" "$W/jfs" \
				>/dev/null 2>&1; then
			skipped+=("juicefs-clone: cannot format or mount a JuiceFS volume here")
			continue
		fi
		MOUNTS+=("juicefs:$W/jfs")
		for mib in "$MB" $(( MB * MULT )); do
			rows+=("$(run_engine juicefs-clone "$W/jfs" "$mib")")
		done
		;;
	*) die "unknown engine '$engine'" ;;
	esac
done

echo "| engine | files | data | snapshot (first, hashes all) | snapshot (1 file changed) | restore (all files) | fork |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
for s in "${skipped[@]+"${skipped[@]}"}"; do
	echo
	echo "Not measured: $s"
done
exit 0
}
