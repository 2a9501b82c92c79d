#!/bin/sh

test_description='jvs restore: references, output, detached state, autosave, --discard, -i, refusals'

. "$(dirname "$0")/test-lib.sh"

ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

# in_main CMD [ARGS...]: runs a command inside repo/main
in_main () {
	(cd repo/main && "$@")
}

# json_field KEY <json: prints a field (strings raw, null as None, others as JSON)
json_field () {
	python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(v if isinstance(v, str) or v is None else json.dumps(v))' "$1"
}

# cfg KEY: a field of main's worktree config
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

# tree_state: everything observable about the worktree
tree_state () {
	(cd repo/main && find . -mindepth 1 -printf "%p %y %m %T@ %i %l\n" | LC_ALL=C sort &&
	 find . -type f -exec b2sum {} + | LC_ALL=C sort)
}

count_snapshots () {
	ls repo/.jvs/descriptors | wc -l
}

test_expect_success 'setup: three snapshots' '
	jvs-init repo >/dev/null &&
	echo one >repo/main/a &&
	mkdir repo/main/dir &&
	echo nested >repo/main/dir/f &&
	ln -s a repo/main/link &&
	in_main jvs-snapshot -q "first state" --tag base >id1 &&
	echo two >repo/main/a &&
	echo new >repo/main/dir/g &&
	in_main jvs-snapshot -q "second state" --tag exp >id2 &&
	rm repo/main/dir/f &&
	echo three >repo/main/a &&
	in_main jvs-snapshot -q "third state" --tag exp >id3 &&
	test $(cat id1) != $(cat id2) && test $(cat id2) != $(cat id3)
'

test_expect_success 'restore an older snapshot by tag: Restored, DETACHED, ways back and forward' '
	id1=$(cat id1) && id3=$(cat id3) &&
	in_main jvs-restore base >out 2>err &&
	test_cmp /dev/null err &&
	grep "^Restored main to $id1 (first state)\$" out &&
	grep "^DETACHED: main is at $id1, an older snapshot than its latest $id3\.\$" out &&
	grep "jvs restore HEAD" out &&
	grep "jvs worktree fork" out &&
	! grep "HEAD state" out &&
	! grep "Saved" out &&
	same_as $id1 &&
	test "$(cfg head_snapshot_id)" = $id1 &&
	test "$(cfg latest_snapshot_id)" = $id3 &&
	no_leftovers
'

test_expect_success 'status says DETACHED after restoring an older snapshot' '
	in_main jvs-status >out &&
	grep "DETACHED" out &&
	grep "^Clean: matches $(cut -c15- id1)\$" out
'

test_expect_success 'restore HEAD returns to the latest: HEAD state' '
	id3=$(cat id3) &&
	in_main jvs-restore HEAD >out &&
	grep "^Restored main to $id3 (third state)\$" out &&
	grep "^main is at its latest snapshot (HEAD state)\$" out &&
	! grep DETACHED out &&
	same_as $id3 &&
	test "$(cfg head_snapshot_id)" = $id3 &&
	test "$(cfg latest_snapshot_id)" = $id3
'

test_expect_success 'restoring the latest by id is also HEAD state' '
	in_main jvs-restore $(cat id3) >out &&
	grep "HEAD state" out
'

test_expect_success 'a tag names its newest snapshot; --latest-tag TAG likewise' '
	in_main jvs-restore base -q >out &&
	test "$(cat out)" = $(cat id1) &&
	in_main jvs-restore exp -q >out &&
	test "$(cat out)" = $(cat id3) &&
	in_main jvs-restore --latest-tag base >out &&
	grep "^Restored main to $(cat id1) " out &&
	same_as $(cat id1) &&
	in_main jvs-restore --latest-tag exp >out &&
	grep "HEAD state" out
'

test_expect_success 'restore by a short id prefix' '
	id2=$(cat id2) &&
	prefix=$(echo $id2 | cut -c 1-17) &&
	in_main jvs-restore $prefix >out &&
	grep "^Restored main to $id2 (second state)\$" out &&
	same_as $id2
'

