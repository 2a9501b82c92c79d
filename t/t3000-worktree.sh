#!/bin/sh

test_description='jvs worktree fork/create/list/path/rename/remove'

. "$(dirname "$0")/test-lib.sh"

# json_field FILE KEY: prints a top-level field of a JSON file ("None" for null).
json_field () {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# No temporary directories or intents left anywhere.
no_leftovers () {
	root=$(cd repo && pwd -P) &&
	ls -A "$root" | grep "^\.jvs-tmp" >tmps
	ls -A "$root/.jvs/intents" >intents
	ls -A "$root/.jvs/tmp" >tmpfiles
	test ! -s tmps && test ! -s intents && test ! -s tmpfiles
}

test_expect_success 'setup: two snapshots in main' '
	jvs-init repo >/dev/null &&
	root=$(cd repo && pwd -P) &&
	echo one >repo/main/a &&
	mkdir repo/main/dir &&
	echo nested >repo/main/dir/f &&
	ln -s a repo/main/link &&
	(cd repo/main && jvs-snapshot -q "first state" --tag t1) >id1 &&
	echo two >repo/main/a &&
	(cd repo/main && jvs-snapshot -q "second state" --tag t2) >id2 &&
	id1=$(cat id1) && id2=$(cat id2) &&
	test "$id1" != "$id2"
'

test_expect_success 'fork from a tag' '
	id1=$(cat id1) &&
	root=$(cd repo && pwd -P) &&
	(cd repo/main && jvs-worktree-fork t1 from-tag) >out &&
	grep "^Created worktree from-tag at $id1\$" out &&
	grep "^Path: $root/worktrees/from-tag\$" out &&
	echo one >expect &&
	test_cmp expect repo/worktrees/from-tag/a &&
	test_cmp repo/main/dir/f repo/worktrees/from-tag/dir/f &&
	test "$(readlink repo/worktrees/from-tag/link)" = a &&
	cfg=repo/.jvs/worktrees/from-tag/config.json &&
	test "$(json_field $cfg name)" = from-tag &&
	test "$(json_field $cfg base_snapshot_id)" = "$id1" &&
	test "$(json_field $cfg head_snapshot_id)" = "$id1" &&
	test "$(json_field $cfg latest_snapshot_id)" = "$id1" &&
	json_field $cfg created_at | grep "^[0-9-]*T[0-9:]*\.[0-9][0-9][0-9]Z\$" &&
	no_leftovers
'

test_expect_success 'fork from a full id, an id prefix and --at' '
	id1=$(cat id1) && id2=$(cat id2) &&
	(cd repo/main && jvs-worktree-fork "$id1" from-id) >out &&
	grep "^Created worktree from-id at $id1\$" out &&
	short=$(echo "$id2" | cut -c1-18) &&
	(cd repo/main && jvs-worktree-fork "$short" from-prefix) >out &&
	grep "^Created worktree from-prefix at $id2\$" out &&
	(cd repo/main && jvs-worktree-fork from-at --at t1) >out &&
	grep "^Created worktree from-at at $id1\$" out &&
	echo one >expect &&
	test_cmp expect repo/worktrees/from-at/a &&
	echo two >expect &&
	test_cmp expect repo/worktrees/from-prefix/a
'

test_expect_success 'fork from the repository root with a REF' '
	(cd repo && jvs-worktree-fork t2 from-root) >out &&
	grep "^Created worktree from-root at $(cat id2)\$" out
'

test_expect_success 'fork without REF takes the current head' '
	(cd repo/main/dir && jvs-worktree-fork here) >out &&
	grep "^Created worktree here at $(cat id2)\$" out &&
	echo two >expect &&
	test_cmp expect repo/worktrees/here/a
'

test_expect_success 'fork copies the snapshot, not unsnapshotted edits' '
	echo live-edit >repo/main/a &&
	echo extra >repo/main/untracked &&
	(cd repo/main && jvs-worktree-fork not-live) &&
	echo two >expect &&
	test_cmp expect repo/worktrees/not-live/a &&
	test ! -e repo/worktrees/not-live/untracked &&
	echo live-edit >expect &&
	test_cmp expect repo/main/a &&
	rm repo/main/untracked &&
	echo two >repo/main/a
'

test_expect_success 'forked files are not hard links to snapshot files' '
	id2=$(cat id2) &&
	test "$(stat -c %h repo/worktrees/not-live/a)" = 1 &&
	test "$(stat -c %h repo/worktrees/not-live/dir/f)" = 1 &&
	test "$(stat -c %i repo/worktrees/not-live/a)" != \
	     "$(stat -c %i repo/.jvs/snapshots/$id2/a)" &&
	echo edited >repo/worktrees/not-live/a &&
	echo two >expect &&
	test_cmp expect repo/.jvs/snapshots/$id2/a
'

test_expect_success 'a fork can snapshot at once; its parent is the fork point' '
	(cd repo/worktrees/from-tag && echo three >a && jvs-snapshot -q "on from-tag") >id3 &&
	d=repo/.jvs/descriptors/$(cat id3).json &&
	test "$(json_field $d parent_id)" = "$(cat id1)" &&
	test "$(json_field $d worktree_name)" = from-tag &&
	cfg=repo/.jvs/worktrees/from-tag/config.json &&
	test "$(json_field $cfg head_snapshot_id)" = "$(cat id3)" &&
	test "$(json_field $cfg base_snapshot_id)" = "$(cat id1)"
'

test_expect_success 'fork while detached forks the current position' '
	(cd repo/main && jvs-restore t1 >../../restore.out) &&
	grep DETACHED restore.out &&
	(cd repo/main && jvs-worktree-fork detached-fork) >out &&
	grep "^Created worktree detached-fork at $(cat id1)\$" out &&
	echo one >expect &&
	test_cmp expect repo/worktrees/detached-fork/a &&
	(cd repo/main && jvs-restore HEAD >/dev/null) &&
	echo two >expect &&
	test_cmp expect repo/main/a
'

test_expect_success 'invalid names: exit 2, E_NAME_INVALID, nothing created' '
	ls -A repo/worktrees >before &&
	for name in ../x a/b "" . .. "$(printf "a\tb")" "$(printf "a\001b")" "sp ace" \
		    "$(printf "%0129d" 0)"
	do
		(cd repo/main && test_must_fail --exit=2 jvs-worktree-fork t1 "$name") 2>err &&
		grep "^jvs-worktree-fork: E_NAME_INVALID: " err || return 1
	done &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-create "../y") 2>err &&
	grep E_NAME_INVALID err &&
	ls -A repo/worktrees >after &&
	test_cmp before after &&
	test ! -e repo/x && test ! -e repo/y &&
	no_leftovers
