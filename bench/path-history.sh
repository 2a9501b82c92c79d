#!/usr/bin/env bash
# bench/path-history.sh: issue 15 budgets, in one run.
#
#  (a) `jvs history -- PATH` over a repository of BENCH_SNAPSHOTS snapshots
#      (generated as bench/gc-plan.sh does: one line of history, each
#      snapshot changing the one file `data`), beside plain `jvs history`.
#  (b) a snapshot of a worktree whose ignored part (a directory named in
#      .jvsignore) is 10x its tracked part, in files and bytes, against a
#      snapshot of the tracked part alone: the ignored part must cost
#      nothing (ratio <= 1.10). First snapshots and snapshots after one
#      change, alternating the two repositories, median of BENCH_RUNS.
#
# Run by `make bench` after bench/run.sh (it appends its Markdown to
# stdout; the Makefile adds it to doc/BENCHMARKS.md). Environment:
#   JVS_BIN          directory holding jvs-* programs (default <repo>/bin)
#   BENCH_SNAPSHOTS  snapshots for (a) (default 10000; 0 skips (a))
#   BENCH_RUNS       runs per operation, the median is reported (default 5)
#   BENCH_TRACKED_FILES, BENCH_TRACKED_MB  tracked part of (b) (1000, 10);
#                    the ignored part is 10 times both
#   BENCH_DIR        where the scratch directory goes (default $TMPDIR or /tmp)
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail
{
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
NSNAP=${BENCH_SNAPSHOTS:-10000}
RUNS=${BENCH_RUNS:-5}
TF=${BENCH_TRACKED_FILES:-1000}
TMB=${BENCH_TRACKED_MB:-10}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}

die() { echo "path-history bench: $*" >&2; exit 1; }
note() { echo "path-history bench: $*" >&2; }
for p in jvs-init jvs-snapshot jvs-history; do
	[ -x "$BIN/$p" ] || die "$BIN/$p not found; run 'make' first (or set JVS_BIN)"
done
command -v python3 >/dev/null || die "python3 is needed to generate the trees"
case $NSNAP$RUNS$TF$TMB in *[!0-9]*) die "BENCH_* values must be numbers" ;; esac
[ "$RUNS" -gt 0 ] || die "BENCH_RUNS must be positive"

WORK=$(mktemp -d "$BASE/jvs-path-bench.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# ms CMD...: wall milliseconds of CMD (output discarded), after a sync.
ms() {
	local s e
	sync
	s=$(date +%s%N)
	"$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; die "failed: $*"; }
	e=$(date +%s%N)
	echo $(( (e - s) / 1000000 ))
}
best() { tr ' ' '\n' | sed '/^$/d' | sort -n | head -n1; }
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 <= 0) print "-"; else printf "%.2f", a / b }'; }
verdict() { awk -v x="$1" -v lim="$2" 'BEGIN { print (x != "-" && x + 0 <= lim + 0) ? "met" : "**missed**" }'; }

B="| budget | measured | limit | |"$'\n'"|---|---:|---:|---|"$'\n'
R="| operation | median ms | runs |"$'\n'"|---|---:|---:|"$'\n'