test_expect_success 'restore by exact note and by note prefix' '
	in_main jvs-restore "first state" >out &&
	grep "^Restored main to $(cat id1) " out &&
	in_main jvs-restore "thi" >out &&
	grep "^Restored main to $(cat id3) " out
'

test_expect_success 'restore -q prints only the id; --json the result object' '
	in_main jvs-restore -q base >out &&
	echo $(cat id1) >expect &&
	test_cmp expect out &&
	in_main jvs-restore --json HEAD >out &&
	python3 - out $(cat id3) <<-\EOF
	import json, sys
	raw = open(sys.argv[1]).read()
	j = json.loads(raw)
	assert sorted(j) == sorted(["worktree", "snapshot_id", "note", "detached",
	    "autosave_snapshot_id", "written", "removed", "unchanged"]), sorted(j)
	assert j["worktree"] == "main" and j["snapshot_id"] == sys.argv[2], j
	assert j["note"] == "third state" and j["detached"] is False, j
	assert j["autosave_snapshot_id"] is None, j
	assert j["written"] >= 1 and j["unchanged"] >= 1, j
	assert "\n  \"worktree\": \"main\"" in raw
	EOF
'

test_expect_success 'a dirty worktree is autosaved first; head and latest stay' '
	id1=$(cat id1) && id3=$(cat id3) &&
	echo "precious edit" >>repo/main/a &&
	echo untracked >repo/main/newfile &&
	before=$(count_snapshots) &&
	in_main jvs-restore base >out &&
	test $(count_snapshots) -eq $((before + 1)) &&
	grep "^Saved unsnapshotted changes as $ID_RE (tag autosave)\$" out &&
	auto=$(sed -n "s/^Saved unsnapshotted changes as \([^ ]*\) .*/\1/p" out) &&
	echo $auto >autoid &&
	grep "^Restored main to $id1 " out &&
	same_as $id1 &&
	test "$(cfg head_snapshot_id)" = $id1 &&
	test "$(cfg latest_snapshot_id)" = $id3 &&
	json_field tags <repo/.jvs/descriptors/$auto.json >tags &&
	test "$(cat tags)" = "[\"autosave\"]" &&
	test "$(json_field note <repo/.jvs/descriptors/$auto.json)" = "autosave before restore to $id1" &&
	test "$(json_field parent_id <repo/.jvs/descriptors/$auto.json)" = $id3 &&
	grep "precious edit" repo/.jvs/snapshots/$auto/a &&
	test -f repo/.jvs/snapshots/$auto/newfile &&
	no_leftovers
'

test_expect_success 'history --tag autosave finds the autosave' '
	in_main jvs-history --tag autosave --format id >out &&
	test_cmp autoid out
'

test_expect_success 'the autosave can be restored to get the changes back' '
	in_main jvs-restore $(cat autoid) >out &&
	! grep Saved out &&
	grep "precious edit" repo/main/a &&
	test -f repo/main/newfile &&
	same_as $(cat autoid)
'

test_expect_success 'a clean worktree is not autosaved' '
	in_main jvs-restore HEAD >/dev/null &&
	before=$(count_snapshots) &&
	in_main jvs-restore base >out &&
	! grep Saved out &&
	test $(count_snapshots) -eq $before
'

test_expect_success '--discard drops unsnapshotted changes without a snapshot' '
	echo "throw away" >>repo/main/a &&
	mkdir repo/main/junkdir && echo j >repo/main/junkdir/j &&
	before=$(count_snapshots) &&
	in_main jvs-restore --discard HEAD >out &&
	! grep Saved out &&
	test $(count_snapshots) -eq $before &&
	same_as $(cat id3) &&
	test ! -e repo/main/junkdir
'

test_expect_success 'a mode-only change counts as dirty and is autosaved' '
	chmod 0600 repo/main/a &&
	in_main jvs-restore HEAD >out &&
	grep "^Saved unsnapshotted changes" out &&
	test "$(stat -c %a repo/main/a)" = 644
'

