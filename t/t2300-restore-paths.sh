#!/bin/sh

test_description='jvs restore REF -- PATH and jvs snapshot -- PATH: files, directories, symlinks, --delete, refusals, autosave, -i, --json, crashes, partial snapshots'

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

count_snapshots () {
	ls repo/.jvs/descriptors | wc -l
}

# tree_state: everything observable about the worktree (inode numbers left out)
tree_state () {
	(cd repo/main && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort &&
	 find . -type f -exec b2sum {} + | LC_ALL=C sort)
}

# same_path ID PATH: PATH in the worktree is exactly PATH in snapshot ID
same_path () {
	diff -r --no-dereference repo/.jvs/snapshots/$1/$2 repo/main/$2
}

no_leftovers () {
	find repo -name "*.tmp" -o -name "*.tmp.*" -o -name ".jvs-tmp-*" >leftovers &&
	find repo/.jvs/intents repo/.jvs/tmp -mindepth 1 >>leftovers &&
	cat leftovers &&
	test ! -s leftovers
}

INTENT=repo/.jvs/intents/restore-main.json

test_expect_success 'setup: A and B differ in files, a directory and a symlink' '
	jvs-init repo >/dev/null &&
	echo one >repo/main/a &&
	echo other >repo/main/b &&
	mkdir -p repo/main/dir/sub &&
	echo f >repo/main/dir/f &&
	echo s >repo/main/dir/sub/s &&
	ln -s a repo/main/link &&
	printf "*.log\n" >repo/main/.jvsignore &&
	in_main jvs-snapshot -q A --tag A >idA &&
	echo two >repo/main/a &&
	echo other2 >repo/main/b &&
	echo g >repo/main/dir/g &&
	rm repo/main/dir/f &&
	echo s2 >repo/main/dir/sub/s &&
	rm repo/main/link && ln -s b repo/main/link &&
	echo onlyB >repo/main/onlyB &&
	in_main jvs-snapshot -q B --tag B >idB
'

test_expect_success 'a file: only it changes; head and latest stay; status shows it modified' '
	idA=$(cat idA) && idB=$(cat idB) &&
	in_main jvs-restore A -- a >out &&
	grep "^Restored a from $idA\$" out &&
	! grep Saved out &&
	same_path $idA a &&
	same_path $idB b &&
	same_path $idB dir &&
	test "$(cfg head_snapshot_id)" = $idB &&
	test "$(cfg latest_snapshot_id)" = $idB &&
	in_main jvs-status >out &&
	grep "^M	a\$" out &&
	test $(grep -c "^[MAD]	" out) -eq 1 &&
	no_leftovers
'

test_expect_success 'a directory is restored whole: extras go, ignored entries stay' '
	idA=$(cat idA) && idB=$(cat idB) &&
	echo log >repo/main/dir/run.log &&
	echo extra >repo/main/dir/sub/extra &&
	in_main jvs-restore --discard A -- dir >out &&
	grep "^Restored dir from $idA\$" out &&
	test -f repo/main/dir/run.log &&
	rm repo/main/dir/run.log &&
	same_path $idA dir &&
	same_path $idB b &&
	test "$(cfg head_snapshot_id)" = $idB
'

test_expect_success 'a symlink is restored as a symlink (through the jvs dispatcher)' '
	idA=$(cat idA) &&
	in_main jvs restore A -- link >out &&
	grep "^Restored link from $idA\$" out &&
	test -h repo/main/link &&
	test "$(readlink repo/main/link)" = a
'

test_expect_success 'paths are relative to the current directory; several at once' '
	idB=$(cat idB) &&
	(cd repo/main/dir && jvs-restore --discard B -- sub g ../a ../link) >out &&
	grep "^Restored dir/sub from $idB\$" out &&
	grep "^Restored dir/g from $idB\$" out &&
	grep "^Restored a from $idB\$" out &&
	same_path $idB dir/sub && same_path $idB dir/g && same_path $idB a &&
	test "$(readlink repo/main/link)" = b &&
	test -f repo/main/dir/f