'

test_expect_success 'HEAD and dotted names are valid worktree names' '
	(cd repo/main && jvs-worktree-fork t1 HEAD && jvs-worktree-fork t1 v1.0_x-y &&
	 jvs-worktree-fork t1 .hidden) &&
	test -f repo/worktrees/HEAD/a &&
	test -f repo/worktrees/v1.0_x-y/a &&
	test -f repo/worktrees/.hidden/a &&
	(cd repo && jvs-worktree-list -q) >names &&
	grep "^HEAD\$" names &&
	grep "^\.hidden\$" names &&
	(cd repo/worktrees/.hidden && jvs-worktree-path) >actual &&
	test "$(cat actual)" = "$(cd repo && pwd -P)/worktrees/.hidden"
'

test_expect_success 'an existing name is refused: exit 1, E_EXISTS' '
	(cd repo/main && test_must_fail --exit=1 jvs-worktree-fork t2 from-tag) 2>err &&
	grep "^jvs-worktree-fork: E_EXISTS: " err &&
	echo three >expect &&
	test_cmp expect repo/worktrees/from-tag/a &&
	(cd repo/main && test_must_fail --exit=1 jvs-worktree-fork t2 main) 2>err &&
	grep E_EXISTS err &&
	(cd repo/main && test_must_fail --exit=1 jvs-worktree-create here) 2>err &&
	grep E_EXISTS err
'

test_expect_success 'a stray directory under worktrees/ is refused' '
	mkdir repo/worktrees/stray &&
	echo mine >repo/worktrees/stray/file &&
	(cd repo/main && test_must_fail --exit=1 jvs-worktree-fork t1 stray) 2>err &&
	grep E_EXISTS err &&
	grep "^hint: " err &&
	echo mine >expect &&
	test_cmp expect repo/worktrees/stray/file &&
	test ! -e repo/.jvs/worktrees/stray &&
	rm -r repo/worktrees/stray
'

test_expect_success 'no REF and no current worktree: E_NO_WORKTREE' '
	(cd repo && test_must_fail --exit=1 jvs-worktree-fork nowhere) 2>err &&
	grep "^jvs-worktree-fork: E_NO_WORKTREE: " err &&
	grep "^hint: " err &&
	test ! -e repo/worktrees/nowhere