test_expect_success 'a FIFO in the worktree cannot be autosaved; --discard removes it' '
	mkfifo repo/main/fifo &&
	test_must_fail --exit=1 in_main jvs-restore base 2>err &&
	grep E_UNSUPPORTED_FILE err &&
	grep "fifo" err &&
	grep -- "--discard" err &&
	test -p repo/main/fifo &&
	in_main jvs-restore --discard HEAD >out &&
	test ! -e repo/main/fifo &&
	same_as $(cat id3) &&
	no_leftovers
'

test_expect_success 'a payload root deleted by hand is recreated by restore -w' '
	rm -rf repo/main &&
	(cd repo && jvs-restore -w main HEAD) >out &&
	grep "^Saved unsnapshotted changes" out &&
	grep "^Restored main to $(cat id3) " out &&
	same_as $(cat id3)
'

test_expect_success 'unknown reference: E_NOT_FOUND, exit 3, nothing changed' '
	tree_state >before &&
	test_must_fail --exit=3 in_main jvs-restore no-such-thing >out 2>err &&
	grep "^jvs-restore: E_NOT_FOUND: " err &&
	test_must_fail --exit=3 in_main jvs-restore --latest-tag nosuchtag 2>err &&
	grep E_NOT_FOUND err &&
	tree_state >after &&
	test_cmp before after
'

test_expect_success 'an ambiguous id prefix: E_AMBIGUOUS, exit 3, listing candidates' '
	prefix=$(cut -c 1-4 id1) &&
	test_must_fail --exit=3 in_main jvs-restore $prefix 2>err &&
	grep E_AMBIGUOUS err &&
	grep "$(cut -c15- id1) (first state)" err
'

test_expect_success 'a worktree without snapshots adopts the restored snapshot as latest' '
	(cd repo/main && jvs-worktree-create blank) >/dev/null &&
	(cd repo/worktrees/blank && jvs-restore base) >out &&
	grep "^Restored blank to $(cat id1) " out &&
	grep "HEAD state" out &&
	test "$(json_field latest_snapshot_id <repo/.jvs/worktrees/blank/config.json)" = $(cat id1) &&
	diff -r repo/.jvs/snapshots/$(cat id1) repo/worktrees/blank
'

test_expect_success 'usage errors exit 2' '
	test_must_fail --exit=2 in_main jvs-restore 2>err &&
	grep E_USAGE err &&
	test_must_fail --exit=2 in_main jvs-restore a b 2>err &&
	test_must_fail --exit=2 in_main jvs-restore base --latest-tag exp 2>err &&
	test_must_fail --exit=2 in_main jvs-restore --bogus base 2>err
'

test_expect_success 'outside a worktree: E_NO_WORKTREE; -w main works' '
	(cd repo && test_must_fail --exit=1 jvs-restore base) 2>err &&
	grep E_NO_WORKTREE err &&
	(cd repo && jvs-restore -w main HEAD) >out &&
	grep "^Restored main to $(cat id3) " out
'

test_expect_success '-i shows the target and changes, and cancels unless yes' '
	tree_state >before &&
	echo n | test_must_fail --exit=5 in_main jvs-restore -i base >out 2>err &&
	grep "$(cat id1)" err &&
	grep "first state" err &&
	grep "Restore? \[y/N\]" err &&
	grep "^M	a\$" err &&
	grep "^A	dir/f\$" err &&
	grep "^D	dir/g\$" err &&
	grep cancelled err &&
	test ! -s out &&
	tree_state >after &&
	test_cmp before after &&
	test_must_fail --exit=5 in_main jvs-restore -i base </dev/null 2>err &&
	echo yes | in_main jvs-restore -i base >out 2>err &&
	grep "^Restored main to $(cat id1) " out &&
	same_as $(cat id1) &&
	echo y | in_main jvs-restore -i HEAD >out 2>err &&
	grep "HEAD state" out
'

test_expect_success 'tags and notes resolve across the whole repository' '
	(cd repo/main && jvs-worktree-fork base other) >/dev/null &&
	echo "from other" >repo/worktrees/other/o &&
	(cd repo/worktrees/other && jvs-snapshot -q "other work" --tag elsewhere) >ido &&
	in_main jvs-restore elsewhere >out &&
	grep "^Restored main to $(cat ido) (other work)\$" out &&
	grep DETACHED out &&
	test "$(cat repo/main/o)" = "from other" &&
	in_main jvs-restore "other work" -q >out &&
	test_cmp ido out &&
	in_main jvs-restore HEAD >/dev/null &&
	same_as $(cat id3)
