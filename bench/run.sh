#!/usr/bin/env bash
# bench/run.sh: JVS against cp -a, cp -al, cp --reflink, rsync --link-dest,
# git and restic, on reproducible trees, in one run.
#
# Run by `make bench`. Builds nothing: the programs must already be in
# ./bin (or in $JVS_BIN). Writes the tables to stdout and doc/BENCHMARKS.md.
#
# Trees (bench/gen-tree.py, seeded) are given as NAME:KIND:FILES:MIB[:MODE];
# MODE "full" runs every operation and baseline, "growth" only what the
# cost-growth check needs (first snapshot untimed, then cp -al and the
# snapshot after one change), "memory" the JVS operations once (peak RSS).
#
# Environment:
#   JVS_BIN          directory holding jvs-* programs (default: <repo>/bin)
#   BENCH_TREES      space-separated tree specs (default: see TREES below)
#   BENCH_BIG        1: add the 200,000-file tree (memory mode; ~3 min more)
#   BENCH_FILES, BENCH_MB  files and MiB of the "mixed" tree (10000, 500)
#   BENCH_RUNS       runs per operation; the median is reported (default 3)
#   BENCH_SNAPSHOTS  snapshots in the history/gc repository (default 10000; 0: skip)
#   BENCH_DIR        where the scratch directory goes (default $TMPDIR or /tmp)
#   BENCH_OUT        report file (default <repo>/doc/BENCHMARKS.md; "-" for none)
#
# Caches are warm: page caches are not dropped (that needs privileges and a
# quiet machine), but `sync` runs before every timed command so that no
# command pays for another one's dirty pages.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # `sh bench/run.sh` works too
set -euo pipefail
{ # the whole script is read before it runs, so editing it mid-run is safe

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
FILES=${BENCH_FILES:-10000}
MB=${BENCH_MB:-500}
RUNS=${BENCH_RUNS:-3}
NSNAP=${BENCH_SNAPSHOTS:-10000}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
OUT=${BENCH_OUT:-$ROOT/doc/BENCHMARKS.md}
TREES=${BENCH_TREES:-"mixed:mixed:$FILES:$MB:full source:source:10000:40:full dataset:dataset:8:200:full source-4x:source:40000:40:growth dataset-4x:dataset:8:800:growth"}
[ "${BENCH_BIG:-0}" = 1 ] && TREES="$TREES big:mixed:200000:400:memory"

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

for p in jvs-init jvs-snapshot jvs-restore jvs-verify jvs-history jvs-gc-plan; do
	[ -x "$BIN/$p" ] || die "$BIN/$p not found; run 'make' first (or set JVS_BIN)"
done
case $FILES$MB$RUNS$NSNAP in *[!0-9]*) die "BENCH_FILES, BENCH_MB, BENCH_RUNS and BENCH_SNAPSHOTS must be numbers" ;; esac
[ "$RUNS" -gt 0 ] || die "BENCH_RUNS must be positive"

