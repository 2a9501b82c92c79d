#!/bin/sh

test_description='juicefs-clone on one JuiceFS volume (Redis metadata) mounted twice, as two machines: snapshots seen across mounts, cluster-wide flock serialises them'

. "$(dirname "$0")/test-lib.sh"

T=$TRASH_DIRECTORY
A=$T/machine-a
B=$T/machine-b

if [ "$(id -u)" -ne 0 ]; then
	test_skip_all "not root: cannot mount a JuiceFS volume"
fi
for cmd in juicefs redis-server redis-cli python3; do
	command -v $cmd >/dev/null 2>&1 ||
		test_skip_all "$cmd not found (scripts/install-deps.sh installs it)"
done
if [ ! -c /dev/fuse ]; then
	test_skip_all "no /dev/fuse: FUSE is not available here"
fi

# Redis on a free port of 127.0.0.1, no persistence; stopped at the end.
P=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$P" --save '' --appendonly no --daemonize yes 4>&- \
	--dir "$T" --pidfile "$T/redis.pid" --logfile "$T/redis.log" >/dev/null 2>&1
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	redis-cli -p "$P" ping 2>/dev/null | grep -q PONG && break
	sleep 0.25
done
stop_redis () {
	[ -s "$T/redis.pid" ] && kill "$(cat "$T/redis.pid")" 2>/dev/null
	rm -f "$T/redis.pid"
}
if ! redis-cli -p "$P" ping 2>/dev/null | grep -q PONG; then
	stop_redis
	test_skip_all "redis-server did not start on 127.0.0.1:$P: $(tail -n 1 "$T/redis.log" 2>/dev/null)"
fi
META=redis://127.0.0.1:$P/1
mkdir -p "$A" "$B" "$T/bucket" || exit 1
if ! juicefs format "$META" vol --storage file --bucket "$T/bucket/" >"$T/format.log" 2>&1; then
	stop_redis
	test_skip_all "juicefs format failed: $(tail -n 1 "$T/format.log")"
fi
# Two clients, two sessions: what one writes the other sees at once (no
# attribute or entry caching), and flock goes through Redis.
# The daemons get no descriptor of ours (fd 4 is the test's stderr, which
# may be a pipe its reader waits on); unmounted however the script ends.
trap 'juicefs umount "$A" >/dev/null 2>&1; juicefs umount "$B" >/dev/null 2>&1; stop_redis' EXIT
for m in "$A" "$B"; do
	if ! juicefs mount -d --no-usage-report --attr-cache=0 --entry-cache=0 \
		--dir-entry-cache=0 "$META" "$m" </dev/null >"$T/mount.log" 2>&1 4>&- ||
		! grep -q " $m .* - fuse.juicefs " /proc/self/mountinfo; then
		juicefs umount "$A" >/dev/null 2>&1
		juicefs umount "$B" >/dev/null 2>&1
		stop_redis
		test_skip_all "juicefs mount not permitted here: $(tail -n 1 "$T/mount.log")"
	fi
done
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

test_expect_success 'machine A: init and snapshot with juicefs-clone' '
	cd "$A" &&
	jvs init repo >"$T/out" &&
	grep "Engine: juicefs-clone" "$T/out" &&
	cd repo/main &&
	mkdir data && seq 1 5000 >data/rows.csv && head -c 1048576 /dev/urandom >data/blob &&
	jvs snapshot "from A" --tag a >"$T/out" &&
	sed -n "s/^Created snapshot \($ID_RE\)\$/\1/p" "$T/out" >"$T/a.id" &&
	test -s "$T/a.id" &&
	grep "\"engine\": *\"juicefs-clone\"" "$A/repo/.jvs/descriptors/$(cat "$T/a.id").json"
'

test_expect_success 'machine B sees and verifies the snapshot made through A' '
	cd "$B/repo/main" &&
	jvs info | grep "^Snapshot engine: juicefs-clone (JuiceFS mount $B " &&
	jvs history --format id >"$T/ids" &&
	test_cmp "$T/a.id" "$T/ids" &&
	jvs verify "$(cat "$T/a.id")" >"$T/out" &&
	grep "^OK $(cat "$T/a.id")\$" "$T/out" &&
	jvs status -q &&
	cmp data/blob "$A/repo/.jvs/snapshots/$(cat "$T/a.id")/data/blob"
'