'

test_expect_success 'every restore appends an audit record' '
	n=$(grep -c "\"operation\": *\"restore\"" repo/.jvs/audit/audit.jsonl) &&
	in_main jvs-restore base >/dev/null &&
	test $(grep -c "\"operation\": *\"restore\"" repo/.jvs/audit/audit.jsonl) -eq $((n + 1)) &&
	tail -n 1 repo/.jvs/audit/audit.jsonl | grep "$(cat id1)" &&
	in_main jvs-restore HEAD >/dev/null
'

test_expect_success 'a tampered descriptor is refused with exit 4, worktree untouched' '
	id1=$(cat id1) &&
	echo dirty >>repo/main/a &&
	tree_state >before &&
	cp repo/.jvs/descriptors/$id1.json desc.saved &&
	sed -i "s/first state/forged state/" repo/.jvs/descriptors/$id1.json &&
	before_n=$(count_snapshots) &&
	test_must_fail --exit=4 in_main jvs-restore $id1 2>err &&
	grep E_DESCRIPTOR_CORRUPT err &&
	tree_state >after &&
	test_cmp before after &&
	test $(count_snapshots) -eq $before_n &&
	cp desc.saved repo/.jvs/descriptors/$id1.json &&
	no_leftovers
'

test_expect_success 'a tampered manifest is refused with exit 4, worktree untouched' '
	id1=$(cat id1) &&
	tree_state >before &&
	cp repo/.jvs/manifests/$id1 manifest.saved &&
	chmod u+w repo/.jvs/manifests/$id1 &&
	sed -i "s/^file\ta\t0644/file\ta\t0755/" repo/.jvs/manifests/$id1 &&
	! test_cmp manifest.saved repo/.jvs/manifests/$id1 &&
	test_must_fail --exit=4 in_main jvs-restore $id1 2>err &&
	grep E_PAYLOAD_HASH_MISMATCH err &&
	tree_state >after &&
	test_cmp before after &&
	cp manifest.saved repo/.jvs/manifests/$id1 &&
	no_leftovers
'

test_expect_success 'a tampered payload file is refused with exit 4, worktree untouched' '
	id1=$(cat id1) &&
	in_main jvs-restore --discard HEAD >/dev/null &&
	tree_state >before &&
	chmod u+w repo/.jvs/snapshots/$id1/a &&
	cp repo/.jvs/snapshots/$id1/a payload.saved &&
	echo ONE >repo/.jvs/snapshots/$id1/a &&
	touch -r payload.saved repo/.jvs/snapshots/$id1/a &&
	test_must_fail --exit=4 in_main jvs-restore $id1 2>err &&
	grep E_PAYLOAD_HASH_MISMATCH err &&
	grep "jvs verify" err &&
	tree_state >after &&
	test_cmp before after &&
	in_main jvs-status >out &&
	! grep Interrupted out &&
	cp payload.saved repo/.jvs/snapshots/$id1/a &&
	touch -r payload.saved repo/.jvs/snapshots/$id1/a &&
	no_leftovers
'

test_expect_success 'a busy worktree lock: E_LOCKED, exit 5' '
	LOCK=repo/.jvs/locks/worktree-main.lock &&
	touch $LOCK &&
	rm -f release &&
	{ flock "$LOCK" sh -c "while test ! -f release; do sleep 0.05; done" \
		>/dev/null 2>&1 & } &&
	while flock -n "$LOCK" true; do sleep 0.05; done &&
	test_must_fail --exit=5 in_main jvs-restore base 2>err &&
	grep E_LOCKED err &&
	{ in_main jvs-restore --wait=120 base >out & } &&
	restorer=$! &&
	sleep 0.5 &&
	: >release &&
	wait $restorer &&
	grep Restored out
'

test_done