apt_install() {
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || return 1
	note "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
command -v python3 >/dev/null || apt_install python3-minimal || die "python3 is needed to generate the trees"
TIME=/usr/bin/time
[ -x $TIME ] || apt_install time || true
[ -x $TIME ] || { TIME=; note "/usr/bin/time missing: no peak RSS column"; }
for tool in rsync git restic; do
	command -v $tool >/dev/null || apt_install $tool || note "$tool missing: no $tool baseline"
done
have() { command -v "$1" >/dev/null; }

load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
mkdir -p "$BASE"
WORK=$(mktemp -d "$BASE/jvs-bench.XXXXXX")
cleanup() { chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
RESULTS=$WORK/results.tsv
: >"$RESULTS"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
export RESTIC_PASSWORD=bench RESTIC_PROGRESS_FPS=0.0001

TREE= TNAME=
# measure NAME CMD...: times CMD (wall clock) and records its peak RSS.
measure() {
	local name=$1 t0 t1 rss=-
	shift
	sync
	t0=$(date +%s.%N)
	if [ -n "$TIME" ]; then
		$TIME -f %M -o "$WORK/rss" "$@" >"$WORK/out" 2>"$WORK/err" ||
			{ cat "$WORK/err" >&2; die "$TNAME: $name failed: $*"; }
		rss=$(tail -n1 "$WORK/rss")
	else
		"$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; die "$TNAME: $name failed: $*"; }
	fi
	t1=$(date +%s.%N)
	printf '%s\t%s\t%s\t%s\n' "$TNAME" "$name" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')" "$rss" >>"$RESULTS"
}
record() { printf '%s\t%s\t%s\t-\n' "$TNAME" "$1" "$2" >>"$RESULTS"; }

REFLINK=0
: >"$WORK/rl.a"
cp --reflink=always "$WORK/rl.a" "$WORK/rl.b" 2>/dev/null && REFLINK=1
rm -f "$WORK/rl.a" "$WORK/rl.b"
ENGINE=?
declare -A STATS KIND FILESOF MBOF MODEOF

# one_tree: RUNS rounds of the operations of MODE on $TREE ($ONE is changed).
one_tree() {
	local mode=$1 run repo first
	for run in $(seq 1 "$RUNS"); do
		[ "$mode" = memory ] && [ "$run" -gt 1 ] && break
		note "$TNAME: run $run of $RUNS"
		if [ "$mode" = full ]; then
			measure "cp -a" cp -a "$TREE" "$WORK/cpa"
			rm -rf "$WORK/cpa"
			measure "cp -a + sync" sh -c 'cp -a "$1" "$2" && sync' sh "$TREE" "$WORK/cpa"
			rm -rf "$WORK/cpa"
			if [ $REFLINK = 1 ]; then
				measure "cp --reflink=always" cp -a --reflink=always "$TREE" "$WORK/cpr"
				rm -rf "$WORK/cpr"
			fi
		fi
		if [ "$mode" != memory ]; then
			measure "cp -al" cp -al "$TREE" "$WORK/cpal"
			rm -rf "$WORK/cpal"
			measure "cp -al + sync" sh -c 'cp -al "$1" "$2" && sync' sh "$TREE" "$WORK/cpal"
			rm -rf "$WORK/cpal"
		fi

		repo=$WORK/repo
		"$BIN/jvs-init" -q "$repo" >/dev/null
		rmdir "$repo/main"
		mv "$TREE" "$repo/main" # the tree becomes the worktree; moved back below
		cp -p "$repo/main/$ONE" "$WORK/one.orig"
		if [ "$mode" = growth ]; then
			"$BIN/jvs-snapshot" -C "$repo/main" -q "first" >"$WORK/out"
		else
			measure "jvs snapshot (first)" "$BIN/jvs-snapshot" -C "$repo/main" -q "first"
		fi
		first=$(cat "$WORK/out")
		ENGINE=$(sed -n 's/.*"engine": "\([^"]*\)".*/\1/p' "$repo/.jvs/descriptors/$first.json")
		if [ "$mode" != growth ]; then
			measure "jvs verify --all" "$BIN/jvs-verify" -C "$repo/main" --all
		fi
		if [ "$mode" = full ]; then
			# b2sum over the very same snapshot files, on both cores
			measure "b2sum -P2 (same bytes as verify)" sh -c \
				'cd "$1" && find . -type f -print0 | xargs -0 -P2 -n 64 b2sum -l 256 >/dev/null' \
				sh "$repo/.jvs/snapshots/$first"
		fi
		sleep 1 # leave the racy-timestamp window of the hash cache
		printf 'changed in run %s\n' "$run" >>"$repo/main/$ONE"
		JVS_DEBUG_STATS=1 measure "jvs snapshot (1 file changed)" \
			"$BIN/jvs-snapshot" -C "$repo/main" -q "second"
		STATS[$TNAME]=$(sed -n 's/^stats: //p' "$WORK/err")
		if [ "$mode" != growth ]; then
			measure "jvs restore FIRST (1 file differs)" "$BIN/jvs-restore" -C "$repo/main" "$first"
			measure "jvs restore HEAD" "$BIN/jvs-restore" -C "$repo/main" HEAD
		fi
		if [ "$mode" = full ] && [ -x "$BIN/jvs-worktree-fork" ]; then
			measure "jvs worktree fork" "$BIN/jvs-worktree-fork" -C "$repo/main" "fork$run"
		fi
		cp -p "$WORK/one.orig" "$repo/main/$ONE"
		mv "$repo/main" "$TREE"
		chmod -R u+w "$repo" 2>/dev/null || true
		rm -rf "$repo"

		[ "$mode" = full ] || continue
		if have rsync; then # incremental copy: a full one first, then --link-dest
			rsync -a "$TREE/" "$WORK/rs1/"
			printf 'changed in run %s\n' "$run" >>"$TREE/$ONE"
			measure "rsync -a --link-dest (1 file changed)" \
				rsync -a --link-dest="$WORK/rs1" "$TREE/" "$WORK/rs2/"
			cp -p "$WORK/one.orig" "$TREE/$ONE"
			rm -rf "$WORK/rs1" "$WORK/rs2"
		fi
		if have git && [ "${KIND[$TNAME]}" = source ]; then
			git init -q "$WORK/git"
			measure "git add -A && git commit (first)" sh -c \
				'cd "$2" && git --git-dir="$1/.git" --work-tree=. add -A &&
				 git --git-dir="$1/.git" --work-tree=. commit -q -m first' sh "$WORK/git" "$TREE"
			printf 'changed in run %s\n' "$run" >>"$TREE/$ONE"
			measure "git add -A && git commit (1 file changed)" sh -c \
				'cd "$2" && git --git-dir="$1/.git" --work-tree=. add -A &&
				 git --git-dir="$1/.git" --work-tree=. commit -q -m second' sh "$WORK/git" "$TREE"
			cp -p "$WORK/one.orig" "$TREE/$ONE"
			rm -rf "$WORK/git"
		fi
		if have restic && [ "${KIND[$TNAME]}" = dataset ]; then
			restic init -q -r "$WORK/restic" >/dev/null
			measure "restic backup (first)" restic -q -r "$WORK/restic" backup "$TREE"
			printf 'changed in run %s\n' "$run" >>"$TREE/$ONE"
			measure "restic backup (1 file changed)" restic -q -r "$WORK/restic" backup "$TREE"
			cp -p "$WORK/one.orig" "$TREE/$ONE"
			rm -rf "$WORK/restic"
		fi
	done
}

for spec in $TREES; do
	IFS=: read -r TNAME kind nfiles nmb mode <<<"$spec"
	mode=${mode:-full}
	KIND[$TNAME]=$kind FILESOF[$TNAME]=$nfiles MBOF[$TNAME]=$nmb MODEOF[$TNAME]=$mode
	TREE=$WORK/tree-$TNAME
	note "$TNAME: generating a $kind tree of $nfiles files, $nmb MiB"
	python3 "$ROOT/bench/gen-tree.py" "$kind" "$TREE" "$nfiles" "$nmb" 42
	case $kind in
	dataset) ONE=meta.json ;;
	*) ONE=$(cd "$TREE" && find . -type f | LC_ALL=C sort | sed -n 2p); ONE=${ONE#./} ;;
	esac
	one_tree "$mode"
	rm -rf "$TREE"
done

# ---- history and gc plan over many snapshots (generator of bench/gc-plan.sh) ----
if [ "$NSNAP" -gt 0 ] && [ -f "$ROOT/bench/gc-plan.sh" ]; then
	TNAME="history-$NSNAP"
	note "$TNAME: generating a repository of $NSNAP snapshots"
	hrepo=$WORK/hrepo
	"$BIN/jvs-init" -q "$hrepo" >/dev/null
	awk '/^python3 - "\$REPO" "\$N" <<.EOF.$/{f=1;next} /^EOF$/{f=0} f' \
		"$ROOT/bench/gc-plan.sh" >"$WORK/gen-snapshots.py"
	python3 "$WORK/gen-snapshots.py" "$hrepo" "$NSNAP"
	measure "jvs history (cold: fills the catalogue cache)" "$BIN/jvs-history" -C "$hrepo/main"
	for run in $(seq 1 5); do
		measure "jvs history" "$BIN/jvs-history" -C "$hrepo/main"
		measure "jvs history --all" "$BIN/jvs-history" -C "$hrepo/main" --all
		measure "jvs history --tag daily" "$BIN/jvs-history" -C "$hrepo/main" --tag daily
		measure "jvs gc plan" "$BIN/jvs-gc-plan" -C "$hrepo/main"
	done
	measure "jvs history (JVS_NO_CACHE=1)" env JVS_NO_CACHE=1 "$BIN/jvs-history" -C "$hrepo/main"
	rm -rf "$hrepo"
fi

# ---- report ----
fstype=$(findmnt -n -o FSTYPE -T "$WORK" 2>/dev/null || stat -f -c %T "$WORK" 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)
medians=$WORK/medians.tsv
awk -F'\t' '
{ k = $1 "\t" $2; if (!(k in t)) order[++n] = k; t[k] = t[k] (t[k] == "" ? "" : " ") $3
  if ($4 != "-" && $4 + 0 > rss[k] + 0) rss[k] = $4; cnt[k]++ }
END {
	for (i = 1; i <= n; i++) {
		k = order[i]; m = split(t[k], a, " ")
		for (x = 2; x <= m; x++) for (y = x; y > 1 && a[y-1] + 0 > a[y] + 0; y--) {
			s = a[y]; a[y] = a[y-1]; a[y-1] = s }
		med = m % 2 ? a[(m+1)/2] : (a[m/2] + a[m/2+1]) / 2
		printf "%s\t%.3f\t%s\t%d\n", k, med, (k in rss) ? rss[k] : "-", cnt[k]
	}
}' "$RESULTS" >"$medians"
med() { awk -F'\t' -v t="$1" -v o="$2" '$1 == t && $2 == o { print $3 }' "$medians"; }
rssof() { awk -F'\t' -v t="$1" -v o="$2" '$1 == t && $2 == o { print $4 }' "$medians"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 <= 0) print "-"; else printf "%.2f", a / b }'; }