test_expect_success 'a lock held through A makes B fail with E_LOCKED, or wait with --wait' '
	cd "$B/repo/main" &&
	rm -f "$T/held" &&
	echo b >>data/rows.csv &&
	( flock "$A/repo/.jvs/locks/worktree-main.lock" \
		sh -c "touch \"$T/held\"; sleep 3" & ) &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		test -f "$T/held" && break; sleep 0.1
	done &&
	test -f "$T/held" &&
	test_must_fail --exit=5 jvs snapshot "from B, busy" 2>"$T/err" &&
	grep E_LOCKED "$T/err" &&
	jvs snapshot "from B" --wait=30 -q >"$T/b.id" &&
	test "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"parent_id\"])" \
		"$A/repo/.jvs/descriptors/$(cat "$T/b.id").json")" = "$(cat "$T/a.id")"
'

test_expect_success 'concurrent snapshots through A and B with --wait are serialised' '
	echo a2 >"$A/repo/main/from-a" &&
	( cd "$A/repo/main" && jvs snapshot "concurrent A" --wait=60 -q >"$T/ca.id" 2>"$T/ca.err"; echo $? >"$T/ca.rc" ) &
	( cd "$B/repo/main" && jvs snapshot "concurrent B" --wait=60 -q >"$T/cb.id" 2>"$T/cb.err"; echo $? >"$T/cb.rc" ) &
	wait &&
	test "$(cat "$T/ca.rc") $(cat "$T/cb.rc")" = "0 0" &&
	ca=$(cat "$T/ca.id") && cb=$(cat "$T/cb.id") &&
	cd "$B/repo/main" &&
	jvs history --format id | head -n 3 >"$T/ids" &&
	# one line of history: the later one has the earlier one as parent
	{ printf "%s\n" "$cb" "$ca" "$(cat "$T/b.id")" >"$T/expect1" &&
	  printf "%s\n" "$ca" "$cb" "$(cat "$T/b.id")" >"$T/expect2" &&
	  cmp -s "$T/expect1" "$T/ids" || test_cmp "$T/expect2" "$T/ids"; }
'

test_expect_success 'concurrent snapshots without --wait: each succeeds or gets E_LOCKED' '
	for round in 1 2 3; do
		echo $round >>"$A/repo/main/from-a" &&
		( cd "$A/repo/main" && jvs snapshot "race A $round" -q >/dev/null 2>"$T/ra.err"; echo $? >"$T/ra.rc" ) &
		( cd "$B/repo/main" && jvs snapshot "race B $round" -q >/dev/null 2>"$T/rb.err"; echo $? >"$T/rb.rc" ) &
		wait &&
		for m in ra rb; do
			case $(cat "$T/$m.rc") in
			0) ;;
			5) grep E_LOCKED "$T/$m.err" || return 1 ;;
			*) cat "$T/$m.err"; return 1 ;;
			esac
		done || return 1
	done
'

# snap_stats DIR NOTE: a snapshot through DIR with the hash counters in $T/stats
snap_stats () {
	( cd "$1" && JVS_DEBUG_STATS=1 jvs snapshot "$2" -q >"$T/snap.id" 2>"$T/stats" ) ||
		{ cat "$T/stats"; return 1; }
}
hashed () {
	sed -n "s/^stats: hashed=\([0-9]*\) .*/\1/p" "$T/stats"
}

test_expect_success 'the hash cache holds across mounts: after one change on the other mount, one file is hashed' '
	cd "$A/repo/main" &&
	for d in 0 1 2; do
		mkdir -p tree/d$d &&
		for f in 0 1 2 3 4 5 6 7 8 9; do
			seq 1 200 >tree/d$d/f$f || return 1
		done || return 1
	done &&
	snap_stats "$A/repo/main" "tree" && sleep 0.2 &&
	echo one >>"$B/repo/main/tree/d0/f1" &&
	snap_stats "$B/repo/main" "B after one change" && cat "$T/stats" &&
	test "$(hashed)" = 1 && sleep 0.2 &&
	echo two >>"$A/repo/main/tree/d1/f2" &&
	snap_stats "$A/repo/main" "A after one change" && cat "$T/stats" &&
	test "$(hashed)" = 1 && cp "$T/snap.id" "$T/a-one.id" && sleep 0.2 &&
	echo three >>"$B/repo/main/tree/d2/f3" &&
	snap_stats "$B/repo/main" "B again" &&
	test "$(hashed)" = 1 &&
	# status through either mount trusts the same cache
	( cd "$A/repo/main" && jvs status -q ) &&
	( cd "$B/repo/main" && jvs status -q )
'

test_expect_success 'the cache key is the volume, not the mount: a fresh index hashes everything once' '
	rm -f "$A/repo/.jvs/index.sqlite" &&
	echo four >>"$A/repo/main/tree/d0/f4" &&
	snap_stats "$B/repo/main" "B, no index" &&
	test "$(hashed)" -gt 30 && sleep 0.2 &&
	echo five >>"$A/repo/main/tree/d0/f5" &&
	snap_stats "$A/repo/main" "A, index rebuilt by B" &&
	test "$(hashed)" = 1