'

test_expect_success 'unknown REF: exit 3' '
	(cd repo/main && test_must_fail --exit=3 jvs-worktree-fork no-such-ref x1) 2>err &&
	grep E_NOT_FOUND err &&
	test ! -e repo/worktrees/x1
'

test_expect_success 'usage errors: exit 2' '
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-fork) &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-fork a b c) &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-fork --at t1 a b) &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-create) &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-rename a) &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-remove) &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-list extra) &&
	(cd repo/main && test_must_fail --exit=2 jvs-worktree-path a b)
'

test_expect_success 'create makes an empty worktree with null pointers' '
	(cd repo && jvs-worktree-create empty) >out &&
	grep "^Created worktree empty\$" out &&
	test -d repo/worktrees/empty &&
	test -z "$(ls -A repo/worktrees/empty)" &&
	cfg=repo/.jvs/worktrees/empty/config.json &&
	test "$(json_field $cfg base_snapshot_id)" = None &&
	test "$(json_field $cfg head_snapshot_id)" = None &&
	test "$(json_field $cfg latest_snapshot_id)" = None &&
	no_leftovers
'

test_expect_success 'an empty worktree has nothing to fork; its first snapshot has no parent' '
	(cd repo/worktrees/empty && test_must_fail --exit=3 jvs-worktree-fork x2) 2>err &&
	grep "E_NOT_FOUND: nothing to fork" err &&
	echo e >repo/worktrees/empty/e &&
	(cd repo/worktrees/empty && jvs-snapshot -q "empty start") >ide &&
	test "$(json_field repo/.jvs/descriptors/$(cat ide).json parent_id)" = None
'

test_expect_success 'create --from REF is like fork' '
	(cd repo && jvs-worktree-create from-create --from t2) >out &&
	grep "^Created worktree from-create" out &&
	echo two >expect &&
	test_cmp expect repo/worktrees/from-create/a &&
	test "$(json_field repo/.jvs/worktrees/from-create/config.json base_snapshot_id)" = "$(cat id2)"
'

test_expect_success 'list: name, head and state; current marked; no notes' '
	jvs-worktree-create -C repo blank >/dev/null &&
	(cd repo/main && jvs-restore t1 >/dev/null) &&
	(cd repo/main && jvs-worktree-list) >out &&
	grep "^\* main  *$(cut -c15- id1)  *DETACHED\$" out &&
	grep "^  blank  *-  *empty\$" out &&
	grep "^  here  *$(cut -c15- id2)  *HEAD\$" out &&
	grep "^  from-tag  *$(cut -c15- id3)  *HEAD\$" out &&
	! grep "state" out &&
	test $(grep -c "^\*" out) = 1 &&
	(cd repo/main && jvs-restore HEAD >/dev/null)
'

test_expect_success 'list is sorted, works from the root and lists every worktree' '
	(cd repo && jvs-worktree-list) >out &&
	! grep "^\*" out &&
	awk "{print \$1}" out >names &&
	LC_ALL=C sort names >sorted &&
	test_cmp sorted names &&
	ls -A repo/.jvs/worktrees | LC_ALL=C sort >expect &&
	test_cmp expect names &&
	(cd repo && jvs-worktree-list -q) >quiet &&
	test_cmp expect quiet
'

test_expect_success 'list --json' '
	root=$(cd repo && pwd -P) &&
	(cd repo/worktrees/here && jvs-worktree-list --json) >out.json &&
	python3 - out.json "$root" "$(cat id2)" <<-\EOF
	import json, sys
	arr = json.load(open(sys.argv[1]))
	root, id2 = sys.argv[2], sys.argv[3]
	by = {w["name"]: w for w in arr}
	for w in arr:
	    for k in ("name", "path", "head_snapshot_id", "latest_snapshot_id",
	              "base_snapshot_id", "detached", "current"):
	        assert k in w, (k, w)
	assert by["main"]["path"] == root + "/main", by["main"]
	assert by["here"]["path"] == root + "/worktrees/here"
	assert by["here"]["current"] is True
	assert [w["name"] for w in arr if w["current"]] == ["here"]
	assert by["here"]["head_snapshot_id"] == id2
	assert by["blank"]["head_snapshot_id"] is None
	assert by["main"]["detached"] is False
	EOF