'

test_expect_success 'a path the snapshot lacks: E_NOT_FOUND and nothing changes' '
	tree_state >before &&
	test_must_fail --exit=3 in_main jvs-restore --discard A -- a onlyB 2>err &&
	grep E_NOT_FOUND err &&
	grep "onlyB" err &&
	grep -- "--delete" err &&
	tree_state >after &&
	test_cmp before after &&
	test ! -f $INTENT
'

test_expect_success '--delete removes a path the snapshot lacks' '
	idA=$(cat idA) &&
	in_main jvs-restore --discard --delete A -- onlyB a >out &&
	grep "^Removed onlyB (not in $idA)\$" out &&
	grep "^Restored a from $idA\$" out &&
	test ! -e repo/main/onlyB &&
	same_path $idA a &&
	in_main jvs-status >out &&
	grep "^D	onlyB\$" out &&
	in_main jvs-restore --discard B -- onlyB a >/dev/null
'

test_expect_success 'paths outside the worktree or through a symlink: E_PATH_ESCAPE' '
	tree_state >before &&
	test_must_fail --exit=2 in_main jvs-restore A -- ../x 2>err &&
	grep E_PATH_ESCAPE err &&
	test_must_fail --exit=2 in_main jvs-restore A -- /etc/passwd 2>err &&
	grep E_PATH_ESCAPE err &&
	ln -s dir repo/main/dl &&
	test_must_fail --exit=2 in_main jvs-restore A -- dl/f 2>err &&
	grep E_PATH_ESCAPE err &&
	rm repo/main/dl &&
	test_must_fail --exit=3 in_main jvs-restore A -- --oops 2>err &&
	test_must_fail --exit=2 in_main jvs-restore A -- 2>err &&
	tree_state >after &&
	test_cmp before after
'

test_expect_success 'a dirty path is autosaved first (partial, id printed); --discard saves none' '
	idA=$(cat idA) && idB=$(cat idB) &&
	echo "unsaved work" >repo/main/a &&
	echo "unrelated work" >repo/main/b &&
	n=$(count_snapshots) &&
	in_main jvs-restore A -- a dir >out &&
	auto=$(sed -n "s/^Saved unsnapshotted changes of these paths as \([^ ]*\) (tag autosave)\$/\1/p" out) &&
	test -n "$auto" &&
	test $(count_snapshots) -eq $((n + 1)) &&
	grep "unsaved work" repo/.jvs/snapshots/$auto/a &&
	test ! -e repo/.jvs/snapshots/$auto/b &&
	json_field partial_paths <repo/.jvs/descriptors/$auto.json >pp &&
	test "$(cat pp)" = "[\"a\", \"dir\"]" &&
	grep "unrelated work" repo/main/b &&
	test "$(cfg head_snapshot_id)" = $idB &&
	echo "more unsaved" >repo/main/a &&
	n=$(count_snapshots) &&
	in_main jvs-restore --discard A -- a >out &&
	! grep Saved out &&
	test $(count_snapshots) -eq $n &&
	same_path $idA a &&
	in_main jvs-restore --discard B -- a b dir >/dev/null
'

test_expect_success '-i previews the paths and cancels unless yes' '
	idA=$(cat idA) &&
	tree_state >before &&
	echo n | test_must_fail --exit=5 in_main jvs-restore -i A -- a dir >out 2>err &&
	grep "^Target: $idA" err &&
	grep "^M	a\$" err &&
	grep "^A	dir/f\$" err &&
	grep "^D	dir/g\$" err &&
	! grep "onlyB" err &&
	grep "Restore? \[y/N\]" err &&
	grep "cancelled" err &&
	tree_state >after &&
	test_cmp before after &&
	echo y | in_main jvs-restore -i A -- a >out 2>err &&
	grep "^Restored a from $idA\$" out &&
	same_path $idA a