'

test_expect_success 'a restore through B of a snapshot made through A' '
	cd "$B/repo/main" &&
	jvs restore "$(cat "$T/a-one.id")" --discard >"$T/out" &&
	grep "^Restored main to $(cat "$T/a-one.id")" "$T/out" &&
	tail -n 1 "$A/repo/main/tree/d1/f2" | grep -qx two &&
	! grep three "$A/repo/main/tree/d2/f3" &&
	( cd "$A/repo/main" && jvs status -q ) &&
	jvs restore HEAD --discard >/dev/null &&
	( cd "$A/repo/main" && jvs status -q )
'

test_expect_success 'a restore through A and a snapshot through B at once are serialised' '
	echo seven >>"$B/repo/main/tree/d1/f7" &&
	( cd "$A/repo/main" && jvs restore HEAD --wait=60 >/dev/null 2>"$T/rr.err"; echo $? >"$T/rr.rc" ) &
	( cd "$B/repo/main" && jvs snapshot "during restore" --wait=60 -q >"$T/rs.id" 2>"$T/rs.err"; echo $? >"$T/rs.rc" ) &
	wait &&
	test "$(cat "$T/rr.rc") $(cat "$T/rs.rc")" = "0 0" &&
	# either order leaves a clean worktree whose state is in history
	( cd "$A/repo/main" && jvs status -q ) &&
	( cd "$B/repo/main" && jvs verify "$(cat "$T/rs.id")" >/dev/null )
'

test_expect_success 'doctor through both mounts while the other one snapshots' '
	echo six >>"$A/repo/main/tree/d0/f6" &&
	( cd "$A/repo/main" && jvs snapshot "while doctor" --wait=60 -q >/dev/null 2>"$T/wd.err"; echo $? >"$T/wd.rc" ) &
	( cd "$B/repo/main" && jvs doctor >"$T/docb" 2>&1; echo $? >"$T/docb.rc" ) &
	wait &&
	test "$(cat "$T/wd.rc")" = 0 &&
	case $(cat "$T/docb.rc") in 0|1) ;; *) cat "$T/docb"; false ;; esac
'

test_expect_success 'an intent left by another machine is live while the repo lock is held anywhere, stale once it is free' '
	cat >"$A/repo/.jvs/intents/snapshot-1700000000000-0badc0de.json" <<-\EOF &&
	{"operation": "snapshot", "snapshot_id": "1700000000000-0badc0de", "worktree": "main",
	 "parent_id": null, "autosave": false, "pid": 4242, "host": "machine-c.invalid",
	 "started_at": "2023-11-14T22:13:20.000Z"}
	EOF
	rm -f "$T/held" &&
	( flock -s "$A/repo/.jvs/locks/repo.lock" sh -c "touch \"$T/held\"; sleep 4" & ) &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		test -f "$T/held" && break; sleep 0.1
	done &&
	{ ( cd "$B/repo/main" && jvs doctor >"$T/doc.busy" 2>&1 ) || :; } && cat "$T/doc.busy" &&
	! grep "stale_intent\|interrupted snapshot" "$T/doc.busy" &&
	sleep 4.5 &&
	{ ( cd "$B/repo/main" && jvs doctor >"$T/doc.free" 2>&1 ) || :; } && cat "$T/doc.free" &&
	grep "interrupted snapshot" "$T/doc.free" &&
	( cd "$B/repo/main" && jvs doctor --repair clean_intents >/dev/null 2>&1 ||
	  jvs doctor --repair >/dev/null 2>&1 ) &&
	test_path_is_missing "$A/repo/.jvs/intents/snapshot-1700000000000-0badc0de.json"
'

test_expect_success 'nothing is corrupt, seen from either machine' '
	for m in "$A" "$B"; do
		( cd "$m/repo/main" &&
		  jvs verify --all >"$T/out" && ! grep FAIL "$T/out" &&
		  grep "^OK audit chain" "$T/out" &&
		  jvs doctor --strict >"$T/out" && grep "^Repository is healthy" "$T/out" ) || return 1
	done &&
	! grep -L "\"engine\": *\"juicefs-clone\"" "$A"/repo/.jvs/descriptors/*.json | grep .
'

test_expect_success 'unmount both, stop redis' '
	cd "$T" &&
	juicefs umount "$A" && juicefs umount "$B" &&
	stop_redis
'

test_done