'

test_expect_success 'path: named, current, from the root' '
	root=$(cd repo && pwd -P) &&
	echo "$root/worktrees/here" >expect &&
	(cd repo && jvs-worktree-path here) >actual &&
	test_cmp expect actual &&
	(cd repo/worktrees/here && jvs-worktree-path) >actual &&
	test_cmp expect actual &&
	echo "$root/main" >expect &&
	(cd repo/worktrees/here && jvs-worktree-path main) >actual &&
	test_cmp expect actual &&
	(cd repo/main/dir && jvs-worktree-path) >actual &&
	test_cmp expect actual &&
	(cd repo && jvs-worktree-path -w main) >actual &&
	test_cmp expect actual
'

test_expect_success 'path errors' '
	(cd repo && test_must_fail --exit=1 jvs-worktree-path) 2>err &&
	grep E_NO_WORKTREE err &&
	(cd repo && test_must_fail --exit=3 jvs-worktree-path nosuch) 2>err &&
	grep E_NOT_FOUND err &&
	(cd repo && test_must_fail --exit=2 jvs-worktree-path ../x) 2>err &&
	grep E_NAME_INVALID err
'

test_expect_success 'rename moves files and metadata; snapshots keep their name' '
	(cd repo && jvs-worktree-rename from-tag renamed) >out &&
	grep "^Renamed worktree from-tag to renamed\$" out &&
	test ! -e repo/worktrees/from-tag &&
	test ! -e repo/.jvs/worktrees/from-tag &&
	echo three >expect &&
	test_cmp expect repo/worktrees/renamed/a &&
	cfg=repo/.jvs/worktrees/renamed/config.json &&
	test "$(json_field $cfg name)" = renamed &&
	test "$(json_field $cfg head_snapshot_id)" = "$(cat id3)" &&
	test "$(json_field $cfg base_snapshot_id)" = "$(cat id1)" &&
	test "$(json_field repo/.jvs/descriptors/$(cat id3).json worktree_name)" = from-tag &&
	(cd repo/worktrees/renamed && echo four >a && jvs-snapshot -q "after rename") >id4 &&
	test "$(json_field repo/.jvs/descriptors/$(cat id4).json parent_id)" = "$(cat id3)" &&
	test "$(json_field repo/.jvs/descriptors/$(cat id4).json worktree_name)" = renamed &&
	no_leftovers
'

test_expect_success 'rename refusals' '
	(cd repo && test_must_fail --exit=5 jvs-worktree-rename main other) 2>err &&
	grep "^jvs-worktree-rename: E_DIRTY: " err &&
	grep "^hint: .*--force" err &&
	test -d repo/main &&
	(cd repo && test_must_fail --exit=1 jvs-worktree-rename renamed here) 2>err &&
	grep E_EXISTS err &&
	(cd repo && test_must_fail --exit=3 jvs-worktree-rename nosuch x3) 2>err &&
	grep E_NOT_FOUND err &&
	(cd repo && test_must_fail --exit=2 jvs-worktree-rename renamed ../x3) 2>err &&
	grep E_NAME_INVALID err &&
	test -d repo/worktrees/renamed &&
	no_leftovers
'

test_expect_success 'rename main with --force, and back' '
	root=$(cd repo && pwd -P) &&
	(cd repo && jvs-worktree-rename --force main primary) >out &&
	grep "^Renamed worktree main to primary\$" out &&
	test ! -e repo/main &&
	echo two >expect &&
	test_cmp expect repo/worktrees/primary/a &&
	(cd repo/worktrees/primary && jvs-worktree-path) >actual &&
	echo "$root/worktrees/primary" >expect &&
	test_cmp expect actual &&
	(cd repo && jvs-worktree-rename primary main --force) &&
	test -f repo/main/a &&
	test ! -e repo/worktrees/primary
'

test_expect_success 'remove a clean worktree; its snapshots stay' '
	id4=$(cat id4) &&
	(cd repo && jvs-worktree-remove renamed) >out &&
	grep "^Removed worktree renamed\$" out &&
	test ! -e repo/worktrees/renamed &&
	test ! -e repo/.jvs/worktrees/renamed &&
	(cd repo && jvs-worktree-list) >list &&
	! grep renamed list &&
	(cd repo && jvs-history --all) >hist &&
	grep "${id4#*-}" hist &&
	grep "$(cut -c15- id3)" hist &&
	test -f repo/.jvs/descriptors/$id4.json &&
	no_leftovers