'

test_expect_success '--json lists the restored paths' '
	idB=$(cat idB) &&
	in_main jvs-restore --json --discard B -- a dir >out &&
	test "$(json_field snapshot_id <out)" = $idB &&
	test "$(json_field paths <out)" = "[\"a\", \"dir\"]" &&
	test "$(json_field head <out)" = $idB &&
	test "$(json_field autosave_snapshot_id <out)" = None &&
	json_field written <out >w && test "$(cat w)" -ge 1 &&
	python3 -c "
import json
ch = json.load(open(\"out\"))[\"changes\"]
assert {\"status\": \"M\", \"path\": \"a\"} in ch, ch
assert all(c[\"path\"] == \"a\" or c[\"path\"].startswith(\"dir/\") for c in ch), ch
" &&
	echo gone >repo/main/dir/extra &&
	in_main jvs-restore --json --discard A -- dir >out &&
	python3 -c "
import json
ch = json.load(open(\"out\"))[\"changes\"]
assert {\"status\": \"D\", \"path\": \"dir/extra\"} in ch, ch
assert {\"status\": \"A\", \"path\": \"dir/f\"} in ch, ch
assert {\"status\": \"D\", \"path\": \"dir/g\"} in ch, ch
" &&
	in_main jvs-restore -q --discard B -- dir >/dev/null
'

test_expect_success 'a crash mid-restore: doctor reports it, a whole restore is refused, rerun completes' '
	idA=$(cat idA) && idB=$(cat idB) &&
	test_must_fail --exit=99 env JVS_FAULT=restore-after-checkout jvs-restore -C repo/main --discard A -- dir &&
	test -f $INTENT &&
	grep "\"paths\"" $INTENT &&
	same_path $idA dir &&
	in_main jvs-status >out &&
	grep "^Interrupted restore of some paths to $idA: run the same .jvs restore $idA -- PATH.... to finish it\$" out &&
	jvs-doctor -C repo >out 2>&1 &&
	grep "interrupted_restore.*some paths of worktree .main. to $idA" out &&
	test_must_fail --exit=5 in_main jvs-restore B 2>err &&
	grep E_DIRTY err &&
	test_must_fail --exit=5 in_main jvs-restore A -- a 2>err &&
	grep E_DIRTY err &&
	in_main jvs-restore A -- dir >out 2>err &&
	grep "finished the interrupted restore of paths of main to $idA" err &&
	test ! -f $INTENT &&
	same_path $idA dir &&
	test "$(cfg head_snapshot_id)" = $idB &&
	no_leftovers
'

test_expect_success 'a crash after the intent: doctor --repair-runtime finishes it' '
	idB=$(cat idB) &&
	test_must_fail --exit=99 env JVS_FAULT=restore-after-intent jvs-restore -C repo/main --discard B -- dir &&
	test -f $INTENT &&
	jvs-doctor -C repo --repair-runtime >out 2>&1 &&
	test ! -f $INTENT &&
	same_path $idB dir &&
	test "$(cfg head_snapshot_id)" = $idB &&
	no_leftovers
'

test_expect_success 'snapshot -- PATH: a partial snapshot; head and latest stay' '
	idB=$(cat idB) &&
	echo three >repo/main/a &&
	echo s3 >repo/main/dir/sub/s &&
	(cd repo/main/dir && jvs-snapshot -q "part" --tag P -- sub ../a) >idP &&
	idP=$(cat idP) &&
	test "$(cfg head_snapshot_id)" = $idB &&
	test "$(cfg latest_snapshot_id)" = $idB &&
	json_field partial_paths <repo/.jvs/descriptors/$idP.json >pp &&
	test "$(cat pp)" = "[\"a\", \"dir/sub\"]" &&
	test "$(json_field parent_id <repo/.jvs/descriptors/$idP.json)" = $idB &&
	(cd repo/.jvs/snapshots/$idP && find . -mindepth 1 | LC_ALL=C sort) >listed &&
	printf "./a\n./dir\n./dir/sub\n./dir/sub/s\n" >expect &&
	test_cmp expect listed &&
	test_must_fail --exit=3 in_main jvs-snapshot -- nosuch 2>err &&
	grep E_NOT_FOUND err
'

test_expect_success 'only the named paths are walked: a FIFO elsewhere is no obstacle' '
	mkfifo repo/main/fifo &&
	test_must_fail in_main jvs-snapshot -q whole 2>err &&
	grep E_UNSUPPORTED_FILE err &&
	in_main jvs-snapshot -q "a only" --tag F -- a >idF &&
	in_main jvs-restore --discard $(cat idF) -- a >out &&
	test -p repo/main/fifo &&
	rm repo/main/fifo
'

test_expect_success 'history marks a partial snapshot (text and --json)' '
	idP=$(cat idP) &&
	in_main jvs-history --all >out &&
	grep "^${idP#*-} .*part  tags: P  \[partial\]" out &&
	in_main jvs-history --all --json >out &&
	python3 -c "
import json, sys
for d in json.load(open(\"out\")):
    if d[\"snapshot_id\"] == sys.argv[1]:
        assert d[\"partial\"] is True and d[\"partial_paths\"] == [\"a\", \"dir/sub\"]
    else:
        assert d.get(\"partial\", False) is (\"partial_paths\" in d)
        assert d.get(\"partial\", False) is (\"autosave\" in d[\"tags\"] or \"F\" in d[\"tags\"])
" $idP
'

test_expect_success 'restoring a partial snapshot restores exactly its paths' '
	idP=$(cat idP) && idB=$(cat idB) &&
	in_main jvs-restore --discard B >/dev/null &&
	echo changed >repo/main/b &&
	echo f2 >repo/main/dir/g &&
	in_main jvs-restore --discard P >out &&
	grep "^Restored a from $idP\$" out &&
	grep "^Restored dir/sub from $idP\$" out &&
	grep three repo/main/a &&
	grep s3 repo/main/dir/sub/s &&
	grep changed repo/main/b &&
	grep f2 repo/main/dir/g &&
	test "$(cfg head_snapshot_id)" = $idB &&
	echo again >repo/main/a &&
	(cd repo/main/dir/sub && jvs restore --discard P) >out &&
	grep "^Restored a from $idP\$" out &&
	grep three repo/main/a &&
	test_must_fail --exit=3 in_main jvs-restore --discard P -- dir 2>err &&
	grep "partial" err &&
	test_must_fail --exit=3 in_main jvs-restore --discard P -- b 2>err &&
	grep E_NOT_FOUND err
'

test_expect_success 'a worktree forked or created from a partial snapshot holds only its paths' '
	idP=$(cat idP) &&
	jvs-worktree-fork -C repo -q P fromp >/dev/null &&
	(cd repo/worktrees/fromp && find . -mindepth 1 | LC_ALL=C sort) >listed &&
	printf "./a\n./dir\n./dir/sub\n./dir/sub/s\n" >expect &&
	test_cmp expect listed &&
	grep three repo/worktrees/fromp/a &&
	jvs-worktree-create -C repo -q fromp2 --from P >/dev/null &&
	(cd repo/worktrees/fromp2 && find . -mindepth 1 | LC_ALL=C sort) >listed &&
	test_cmp expect listed &&
	jvs-worktree-remove -C repo -q --force fromp &&
	jvs-worktree-remove -C repo -q --force fromp2
'

test_expect_success 'verify, doctor and gc handle partial snapshots' '
	idP=$(cat idP) &&
	jvs-verify -C repo --all >out &&
	grep "^OK $idP\$" out &&
	jvs-doctor -C repo --strict >out 2>&1 &&
	! grep head_behind out &&
	jvs-gc-plan -C repo --json >plan &&
	plan=$(json_field plan_id <plan) &&
	jvs-gc-run -C repo --plan-id $plan >/dev/null &&
	test -f repo/.jvs/descriptors/$idP.json &&
	jvs-history -C repo/main --all >out &&
	grep "\[partial\]" out
'

test_expect_success 'an option value "--" does not end the options' '
	(cd repo/main && jvs-snapshot -q -m -- --tag dd -- a) >idD &&
	idD=$(cat idD) &&
	test "$(json_field note <repo/.jvs/descriptors/$idD.json)" = "--" &&
	test "$(json_field partial_paths <repo/.jvs/descriptors/$idD.json)" = "[\"a\"]" &&
	test_must_fail --exit=3 in_main jvs-restore --latest-tag -- -- a 2>err &&
	grep "no snapshot is tagged .--." err
'

test_expect_success 'the catalogue cache keeps partial_paths' '
	idP=$(cat idP) &&
	in_main jvs-history --all --json >one &&
	in_main jvs-history --all --json >two &&
	test_cmp one two &&
	grep "\"partial_paths\"" two
'

test_expect_success 'gc deletes a partial snapshot like any other; verify stays clean' '
	idP=$(cat idP) && idB=$(cat idB) &&
	in_main jvs-snapshot -q C >idC && idC=$(cat idC) &&
	jvs-gc-plan -C repo --keep-last 1 --json >plan &&
	python3 -c "
import json, sys
p = json.load(open(\"plan\"))
ids = [c if isinstance(c, str) else c[\"snapshot_id\"] for c in p[\"candidates\"]]
assert sys.argv[1] in ids, ids
assert sys.argv[2] not in ids, ids
" $idP $idC &&
	jvs-gc-run -C repo --plan-id $(json_field plan_id <plan) >/dev/null &&
	test ! -e repo/.jvs/descriptors/$idP.json &&
	test ! -e repo/.jvs/snapshots/$idP &&
	jvs-verify -C repo --all >out &&
	! grep $idP out &&
	grep "^OK $idC\$" out &&
	test "$(cfg head_snapshot_id)" = $idC &&
	test_must_fail in_main jvs-restore $idP 2>err
'

test_expect_success 'a path restore whose target is gone: doctor rolls the paths back' '
	jvs-init rb >/dev/null &&
	echo a >rb/main/a && mkdir rb/main/dir && echo g >rb/main/dir/g &&
	echo s >rb/main/s &&
	(cd rb/main && jvs-snapshot -q base) >rb.base &&
	echo "dirty before" >rb/main/a &&
	(cd rb/main && jvs-snapshot -q gone -- a dir/g) >rb.gone &&
	gone=$(cat rb.gone) &&
	echo "dirty a" >rb/main/a &&
	echo "dirty s" >rb/main/s &&
	(cd rb/main && JVS_FAULT=restore-after-checkout jvs-restore $gone -- a dir/g; test $? = 99) &&
	grep "dirty before" rb/main/a &&
	rm rb/.jvs/descriptors/$gone.json &&
	(cd rb && test_must_fail --exit=4 jvs-doctor) >out &&
	grep "^error	restore_blocked	.*some paths of worktree .main. to $gone.*rolls those paths back" out &&
	(cd rb && test_must_fail --exit=4 jvs-doctor --repair-runtime) >out 2>&1 &&
	grep "^error	orphan_published	" out &&
	grep "^repaired	restore of some paths" out &&
	test ! -f rb/.jvs/intents/restore-main.json &&
	grep "dirty a" rb/main/a &&
	grep "dirty s" rb/main/s &&
	test "$(cat rb/main/dir/g)" = g &&
	test "$(json_field head_snapshot_id <rb/.jvs/worktrees/main/config.json)" = "$(cat rb.base)" &&
	grep "\"operation\":\"restore_rollback\"" rb/.jvs/audit/audit.jsonl
'

test_done
