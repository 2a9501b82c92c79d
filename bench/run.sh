#!/usr/bin/env bash
# bench/run.sh: time JVS against cp -a and cp -al on a reproducible tree.
#
# Run by `make bench`. Builds nothing: the programs must already be in
# ./bin (or in $JVS_BIN). Writes the table to stdout and doc/BENCHMARKS.md.
#
# Environment:
#   JVS_BIN      directory holding jvs-* programs (default: <repo>/bin)
#   BENCH_FILES  number of files in the generated tree (default 10000)
#   BENCH_MB     total size of the tree in MiB (default 500)
#   BENCH_RUNS   runs per operation; the median is reported (default 3)
#   BENCH_DIR    where the scratch directory goes (default $TMPDIR or /tmp)
#   BENCH_OUT    report file (default <repo>/doc/BENCHMARKS.md; "-" for none)
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
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
OUT=${BENCH_OUT:-$ROOT/doc/BENCHMARKS.md}

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

for p in jvs-init jvs-snapshot; do
	[ -x "$BIN/$p" ] || die "$BIN/$p not found; run 'make' first (or set JVS_BIN)"
done
case $FILES$MB$RUNS in *[!0-9]*) die "BENCH_FILES, BENCH_MB and BENCH_RUNS must be numbers" ;; esac
[ "$FILES" -gt 0 ] && [ "$RUNS" -gt 0 ] || die "BENCH_FILES and BENCH_RUNS must be positive"

