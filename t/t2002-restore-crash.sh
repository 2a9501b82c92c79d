#!/bin/sh

test_description='jvs restore is crash safe: injected faults and kill -9, then status and rerun'

. "$(dirname "$0")/test-lib.sh"

in_main () {
	(cd repo/main && "$@")
}

json_field () {
	python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(v if isinstance(v, str) or v is None else json.dumps(v))' "$1"
}

cfg () {
	json_field "$1" <repo/.jvs/worktrees/main/config.json
}

# same_as ID: the worktree holds exactly snapshot ID's files (content, modes, mtimes)
same_as () {
	diff -r --no-dereference repo/.jvs/snapshots/$1 repo/main &&
	(cd repo/.jvs/snapshots/$1 && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >same.expect &&
	(cd repo/main && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >same.actual &&
	test_cmp same.expect same.actual
}

no_leftovers () {
	find repo -name "*.tmp" -o -name "*.tmp.*" -o -name ".jvs-tmp-*" >leftovers &&
	find repo/.jvs/intents repo/.jvs/tmp -mindepth 1 >>leftovers &&
	cat leftovers &&
	test ! -s leftovers
}

count_snapshots () {
	ls repo/.jvs/descriptors | wc -l
}

INTENT=repo/.jvs/intents/restore-main.json

test_expect_success 'setup: two snapshots that differ everywhere' '
	jvs-init repo >/dev/null &&
	mkdir -p repo/main/a/b repo/main/gone &&
	echo 1 >repo/main/a/f && echo 2 >repo/main/a/b/g && echo 3 >repo/main/top &&
	echo old >repo/main/gone/x && ln -s top repo/main/link &&
	in_main jvs-snapshot -q A >idA &&
	echo 11 >repo/main/a/f && rm -rf repo/main/gone && echo new >repo/main/new &&
	chmod 0700 repo/main/a && rm repo/main/link && ln -s new repo/main/link &&
	in_main jvs-snapshot -q B >idB
'

test_expect_success 'crash right after the intent: worktree untouched, status says interrupted' '
	idA=$(cat idA) && idB=$(cat idB) &&
	test_must_fail --exit=99 env JVS_FAULT=restore-after-intent jvs-restore -C repo/main $idA &&
	test -f $INTENT &&
	grep "\"target_id\": \"$idA\"" $INTENT &&
	same_as $idB &&
	in_main jvs-status >out &&
	grep "^Interrupted restore to $idA: run .jvs restore $idA. to finish it\$" out &&
	in_main jvs-status --json >out &&
	test "$(json_field interrupted_restore <out)" = $idA &&
	test_must_fail --exit=1 in_main jvs-status -q
'

test_expect_success 'while interrupted, restoring another snapshot is refused (E_DIRTY)' '
	idA=$(cat idA) && idB=$(cat idB) &&
	test_must_fail --exit=5 in_main jvs-restore $idB 2>err &&
	grep E_DIRTY err &&
	grep "jvs restore $idA" err &&
	test -f $INTENT
'

test_expect_success 'rerunning the same restore completes it' '
	idA=$(cat idA) &&
	n=$(count_snapshots) &&
	in_main jvs-restore $idA >out &&
	grep "^Restored main to $idA " out &&
	test $(count_snapshots) -eq $n &&
	same_as $idA &&
	test "$(cfg head_snapshot_id)" = $idA &&
	test ! -f $INTENT &&
	in_main jvs-status >out &&
	! grep Interrupted out &&
	no_leftovers
'

test_expect_success 'crash after checkout with a dirty worktree: autosave kept, rerun finishes' '
	idA=$(cat idA) && idB=$(cat idB) &&
	echo "unsaved work" >repo/main/top &&
	n=$(count_snapshots) &&
	test_must_fail --exit=99 env JVS_FAULT=restore-after-checkout jvs-restore -C repo/main $idB &&
	test $(count_snapshots) -eq $((n + 1)) &&
	same_as $idB &&
	test "$(cfg head_snapshot_id)" = $idA &&
	in_main jvs-status >out &&
	grep "^Interrupted restore to $idB" out &&
	in_main jvs-restore $idB >out &&
	! grep Saved out &&
	test $(count_snapshots) -eq $((n + 1)) &&
	same_as $idB &&
	test "$(cfg head_snapshot_id)" = $idB &&
	auto=$(in_main jvs-history --tag autosave --format id | head -n 1) &&
	grep "unsaved work" repo/.jvs/snapshots/$auto/top &&
	no_leftovers
'

test_expect_success 'crash after moving head: rerun just cleans up' '
	idA=$(cat idA) &&
	test_must_fail --exit=99 env JVS_FAULT=restore-after-head jvs-restore -C repo/main $idA &&
	test "$(cfg head_snapshot_id)" = $idA &&
	test -f $INTENT &&
	in_main jvs-restore --json $idA >out &&
	test "$(json_field written <out)" = 0 &&
	same_as $idA &&
	no_leftovers
'

test_expect_success 'an interrupted restore can be abandoned with --discard' '
	idA=$(cat idA) && idB=$(cat idB) &&
	test_must_fail --exit=99 env JVS_FAULT=restore-after-intent jvs-restore -C repo/main $idB &&
	test -f $INTENT &&
	in_main jvs-restore --discard $idA >out &&
	grep "^Restored main to $idA " out &&
	same_as $idA &&
	no_leftovers
'

test_expect_success 'setup: a larger tree' '
	python3 - repo/main <<-\EOF &&
	import os, sys
	root = sys.argv[1]
	for d in range(40):
	    os.makedirs("%s/big/d%02d" % (root, d), exist_ok=True)
	    for f in range(50):
	        with open("%s/big/d%02d/f%02d" % (root, d, f), "wb") as fh:
	            fh.write(os.urandom(16384))
	EOF
	in_main jvs-snapshot -q bigA >idBigA &&
	python3 - repo/main <<-\EOF &&
	import os, sys
	root = sys.argv[1]
	for d in range(40):
	    for f in range(50):
	        with open("%s/big/d%02d/f%02d" % (root, d, f), "wb") as fh:
	            fh.write(os.urandom(16384 + f))
	    os.makedirs("%s/big/d%02d/extra" % (root, d))
	EOF
	in_main jvs-snapshot -q bigB >idBigB
'

test_expect_success 'a writer killed before its rename leaves a temp intent; the next restore removes it' '
	idA=$(cat idBigA) && idB=$(cat idBigB) &&
	in_main jvs-restore --discard $idB >/dev/null &&
	echo "{" >repo/.jvs/intents/restore-main.json.tmp.1 &&
	in_main jvs-restore $idA >/dev/null &&
	same_as $idA &&
	test_path_is_missing repo/.jvs/intents/restore-main.json.tmp.1 &&
	no_leftovers
'

test_expect_success 'kill -9 at various moments; rerun always reaches the exact target' '
	idA=$(cat idBigA) && idB=$(cat idBigB) &&
	for delay in 0 0.02 0.05 0.1 0.2 0.4 0.8; do
		in_main jvs-restore --discard $idB >/dev/null &&
		same_as $idB &&
		{ jvs-restore -C repo/main $idA >/dev/null 2>&1 & } &&
		pid=$! &&
		sleep $delay &&
		{ kill -9 $pid 2>/dev/null || :; } &&
		{ wait $pid || :; } &&
		if test -f $INTENT
		then
			echo "killed after $delay s: interrupted" &&
			in_main jvs-status >out &&
			grep "^Interrupted restore to $idA" out &&
			test_must_fail --exit=5 in_main jvs-restore $idB 2>/dev/null || return 1
		else
			echo "killed after $delay s: not interrupted"
		fi &&
		in_main jvs-restore $idA >out &&
		! grep Saved out &&
		same_as $idA &&
		test "$(cfg head_snapshot_id)" = $idA &&
		no_leftovers || return 1
	done
'

test_done