# ---- (a) history -- PATH over many snapshots ----
if [ "$NSNAP" -gt 0 ]; then
	note "generating a repository of $NSNAP snapshots"
	hrepo=$WORK/hrepo
	"$BIN/jvs-init" -q "$hrepo" >/dev/null
	awk '/^python3 - "\$REPO" "\$N" <<.EOF.$/{f=1;next} /^EOF$/{f=0} f' \
		"$ROOT/bench/gc-plan.sh" >"$WORK/gen-snapshots.py"
	python3 "$WORK/gen-snapshots.py" "$hrepo" "$NSNAP"
	"$BIN/jvs-history" -C "$hrepo/main" >/dev/null # fills the catalogue cache
	n=$("$BIN/jvs-history" -C "$hrepo/main" --format id -- data | wc -l)
	[ "$n" -eq "$NSNAP" ] || die "history -- data listed $n snapshots, not $NSNAP"
	declare -A T=()
	for _ in $(seq "$RUNS"); do
		T[plain]+=" $(ms "$BIN/jvs-history" -C "$hrepo/main")"
		T[data]+=" $(ms "$BIN/jvs-history" -C "$hrepo/main" -- data)"
		T[limit]+=" $(ms "$BIN/jvs-history" -C "$hrepo/main" --limit 10 -- data)"
		T[none]+=" $(ms "$BIN/jvs-history" -C "$hrepo/main" -- nosuch)"
		T[all]+=" $(ms "$BIN/jvs-history" -C "$hrepo/main" --all --format tsv -- data)"
	done
	a_plain=$(median <<<"${T[plain]}") a_data=$(median <<<"${T[data]}")
	R+="| \`jvs history\` ($NSNAP snapshots) | $a_plain | $RUNS |"$'\n'
	R+="| \`jvs history -- data\` (every snapshot changed it) | $a_data | $RUNS |"$'\n'
	R+="| \`jvs history --limit 10 -- data\` | $(median <<<"${T[limit]}") | $RUNS |"$'\n'
	R+="| \`jvs history -- nosuch\` (in no manifest) | $(median <<<"${T[none]}") | $RUNS |"$'\n'
	R+="| \`jvs history --all --format tsv -- data\` | $(median <<<"${T[all]}") | $RUNS |"$'\n'
	B+="| $NSNAP snapshots: \`history -- data\` (ms) | $a_data | < 250 | $(verdict "$a_data" 249.999) |"$'\n'
	# hrepo stays until the end: removing it now would put the discard of
	# its blocks into the snapshots timed below (see the set-up of part (b))
fi

# ---- (b) an ignored part 10x the tracked part costs nothing ----
note "generating a tracked part of $TF files, $TMB MiB and an ignored part 10 times that"
python3 "$ROOT/bench/gen-tree.py" source "$WORK/tracked" "$TF" "$TMB" 42
python3 "$ROOT/bench/gen-tree.py" mixed "$WORK/ignored" $((TF * 10)) $((TMB * 10)) 43
printf '/build-cache/\n' >"$WORK/tracked/.jvsignore"
ONE=$(cd "$WORK/tracked" && find . -type f -name '*.c' | LC_ALL=C sort | sed -n 2p)

# one_repo KIND RUN: a fresh repository whose main holds a copy of the
# tracked part, plus the ignored part (hard links) for KIND "ignored". Not
# hard links of the tracked part: linking it again for the other repository
# would change the files' ctime and void the first one's hash cache.
# Both kinds link the ignored part, the tracked kind outside its worktree,
# so that the file system's work of making those links is the same.
one_repo() {
	local r=$WORK/repo-$1-$2 elsewhere=$WORK/outside-$1-$2
	"$BIN/jvs-init" -q "$r" >/dev/null
	rmdir "$r/main"
	cp -a "$WORK/tracked" "$r/main"
	if [ "$1" = ignored ]; then
		cp -al "$WORK/ignored" "$r/main/build-cache"
	else
		cp -al "$WORK/ignored" "$elsewhere"
	fi
	echo "$r"
}
# Every repository is made before the first timed snapshot and none is
# removed until the end: this file system may be mounted with online
# discard (ext4 -o discard), where the blocks freed by removing a tree are
# discarded at the following journal commits, which are the snapshots'
# fsyncs; set-up between timed runs made each run slower than the last
# (in one run of 6 pairs, 155 ms for the first and 1,769 ms for the last).
note "making $((RUNS * 2)) repositories"
for run in $(seq "$RUNS"); do
	one_repo tracked "$run" >/dev/null
	one_repo ignored "$run" >/dev/null
done
sync
sleep 2
declare -A S=()
RAW=
for run in $(seq "$RUNS"); do
	note "snapshot run $run of $RUNS"
	order="tracked ignored"
	[ $((run % 2)) = 0 ] && order="ignored tracked" # neither always goes first
	for kind in $order; do
		S[first-$kind]+=" $(ms "$BIN/jvs-snapshot" -C "$WORK/repo-$kind-$run/main" -q first)"
	done
	sleep 1 # out of the racy-timestamp window of the hash cache
	for kind in $order; do
		r=$WORK/repo-$kind-$run
		echo "changed in run $run" >>"$r/main/$ONE"
		S[second-$kind]+=" $(ms "$BIN/jvs-snapshot" -C "$r/main" -q second)"
	done