apt_install() {
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || return 1
	note "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
command -v python3 >/dev/null || apt_install python3-minimal || die "python3 is needed to generate the tree"
TIME=/usr/bin/time
[ -x $TIME ] || apt_install time || true
[ -x $TIME ] || { TIME=; note "/usr/bin/time missing: no peak RSS column"; }

load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
mkdir -p "$BASE"
WORK=$(mktemp -d "$BASE/jvs-bench.XXXXXX")
cleanup() { chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
RESULTS=$WORK/results.tsv
: >"$RESULTS"

# ---- the tree: BENCH_FILES files, BENCH_MB MiB, lognormal sizes, seed 42 ----
note "generating $FILES files, $MB MiB in $WORK/tree"
python3 - "$WORK/tree" "$FILES" "$MB" <<'EOF'
import os, random, sys
root, nfiles, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(42)
weights = [random.lognormvariate(0, 1.5) for _ in range(nfiles)]
total, scale = mb * 1024 * 1024, mb * 1024 * 1024 / sum(weights)
sizes = [int(w * scale) for w in weights]
sizes[0] += total - sum(sizes)
for i, size in enumerate(sizes):
    d = os.path.join(root, "top%02d" % (i // 1000), "d%03d" % (i // 100 % 10 * 10 + i // 10 % 10))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
        f.write(random.randbytes(size))
EOF
TREE=$WORK/tree
ONE=$(cd "$TREE" && find . -type f -name 'f00001.dat' | head -n1)
ONE=${ONE#./}

# measure NAME CMD...: times CMD (wall clock) and records its peak RSS.
measure() {
	local name=$1 t0 t1 rss=-
	shift
	sync
	t0=$(date +%s.%N)
	if [ -n "$TIME" ]; then
		$TIME -f %M -o "$WORK/rss" "$@" >"$WORK/out" 2>"$WORK/err" ||
			{ cat "$WORK/err" >&2; die "$name failed: $*"; }
		rss=$(tail -n1 "$WORK/rss")
	else
		"$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; die "$name failed: $*"; }
	fi
	t1=$(date +%s.%N)
	printf '%s\t%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')" \
		"$rss" >>"$RESULTS"
}

HAVE_RESTORE=0 HAVE_FORK=0
[ -x "$BIN/jvs-restore" ] && HAVE_RESTORE=1
[ -x "$BIN/jvs-worktree-fork" ] && HAVE_FORK=1
ENGINE=?
STATS=

for run in $(seq 1 "$RUNS"); do
	note "run $run of $RUNS"
	measure "cp -a" cp -a "$TREE" "$WORK/cpa"
	rm -rf "$WORK/cpa"
	measure "cp -a + sync" sh -c 'cp -a "$1" "$2" && sync' sh "$TREE" "$WORK/cpa"
	rm -rf "$WORK/cpa"
	measure "cp -al" cp -al "$TREE" "$WORK/cpal"
	rm -rf "$WORK/cpal"

	repo=$WORK/repo
	"$BIN/jvs-init" -q "$repo" >/dev/null
	rmdir "$repo/main"
	mv "$TREE" "$repo/main" # the tree becomes the worktree; moved back below
	cp -p "$repo/main/$ONE" "$WORK/one.orig"
	measure "jvs snapshot (first)" "$BIN/jvs-snapshot" -C "$repo/main" -q "first"
	first=$(cat "$WORK/out")
	ENGINE=$(sed -n 's/.*"engine": "\([^"]*\)".*/\1/p' "$repo/.jvs/descriptors/$first.json")
	sleep 1 # leave the racy-timestamp window of the hash cache
	printf 'changed in run %s\n' "$run" >>"$repo/main/$ONE"
	JVS_DEBUG_STATS=1 measure "jvs snapshot (1 file changed)" \
		"$BIN/jvs-snapshot" -C "$repo/main" -q "second"
	STATS=$(sed -n 's/^stats: //p' "$WORK/err")
	if [ $HAVE_RESTORE = 1 ]; then
		measure "jvs restore FIRST (1 file differs)" "$BIN/jvs-restore" -C "$repo/main" "$first"
		measure "jvs restore HEAD" "$BIN/jvs-restore" -C "$repo/main" HEAD
	fi
	if [ $HAVE_FORK = 1 ]; then
		measure "jvs worktree fork" "$BIN/jvs-worktree-fork" -C "$repo/main" "fork$run"
	fi
	cp -p "$WORK/one.orig" "$repo/main/$ONE"
	mv "$repo/main" "$TREE"
	chmod -R u+w "$repo" 2>/dev/null || true
	rm -rf "$repo"
done

# ---- report ----
fstype=$(findmnt -n -o FSTYPE -T "$WORK" 2>/dev/null || stat -f -c %T "$WORK" 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
table=$(awk -F'\t' -v runs="$RUNS" '
function median(name,   n, i, j, t, a) {
	n = split(times[name], a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) {
		t = a[j]; a[j] = a[j-1]; a[j-1] = t
	}
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
function ratio(x, base) { return base > 0 ? sprintf("%.2f", x / base) : "-" }
{
	if (!($1 in times)) order[++n] = $1
	times[$1] = times[$1] (times[$1] == "" ? "" : " ") $2
	if ($3 != "-" && $3 + 0 > rss[$1] + 0) rss[$1] = $3
}
END {
	cpa = median("cp -a"); cpal = median("cp -al")
	print "| operation | median s (of " runs ") | / cp -a | / cp -al | peak RSS KB |"
	print "|---|---:|---:|---:|---:|"
	for (i = 1; i <= n; i++) {
		m = median(order[i])
		printf "| `%s` | %.3f | %s | %s | %s |\n", order[i], m, ratio(m, cpa),
			ratio(m, cpal), (order[i] in rss) ? rss[order[i]] : "-"
	}
}' "$RESULTS")

report=$(cat <<EOF
# JVS benchmarks

Generated by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ).

- Machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r);
  load average when the run started: $load0
- Bench directory file system: $fstype; snapshot engine: $ENGINE
- Tree: $FILES files, $MB MiB, log-normal sizes, random content (seed 42)
- Each operation ran $RUNS times; the median wall time is shown. Page caches
  were warm (not dropped); \`sync\` ran before every timed command.
- \`jvs snapshot\` is durable (it syncs the file system before publishing), so
  \`cp -a + sync\` is the fair baseline for it; \`cp -a\` alone leaves its data
  in the page cache. The first snapshot copies and hashes every file; the
  second hard-links unchanged files from the first and takes their hashes
  from the cache${STATS:+ (second snapshot: $STATS)}.
- \`jvs restore FIRST\` and \`jvs restore HEAD\` each rewrite the one file that
  differs. \`jvs worktree fork\` copies the whole tree (never hard links).
$( [ $HAVE_RESTORE = 1 ] || echo "- jvs-restore was not built: no restore rows." )
$( [ $HAVE_FORK = 1 ] || echo "- jvs-worktree-fork was not built: no fork row." )

$table
EOF
)
printf '%s\n' "$table"
if [ "$OUT" != - ]; then
	mkdir -p "$(dirname "$OUT")"
	printf '%s\n' "$report" | cat -s >"$OUT"
	note "wrote $OUT"
fi
exit 0
}
