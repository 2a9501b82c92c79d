#!/usr/bin/env bash
# bench/compress.sh: space and time of `jvs snapshot --compress LEVEL` of
# the `source` and `mixed` trees (bench/gen-tree.py, seed 42), against an
# uncompressed snapshot and against `tar | zstd` of the same tree at the
# matching zstd level, in one run. Prints a Markdown table on stdout.
#
# Per tree and level (none, fast = 1, default = 3, max = 19):
#   jvs snapshot   first snapshot of a fresh repository holding the tree
#                  (JVS_SNAPSHOT_ENGINE=copy: compression is copy-only)
#   jvs space      `du` of the snapshot's payload (blocks used, and the
#                  bytes of its files)
#   jvs restore    `jvs restore HEAD --discard` into the emptied worktree
#                  (every file decoded and written)
#   tar | zstd     `tar cf - TREE | zstd -LEVEL -T2` to a file (none:
#                  plain tar), its time and size
#   unzstd | tar x the archive extracted into an empty directory
# Each operation runs once, after `sync`, page cache warm.
#
# Environment:
#   JVS_BIN            directory holding the jvs-* programs (default <repo>/bin)
#   BENCH_CZ_TREES     NAME:KIND:FILES:MIB specs (default
#                      "source:source:10000:40 mixed:mixed:2000:100")
#   BENCH_CZ_LEVELS    levels to run (default "none fast default max")
#   BENCH_DIR          scratch directory parent (default $TMPDIR or /tmp)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
TREES=${BENCH_CZ_TREES:-"source:source:10000:40 mixed:mixed:2000:100"}
LEVELS=${BENCH_CZ_LEVELS:-"none fast default max"}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}

die() { echo "compress bench: $*" >&2; exit 1; }
for p in jvs jvs-init jvs-snapshot jvs-restore; do
	[ -x "$BIN/$p" ] || die "$BIN/$p not found; run 'make' first (or set JVS_BIN)"
done
for c in zstd tar du python3; do
	command -v $c >/dev/null 2>&1 || die "$c not found"
done
export PATH=$BIN:$PATH
export JVS_SNAPSHOT_ENGINE=copy
unset JVS_SNAPSHOT_COMPRESS

W=$(mktemp -d "$BASE/jvs-bench-compress.XXXXXX")
trap 'cd /; rm -rf "$W"' EXIT

now() { date +%s.%N; }
# timed CMD...: runs CMD after sync, sets $T to its seconds
timed() {
	local a b
	sync
	a=$(now)
	"$@"
	b=$(now)
	T=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }')
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
zlevel() { case $1 in fast) echo 1 ;; default) echo 3 ;; max) echo 19 ;; *) echo 0 ;; esac; }

echo "| tree | level | jvs snapshot | jvs space (disk / bytes) | vs none | jvs restore | tar \\| zstd | archive | vs none | unzstd \\| tar x |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for spec in $TREES; do
	IFS=: read -r name kind nfiles nmb <<<"$spec"
	tree=$W/tree-$name
	python3 "$ROOT/bench/gen-tree.py" "$kind" "$tree" "$nfiles" "$nmb" 42
	plain_k= plain_a=
	for lv in $LEVELS; do
		r=$W/repo-$name-$lv
		jvs-init "$r" >/dev/null
		cp -a "$tree/." "$r/main/"
		cd "$r/main"
		timed jvs-snapshot -q --compress "$lv" "$lv" >"$W/id"
		t_snap=$T
		id=$(cat "$W/id")
		k=$(du -sk "$r/.jvs/snapshots/$id" | cut -f1)
		b=$(du -sk --apparent-size "$r/.jvs/snapshots/$id" | cut -f1)
		[ -n "$plain_k" ] || plain_k=$k
		find "$r/main" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
		timed jvs-restore -q HEAD --discard >/dev/null
		t_rest=$T
		cmp -s <(cd "$tree" && find . -type f -exec b2sum -l 256 {} + | sort) \
			<(cd "$r/main" && find . -type f -exec b2sum -l 256 {} + | sort) ||
			die "$name/$lv: the restored tree differs"
		cd "$W"
		z=$(zlevel "$lv")
		if [ "$z" = 0 ]; then
			timed tar cf "$W/a.tar" -C "$tree" .
		else
			timed sh -c "tar cf - -C '$tree' . | zstd -q -$z -T2 -o '$W/a.tar'"
		fi
		t_tar=$T
		ak=$(( ($(stat -c %s "$W/a.tar") + 1023) / 1024 ))
		[ -n "$plain_a" ] || plain_a=$ak
		rm -rf "$W/x" && mkdir "$W/x"
		if [ "$z" = 0 ]; then
			timed tar xf "$W/a.tar" -C "$W/x"
		else
			timed sh -c "zstd -q -d -c '$W/a.tar' | tar xf - -C '$W/x'"
		fi
		t_untar=$T
		rm -rf "$W/x" "$W/a.tar" "$r"
		printf '| %s (%s files, %s MiB) | %s | %s s | %s / %s MiB | %s | %s s | %s s | %s MiB | %s | %s s |\n' \
			"$name" "$nfiles" "$nmb" "$lv" "$t_snap" "$(mib "$k")" "$(mib "$b")" \
			"$(awk -v a="$k" -v b="$plain_k" 'BEGIN { printf "%.2f", a / b }')" "$t_rest" \
			"$t_tar" "$(mib "$ak")" \
			"$(awk -v a="$ak" -v b="$plain_a" 'BEGIN { printf "%.2f", a / b }')" "$t_untar"
	done
	rm -rf "$tree"
done
echo
echo "Compression levels: fast = zstd 1, default = 3, max = 19; \`tar | zstd\` at the same level (\`-T2\`). \`jvs space\`: \`du -sk\` of the snapshot's payload (disk blocks) and \`du --apparent-size\`; \`vs none\`: disk blocks against the uncompressed snapshot, the archive against plain tar. The \`source\` tree is hex text (half its bytes' entropy), \`mixed\` random bytes (incompressible: JVS stores those files as they are). $(nproc) CPUs, $(uname -r), $(df -T "$BASE" | awk 'NR == 2 { print $2 }') scratch."
exit 0
}