tables=
for spec in $TREES; do
	IFS=: read -r t _ <<<"$spec"
	cpa=$(med "$t" "cp -a"); cpal=$(med "$t" "cp -al")
	tables+=$'\n'"### Tree \`$t\`: ${KIND[$t]}, ${FILESOF[$t]} files, ${MBOF[$t]} MiB (${MODEOF[$t]})"$'\n\n'
	[ -n "${STATS[$t]:-}" ] && tables+="Snapshot after one change: ${STATS[$t]}"$'\n\n'
	tables+="| operation | median s | runs | / cp -a | / cp -al | peak RSS KB |"$'\n'"|---|---:|---:|---:|---:|---:|"$'\n'
	tables+=$(awk -F'\t' -v t="$t" -v cpa="$cpa" -v cpal="$cpal" '
		function r(x, b) { return b > 0 ? sprintf("%.2f", x / b) : "-" }
		$1 == t { printf "| `%s` | %.3f | %d | %s | %s | %s |\n", $2, $3, $5, r($3, cpa), r($3, cpal), $4 }' \
		<(awk -F'\t' 'BEGIN{OFS="\t"} {print $1, $2, $3, $4, $5}' "$medians"))$'\n'
done
if [ "$NSNAP" -gt 0 ] && [ -n "$(med "history-$NSNAP" "jvs history")" ]; then
	t="history-$NSNAP"
	tables+=$'\n'"### $NSNAP snapshots (generated as bench/gc-plan.sh does)"$'\n\n'
	tables+="| operation | median s | runs | peak RSS KB |"$'\n'"|---|---:|---:|---:|"$'\n'
	tables+=$(awk -F'\t' -v t="$t" '$1 == t { printf "| `%s` | %.3f | %d | %s |\n", $2, $3, $5, $4 }' "$medians")$'\n'
fi

# budgets (issue 7): ratios on the same tree in the same run
verdict() { awk -v x="$1" -v lim="$2" -v op="$3" 'BEGIN { if (x == "-" || x == "") print "n/a";
	else if ((op == "le" && x + 0 <= lim + 0) || (op == "ge" && x + 0 >= lim + 0) || (op == "lt" && x + 0 < lim + 0)) print "met"; else print "**missed**" }'; }
B="| budget | measured | limit | |"$'\n'"|---|---:|---:|---|"$'\n'
brow() { B+="| $1 | $2 | $3 | $(verdict "$2" "$4" "$5") |"$'\n'; }
for spec in $TREES; do
	IFS=: read -r t _ _ _ mode <<<"$spec"
	[ "${mode:-full}" = full ] || continue
	cpa=$(med "$t" "cp -a"); cpas=$(med "$t" "cp -a + sync"); cpal=$(med "$t" "cp -al")
	brow "\`$t\`: snapshot, 1 file changed / cp -al" "$(ratio "$(med "$t" "jvs snapshot (1 file changed)")" "$cpal")" "≤ 2" 2 le
	brow "\`$t\`: snapshot, 1 file changed / (cp -al + sync)" "$(ratio "$(med "$t" "jvs snapshot (1 file changed)")" "$(med "$t" "cp -al + sync")")" "≤ 2" 2 le
	brow "\`$t\`: first snapshot / cp -a" "$(ratio "$(med "$t" "jvs snapshot (first)")" "$cpa")" "≤ 1.3" 1.3 le
	brow "\`$t\`: first snapshot / (cp -a + sync)" "$(ratio "$(med "$t" "jvs snapshot (first)")" "$cpas")" "≤ 1.3" 1.3 le
	brow "\`$t\`: restore to FIRST / cp -al" "$(ratio "$(med "$t" "jvs restore FIRST (1 file differs)")" "$cpal")" "≤ 2" 2 le
	brow "\`$t\`: verify --all throughput / b2sum -P2" "$(ratio "$(med "$t" "b2sum -P2 (same bytes as verify)")" "$(med "$t" "jvs verify --all")")" "≥ 0.8" 0.8 ge
done
if [ "$NSNAP" -gt 0 ]; then
	t="history-$NSNAP"
	for o in "jvs history" "jvs history --all" "jvs history --tag daily"; do
		brow "$NSNAP snapshots: \`${o#jvs }\` (s)" "$(med "$t" "$o")" "< 0.05" 0.05 lt
	done
	brow "$NSNAP snapshots: \`gc plan\` (s)" "$(med "$t" "jvs gc plan")" "< 1" 1 lt
fi
for spec in $TREES; do
	IFS=: read -r t _ _ _ mode <<<"$spec"
	[ "$mode" = memory ] || continue
	for o in "jvs snapshot (first)" "jvs snapshot (1 file changed)" "jvs restore FIRST (1 file differs)" "jvs verify --all"; do
		r=$(rssof "$t" "$o"); [ -n "$r" ] && [ "$r" != - ] &&
			brow "\`$t\` (${FILESOF[$t]} files): peak RSS of \`${o#jvs }\` (MB)" "$(awk -v k="$r" 'BEGIN{printf "%.1f", k/1024}')" "< 64" 64 lt
	done
done
# growth: the snapshot after one change against file count and data size
for pair in "source source-4x" "dataset dataset-4x"; do
	set -- $pair
	a=$(med "$1" "jvs snapshot (1 file changed)"); b=$(med "$2" "jvs snapshot (1 file changed)")
	[ -n "$a" ] && [ -n "$b" ] || continue
	fr=$(ratio "${FILESOF[$2]}" "${FILESOF[$1]}"); mr=$(ratio "${MBOF[$2]}" "${MBOF[$1]}")
	B+="| growth \`$1\` → \`$2\` (files ×$fr, data ×$mr): snapshot after 1 change ×$(ratio "$b" "$a"), cp -al ×$(ratio "$(med "$2" "cp -al")" "$(med "$1" "cp -al")") | $(ratio "$b" "$a") | $( [ "$fr" = 1.00 ] && echo "≈ 1 (data only)" || echo "≤ ×$fr (linear)") | |"$'\n'
done

report=$(cat <<EOF
# JVS benchmarks

Generated by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ).

- Machine: $(nproc) CPUs, ${cpu:-unknown CPU}, ${mem:-? GiB} RAM, Linux $(uname -r);
  load average when the run started: $load0
- Bench directory file system: $fstype; snapshot engine: $ENGINE;
  cp --reflink=always: $( [ $REFLINK = 1 ] && echo supported || echo "not supported (no row)")
- Trees generated by bench/gen-tree.py (seed 42). Each operation ran up to
  $RUNS times; the median wall time is shown. Page caches were warm (not
  dropped); \`sync\` ran before every timed command.
- \`jvs snapshot\` is durable (it syncs the file system before publishing), so
  \`cp -a + sync\` is the fair baseline for it (and \`cp -al + sync\` for a
  snapshot after one change: a durable snapshot pays a fixed ~20 fsyncs). The first snapshot copies and
  hashes every file; the second hard-links unchanged files from the first
  and takes their hashes from the cache. "1 file changed" appends a line to
  one small file; rsync, git and restic get the same change.
- \`rsync -a --link-dest\` is timed for the incremental copy only (the full
  copy before it is not timed). \`b2sum -P2\` hashes the files of the first
  snapshot on two cores (\`xargs -P2\`), the same bytes \`jvs verify --all\` reads.
- Growth trees time only \`cp -al\` (with and without sync) and the snapshot after one change.

## Budgets (issue 7)

$B
## Results
$tables
EOF
)
printf '%s\n' "$report"
if [ "$OUT" != - ]; then
	mkdir -p "$(dirname "$OUT")"
	printf '%s\n' "$report" | cat -s >"$OUT"
	note "wrote $OUT"
fi
exit 0
}