done
r=$WORK/repo-ignored-1
ign=$(sed -n 's/.*"ignored_count": *\([0-9]*\).*/\1/p' "$r/.jvs/descriptors/"*.json | head -n1)
[ -n "$ign" ] && [ "$ign" -gt 0 ] || die "the ignored part was not left out (ignored_count '${ign:-}')"
for op in first second; do
	t=$(median <<<"${S[$op-tracked]}") i=$(median <<<"${S[$op-ignored]}")
	label=$([ $op = first ] && echo "first snapshot" || echo "snapshot after 1 file changed")
	R+="| $label, tracked part alone ($TF files, $TMB MiB) | $t | $RUNS |"$'\n'
	R+="| $label, plus an ignored part of $((TF * 10)) files, $((TMB * 10)) MiB | $i | $RUNS |"$'\n'
	RAW+=$'\n'"- $label, tracked alone:${S[$op-tracked]} ms; with the ignored part:${S[$op-ignored]} ms"
	x=$(ratio "$i" "$t")
	B+="| $label: with the ignored part 10× / tracked part alone (medians) | $x | ≤ 1.10 | $(verdict "$x" 1.10) |"$'\n'
	x=$(ratio "$(best <<<"${S[$op-ignored]}")" "$(best <<<"${S[$op-tracked]}")")
	B+="| $label: the same, best runs | $x | ≤ 1.10 | $(verdict "$x" 1.10) |"$'\n'
done
# The same work, counted rather than timed (immune to the load of the
# machine): the system calls of each snapshot but futex (the worker
# threads' waits, which vary from run to run).
calls() { awk 'NF >= 5 && $1 ~ /^[0-9.]+$/ && $NF != "futex" && $NF != "total" { n += $4 } END { print n + 0 }' "$1"; }
if command -v strace >/dev/null; then
	declare -A C=()
	for kind in tracked ignored; do
		r=$(one_repo $kind strace)
		sync
		strace -f -c -o "$WORK/strace.first.$kind" "$BIN/jvs-snapshot" -C "$r/main" -q first >/dev/null
		C[first-$kind]=$(calls "$WORK/strace.first.$kind")
		sleep 1
		echo "changed once more" >>"$r/main/$ONE"
		strace -f -c -o "$WORK/strace.second.$kind" "$BIN/jvs-snapshot" -C "$r/main" -q second >/dev/null
		C[second-$kind]=$(calls "$WORK/strace.second.$kind")
	done
	for op in first second; do
		label=$([ $op = first ] && echo "first snapshot" || echo "snapshot after 1 file changed")
		x=$(ratio "${C[$op-ignored]}" "${C[$op-tracked]}")
		R+="| system calls (but futex) of the $label: tracked alone / with the ignored part | ${C[$op-tracked]} / ${C[$op-ignored]} | 1 |"$'\n'
		B+="| $label: system calls with the ignored part / without | $x | ≤ 1.01 | $(awk -v x="$x" 'BEGIN { print (x != "-" && x + 0 <= 1.01) ? "met" : "**missed**" }') |"$'\n'
	done
fi

cat <<EOF
Generated by bench/path-history.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); load average
at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown). Median of $RUNS runs,
warm caches, \`sync\` before each timed command. The $NSNAP snapshots are generated as
bench/gc-plan.sh does; each changes \`data\`, so \`history -- data\` lists and reads
the manifests of all of them. The ignored part is a \`/build-cache/\` directory named
in .jvsignore (ignored_count of the snapshot: $ign: the directory is left out whole, unread).
Both kinds of repository are made the same way, all of them before the first
timed snapshot: the ignored part is hard-linked into the one worktree and,
for the other, beside its repository. Runs, in order: $RAW

$B
$R
EOF
exit 0
}
