#!/bin/sh

test_description='runtime repair never deletes published history

A partial copy of a repository can lack .jvs/descriptors/. The payloads,
.READY markers and manifests of its snapshots are then orphans: doctor
reports them as errors (orphan_published), and doctor --repair-runtime
moves them to .jvs/quarantine/<UTC time>/ instead of deleting them, from
where they are put back once the descriptors are found. Only in-flight
leftovers owned by an intent are removed.'

. "$(dirname "$0")/test-lib.sh"

# tree_sum DIR: every entry and the hash of every file.
tree_sum () {
	(cd "$1" &&
	 find . -mindepth 1 -printf "%p %y %m %s %l\n" | LC_ALL=C sort &&
	 find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r b2sum -l 256)
}

test_expect_success 'setup: a repository with three snapshots and a fork' '
	jvs init r >/dev/null &&
	mkdir r/main/d && echo a >r/main/a && echo b >r/main/d/b &&
	(cd r/main && jvs snapshot -q one) >id1 &&
	echo a2 >r/main/a &&
	(cd r/main && jvs snapshot -q two) >id2 &&
	(cd r && jvs worktree fork -q "$(cat ../id1)" f) &&
	echo f >r/worktrees/f/f &&
	(cd r/worktrees/f && jvs snapshot -q three) >id3 &&
	tree_sum r/.jvs/snapshots >snapshots.sum &&
	tree_sum r/.jvs/manifests >manifests.sum
'

test_expect_success 'a copy without descriptors: doctor reports every published orphan as an error' '
	cp -a r c &&
	rm -rf c/.jvs/intents/* c/.jvs/index.sqlite* c/.jvs/descriptors/* &&
	(cd c && test_must_fail --exit=4 jvs doctor) >out &&
	grep "^error	orphan_published	snapshot $(cat id1) was published but its descriptor is missing" out &&
	grep "^error	orphan_published	snapshot $(cat id3) .*\.jvs/manifests/$(cat id3);" out &&
	grep "orphan_published" out | grep -c . >n &&
	echo 9 >expect && test_cmp expect n &&
	grep "deletes nothing; see jvs-doctor(1)" out
'

test_expect_success 'doctor --repair-runtime deletes none of it: all of it is in the quarantine' '
	(cd c && test_must_fail --exit=4 jvs doctor --repair-runtime) >out &&
	grep "^repaired	snapshot .* was published" out &&
	! grep "orphan_published" out &&
	ls c/.jvs/quarantine >stamps &&
	test_line_count = 1 stamps &&
	q=c/.jvs/quarantine/$(cat stamps) &&
	tree_sum "$q/snapshots" >q.snapshots.sum &&
	tree_sum "$q/manifests" >q.manifests.sum &&
	test_cmp snapshots.sum q.snapshots.sum &&
	test_cmp manifests.sum q.manifests.sum
'

test_expect_success 'jvs-doctor(1) says how to recover from the quarantine' '
	grep -i "quarantine" "$jvs_root/man/jvs-doctor.1" >man.q &&
	grep "orphan_published" "$jvs_root/man/jvs-doctor.1"
'

test_expect_success 'putting the descriptors and the quarantine back restores the history' '
	q=c/.jvs/quarantine/$(cat stamps) &&
	cp r/.jvs/descriptors/*.json c/.jvs/descriptors/ &&
	mv "$q"/snapshots/* c/.jvs/snapshots/ &&
	mv "$q"/manifests/* c/.jvs/manifests/ &&
	rm -r c/.jvs/quarantine &&
	(cd c && jvs doctor --strict) >out &&
	grep "Repository is healthy" out &&
	(cd c && jvs verify --all) >out &&
	grep "^OK $(cat id1)" out && grep "^OK $(cat id2)" out && grep "^OK $(cat id3)" out &&
	grep "^OK audit chain" out
'

test_expect_success 'a copy without the descriptors/ directory at all: nothing is touched' '
	cp -a r m &&
	rm -rf m/.jvs/descriptors m/.jvs/intents/* m/.jvs/index.sqlite* &&
	(cd m && test_must_fail --exit=4 jvs doctor --repair-runtime) >out &&
	grep "^error	layout_missing	.jvs/descriptors is missing" out &&
	tree_sum m/.jvs/snapshots >m.snapshots.sum &&
	test_cmp snapshots.sum m.snapshots.sum &&
	tree_sum m/.jvs/manifests >m.manifests.sum &&
	test_cmp manifests.sum m.manifests.sum &&
	test_path_is_missing m/.jvs/quarantine
'

test_expect_success 'a bare payload with no descriptor, marker or intent is quarantined, not deleted' '
	cp -a r b &&
	id=1700000000000-abcdef01 &&
	mkdir b/.jvs/snapshots/$id && echo user-data >b/.jvs/snapshots/$id/x &&
	(cd b && jvs doctor) >out &&
	grep "^warning	orphan_snapshot_file	.*\.jvs/snapshots/$id; clean_tmp moves it to \.jvs/quarantine/" out &&
	(cd b && jvs doctor --repair-runtime) >out &&
	grep "Repository is healthy" out &&
	echo user-data >expect &&
	test_cmp expect b/.jvs/quarantine/*/snapshots/$id/x
'

test_expect_success 'an in-flight leftover owned by an intent is still removed' '
	cp -a r i &&
	echo z >i/main/z &&
	(cd i/main && JVS_FAULT=snapshot-after-ready jvs snapshot crashed; test $? = 99) &&
	ls i/.jvs/intents | grep "^snapshot-" &&
	(cd i && jvs doctor --repair-runtime) >out &&
	grep "Repository is healthy" out &&
	test_path_is_missing i/.jvs/quarantine &&
	tree_sum i/.jvs/snapshots >after.sum &&
	test_cmp snapshots.sum after.sum
'

test_done