'

test_expect_success 'remove main needs --force' '
	(cd repo && test_must_fail --exit=5 jvs-worktree-remove main) 2>err &&
	grep "^jvs-worktree-remove: E_DIRTY: " err &&
	grep -- "--force" err &&
	test -f repo/main/a
'

test_expect_success 'remove a dirty worktree needs --force' '
	echo dirty >repo/worktrees/here/a &&
	echo new >repo/worktrees/here/new &&
	(cd repo && test_must_fail --exit=5 jvs-worktree-remove here) 2>err &&
	grep "^jvs-worktree-remove: E_DIRTY: .*2 unsnapshotted changes" err &&
	grep "^hint: .*--force" err &&
	grep "^hint: .*snapshot" err &&
	test -f repo/worktrees/here/new &&
	(cd repo && jvs-worktree-remove here --force) >out &&
	grep "^Removed worktree here\$" out &&
	test ! -e repo/worktrees/here &&
	no_leftovers
'

test_expect_success 'an empty worktree holding files is dirty' '
	echo x >repo/worktrees/blank/x &&
	(cd repo && test_must_fail --exit=5 jvs-worktree-remove blank) 2>err &&
	grep E_DIRTY err &&
	rm repo/worktrees/blank/x &&
	(cd repo && jvs-worktree-remove blank) &&
	test ! -e repo/worktrees/blank
'

test_expect_success 'removing the worktree you are in needs --force' '
	(cd repo/worktrees/from-id && test_must_fail --exit=5 jvs-worktree-remove from-id) 2>err &&
	grep E_DIRTY err &&
	test -d repo/worktrees/from-id &&
	(cd repo/worktrees/from-id && jvs-worktree-remove --force from-id) >out 2>err &&
	grep "^Removed worktree from-id\$" out &&
	test ! -e repo/worktrees/from-id
'

test_expect_success 'remove errors' '
	(cd repo && test_must_fail --exit=3 jvs-worktree-remove nosuch) 2>err &&
	grep E_NOT_FOUND err &&
	(cd repo && test_must_fail --exit=2 jvs-worktree-remove ../main) 2>err &&
	grep E_NAME_INVALID err &&
	test -d repo/main
'

test_expect_success 'audit records each worktree operation' '
	for op in worktree_fork worktree_create worktree_rename worktree_remove
	do
		grep "\"operation\":\"$op\"" repo/.jvs/audit/audit.jsonl >/dev/null ||
		{ echo "no $op record"; return 1; }
	done
'

for point in fork-after-intent fork-after-checkout fork-after-rename
do
	test_expect_success "crash at $point: exit 99, no worktree visible" "
		(JVS_FAULT=$point && export JVS_FAULT && cd repo/main &&
		 test_must_fail --exit=99 jvs-worktree-fork t1 crash-$point) &&
		(cd repo && jvs-worktree-list -q) >names &&
		! grep crash names &&
		test ! -e repo/.jvs/worktrees/crash-$point/config.json
	"
done

test_expect_success 'a fork interrupted before the move can simply be rerun' '
	(cd repo/main && jvs-worktree-fork t1 crash-fork-after-checkout) &&
	echo one >expect &&
	test_cmp expect repo/worktrees/crash-fork-after-checkout/a &&
	test ! -e "repo/.jvs-tmp-fork-crash-fork-after-checkout" &&
	test ! -e repo/.jvs/intents/fork-crash-fork-after-checkout.json
'

test_expect_success 'a fork interrupted after the move is reported, not overwritten' '
	(cd repo/main && test_must_fail --exit=1 jvs-worktree-fork t2 crash-fork-after-rename) 2>err &&
	grep E_EXISTS err &&
	grep "^hint: .*doctor" err
'

test_expect_success 'a handled failure leaves nothing behind' '
	rm -rf repo/worktrees/crash-* repo/.jvs-tmp-* repo/.jvs/intents/* &&
	m=repo/.jvs/manifests/$(cat id1) &&
	cp $m manifest.saved &&
	chmod u+w $m &&
	echo "file	junk	0644	1	-" >>$m &&
	(cd repo/main && test_must_fail --exit=4 jvs-worktree-fork t1 fail1) 2>err &&
	cp manifest.saved $m &&
	test ! -e repo/worktrees/fail1 &&
	test ! -e repo/.jvs/worktrees/fail1 &&
	no_leftovers
'

test_done
