#!/bin/sh

test_description='no operation gets stuck: a full disk after publishing, mount points

A snapshot that runs out of space after it was published (injected with
JVS_FAULT=enospc:<point>: every later write of the process fails with
ENOSPC) succeeds with a warning instead of failing for something that
exists; the next snapshot or restore of the worktree, or doctor
--repair-runtime, finishes moving the pointers and writes the audit record,
and the next snapshot never branches off the old head. A restore whose
target is gone can never finish: doctor reports restore_blocked and rolls
it back to its autosave (or the old head).

A file system mounted inside a worktree (here a tmpfs) is a boundary JVS
does not cross: snapshot, restore and worktree remove (even --force) refuse
up front with E_UNSUPPORTED_FILE naming the mount point, before anything is
changed, so no interrupted operation is left behind. fork reads only the
snapshot and works. A restore interrupted before the mount appeared is
reported by doctor as restore_blocked (an error with the class and the
mount point), its repair fails with that detail (never a bare
"E_INTERNAL: failed"), and heals once the file system is unmounted. An
interrupted remove, or a leftover directory, holding a mount is reported
(remove_blocked, leftover_mounted) and never deleted into.'

. "$(dirname "$0")/test-lib.sh"

# head REPO [WT]: the head of a worktree.
head_of () {
	sed -n "s/.*\"head_snapshot_id\": *\"\([^\"]*\)\".*/\1/p" \
		"$1/.jvs/worktrees/${2:-main}/config.json"
}
latest_of () {
	sed -n "s/.*\"latest_snapshot_id\": *\"\([^\"]*\)\".*/\1/p" \
		"$1/.jvs/worktrees/${2:-main}/config.json"
}
# audited REPO ID: the audit log has exactly one snapshot record of ID.
audited () {
	grep "\"operation\":\"snapshot\"" "$1/.jvs/audit/audit.jsonl" |
		grep -c "\"target\":\"$2\"" >audited.n &&
	echo 1 >audited.want && test_cmp audited.want audited.n
}
# fine REPO: doctor --strict healthy, verify --all all OK.
fine () {
	(cd "$1" && jvs doctor --strict) >fine.out &&
	echo "Repository is healthy" >fine.want && test_cmp fine.want fine.out &&
	(cd "$1" && jvs verify --all) >fine.out &&
	! grep -v "^OK " fine.out
}

test_expect_success 'setup: a template repository with one snapshot' '
	jvs init tpl >/dev/null &&
	echo a >tpl/main/a &&
	(cd tpl/main && jvs snapshot -q first) >id.first
'

# full_disk POINT REPO: a snapshot whose disk fills at POINT (after publish).
full_disk () {
	cp -a tpl "$2" &&
	echo "$1" >"$2/main/a" &&
	(cd "$2/main" && JVS_FAULT=enospc:$1 jvs snapshot full) >out 2>err &&
	sed -n "s/^Created snapshot \([0-9a-f-]*\)\$/\1/p" out >id.full &&
	test -s id.full &&
	grep "^warning: snapshot $(cat id.full) is published, but .*No space left on device" err &&
	grep "^hint: the snapshot is kept" err &&
	(cd "$2" && jvs history --all --format id) >hist &&
	grep -x "$(cat id.full)" hist &&
	jvs -C "$2" verify "$(cat id.full)" >/dev/null
}

for point in snapshot-after-descriptor snapshot-after-head
do
	test_expect_success "full disk at $point: success with a warning; the next snapshot builds on it" '
		full_disk '$point' n-'$point' &&
		echo next >n-'$point'/main/a &&
		(cd n-'$point'/main && jvs snapshot -q next) >id.next 2>err &&
		grep "\"parent_id\": *\"$(cat id.full)\"" \
			n-'$point'/.jvs/descriptors/$(cat id.next).json &&
		test "$(head_of n-'$point')" = "$(cat id.next)" &&
		audited n-'$point' "$(cat id.full)" &&
		fine n-'$point'
	'

	test_expect_success "full disk at $point: doctor --repair-runtime completes it" '
		full_disk '$point' d-'$point' &&
		(cd d-'$point' && jvs doctor) >out &&
		grep "clean_intents\$" out &&
		(cd d-'$point' && jvs doctor --repair-runtime) >out &&
		grep "^repaired	" out &&
		test "$(head_of d-'$point')" = "$(cat id.full)" &&
		test "$(latest_of d-'$point')" = "$(cat id.full)" &&
		audited d-'$point' "$(cat id.full)" &&
		fine d-'$point'
	'

	test_expect_success "full disk at $point: a restore finishes it first" '
		full_disk '$point' r-'$point' &&
		(cd r-'$point'/main && jvs restore -q "$(cat ../../id.first)") &&
		test "$(latest_of r-'$point')" = "$(cat id.full)" &&
		(cd r-'$point'/main && jvs restore -q HEAD) &&
		test "$(head_of r-'$point')" = "$(cat id.full)" &&
		echo $point >expect && test_cmp expect r-'$point'/main/a &&
		audited r-'$point' "$(cat id.full)" &&
		fine r-'$point'
	'
done

# Every snapshot fault point (as found in the sources), the disk full from
# there on: before the
# descriptor is in place the snapshot fails (exit 1, E_IO with its hint
# kept through the cleanup, nothing visible, nothing left over); after it, it succeeds with the warning and is
# completed by the next snapshot. Never a failure for something visible.
test_expect_success 'a full disk at every snapshot step: a clean failure, or success that completes' '
	grep -ho "jvs_fault_point(\"snapshot-[a-z-]*\")" "$jvs_root"/libjvs/ops/snapshot*.c |
		sed -e "s/^jvs_fault_point(\"//" -e "s/\")\$//" >points &&
	test_line_count -ge 8 points &&
	for p in $(cat points)
	do
		rm -rf e && cp -a tpl e &&
		echo "$p" >e/main/a &&
		_rc=0 &&
		{ (cd e/main && JVS_FAULT=enospc:$p jvs snapshot full) >out 2>err || _rc=$?; } &&
		(cd e && jvs history --all --format id) >hist &&
		case $_rc in
		1)
			grep "E_IO: .*No space left on device" err &&
			grep "^hint: free some space on the file system and retry" err &&
			test_line_count = 1 hist &&
			fine e ;;
		0)
			grep "^warning: snapshot .* is published, but" err &&
			id=$(sed -n "s/^Created snapshot //p" out) &&
			grep -x "$id" hist &&
			echo next >e/main/a &&
			(cd e/main && jvs snapshot -q next) >id.next &&
			grep "\"parent_id\": *\"$id\"" e/.jvs/descriptors/$(cat id.next).json &&
			audited e "$id" &&
			fine e ;;
		*)
			false ;;
		esac || { echo "fault point $p: exit $_rc"; cat err; return 1; }
	done
'

test_expect_success 'a restore whose autosave fills the disk fails cleanly; the autosave is kept' '
	cp -a tpl a &&
	echo second >a/main/a &&
	(cd a/main && jvs snapshot -q second) >id.second &&
	echo dirty >a/main/a &&
	(cd a/main && JVS_FAULT=enospc:snapshot-after-descriptor \
		test_must_fail jvs restore "$(cat ../../id.first)") 2>err &&
	grep "No space left on device" err &&
	echo dirty >expect && test_cmp expect a/main/a &&
	test "$(head_of a)" = "$(cat id.second)" &&
	(cd a && jvs history --all) >hist &&
	grep "autosave" hist &&
	(cd a && jvs doctor --repair-runtime) >/dev/null &&
	fine a &&
	(cd a/main && jvs restore -q "$(cat ../../id.first)") &&
	echo a >expect && test_cmp expect a/main/a
'

# rollback_case NAME DIRTY: main at "two", a leaf snapshot "side" made in a
# removed fork; a restore of main to side crashes, then side's descriptor
# is lost: the restore can never finish.
rollback_case () {
	jvs init "$1" >/dev/null &&
	echo a >"$1/main/a" &&
	(cd "$1/main" && jvs snapshot -q one && echo two >a && jvs snapshot -q two) >/dev/null &&
	head_of "$1" >"$1.two" &&
	(cd "$1" && jvs worktree fork -q "$(cat ../$1.two)" f) &&
	echo s >"$1/worktrees/f/s" &&
	(cd "$1/worktrees/f" && jvs snapshot -q side) >"$1.side" &&
	(cd "$1" && jvs worktree remove -q f) &&
	if test "$2" = dirty; then echo dirty >"$1/main/a"; fi &&
	(cd "$1/main" && JVS_FAULT=restore-after-checkout jvs restore -q "$(cat ../../$1.side)";
	 test $? = 99) &&
	test -f "$1/main/s" &&
	rm "$1/.jvs/descriptors/$(cat $1.side).json"
}

test_expect_success 'a restore whose target is gone is rolled back to its autosave' '
	rollback_case rb dirty &&
	(cd rb/main && test_must_fail --exit=5 jvs restore -q "$(cat ../../rb.two)") 2>err &&
	grep "is no longer a published snapshot: it cannot finish" err &&
	grep "^hint: .jvs doctor --repair-runtime. rolls it back" err &&
	(cd rb && test_must_fail --exit=4 jvs doctor) >out &&
	grep "^error	restore_blocked	.*E_NOT_FOUND: $(cat rb.side) is no longer a published snapshot; clean_intents rolls the worktree back to the state before it (its autosave " out &&
	(cd rb && test_must_fail --exit=4 jvs doctor --repair-runtime) >out &&
	grep "^repaired	restore of worktree .main. to $(cat rb.side)" out &&
	echo dirty >expect && test_cmp expect rb/main/a &&
	test_path_is_missing rb/main/s &&
	test "$(head_of rb)" = "$(cat rb.two)" &&
	(cd rb/main && jvs status) >out &&
	grep "^M	a" out &&
	grep "\"operation\":\"restore_rollback\"" rb/.jvs/audit/audit.jsonl &&
	(cd rb && jvs doctor --repair-runtime) >/dev/null &&
	fine rb
'

test_expect_success 'without an autosave (a clean worktree) it goes back to the old head' '
	rollback_case rc clean &&
	(cd rc && test_must_fail --exit=4 jvs doctor) >out &&
	grep "restore_blocked.*(snapshot $(cat rc.two))" out &&
	(cd rc && test_must_fail --exit=4 jvs doctor --repair-runtime) >/dev/null &&
	(cd rc && jvs doctor --repair-runtime) >/dev/null &&
	echo two >expect && test_cmp expect rc/main/a &&
	test_path_is_missing rc/main/s &&
	test "$(head_of rc)" = "$(cat rc.two)" &&
	fine rc
'

# The mount tests need root and a tmpfs; without them they are skipped, and
# the reason is printed.
if [ "$(id -u)" != 0 ]; then
	echo "# skipping the mount tests: they need root to mount a tmpfs"
elif mkdir probe && mount -t tmpfs tmpfs probe 2>probe.err; then
	umount probe && test_set_prereq MOUNT
else
	echo "# skipping the mount tests: cannot mount a tmpfs here: $(cat probe.err)"
fi
mnt=$TRASH_DIRECTORY/r/main/mnt
# Unmounted at the end (also when a test fails), before the trash goes.
# Every mount below the trash directory (wherever a failing command moved
# it) is unmounted at the end, deepest first, before the trash goes.
unmount_all () {
	cd / &&
	cut -d" " -f5 /proc/self/mountinfo | grep "^$TRASH_DIRECTORY/" | sort -r |
		while read -r m; do umount "$m"; done
}
trap unmount_all EXIT

# tree_sum DIR: every entry and the hash of every file.
tree_sum () {
	(cd "$1" &&
	 find . -printf "%p %y %m %s %T@ %l\n" | LC_ALL=C sort &&
	 find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r b2sum -l 256)
}

# state: what a refused command must leave exactly as it was.
state () {
	{ ls r/.jvs/descriptors r/.jvs/snapshots r/.jvs/manifests r/.jvs/intents r/.jvs/tmp &&
	  cat r/.jvs/worktrees/main/config.json r/.jvs/audit/audit.jsonl; } >"$1"
}

# refused CMD...: fails with exit 1, E_UNSUPPORTED_FILE naming the mount
# point, and changes nothing (files, metadata, runtime state).
refused () {
	state state.before && tree_sum r/main >tree.before &&
	test_must_fail --exit=1 "$@" 2>err &&
	grep "E_UNSUPPORTED_FILE: .$mnt. is a mount point inside worktree" err &&
	grep "^hint: unmount it" err &&
	state state.after && tree_sum r/main >tree.after &&
	test_cmp state.before state.after &&
	test_cmp tree.before tree.after
}

test_expect_success MOUNT 'mount: setup: two snapshots, then a tmpfs mounted at main/mnt' '
	jvs init r >/dev/null &&
	mkdir r/main/mnt && echo under >r/main/mnt/f && echo a >r/main/a &&
	(cd r/main && jvs snapshot -q one) >id1 &&
	echo b >r/main/a &&
	(cd r/main && jvs snapshot -q two) >id2 &&
	mount -t tmpfs tmpfs "$mnt" &&
	echo other-fs >"$mnt/g"
'

test_expect_success MOUNT 'snapshot refuses up front, naming the mount point' '
	refused jvs -C r/main snapshot refused
'

test_expect_success MOUNT 'a mount point whose name has a space and a tab is named exactly' '
	umount "$mnt" &&
	sp="$TRASH_DIRECTORY/r/main/sp ace	tab" &&
	mkdir "$sp" &&
	mount -t tmpfs tmpfs "$sp" &&
	(cd r/main && test_must_fail --exit=1 jvs snapshot refused) 2>err &&
	# text output escapes the tab (Escaping in jvs(1))
	grep -F "E_UNSUPPORTED_FILE: '\''$TRASH_DIRECTORY/r/main/sp ace\\ttab'\'' is a mount point" err &&
	umount "$sp" && rmdir "$sp" &&
	mount -t tmpfs tmpfs "$mnt" &&
	echo other-fs >"$mnt/g"
'

test_expect_success MOUNT 'restore refuses up front and leaves no interrupted restore' '
	refused jvs -C r/main restore "$(cat id1)" &&
	refused jvs -C r/main restore --discard "$(cat id1)" &&
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success MOUNT 'worktree remove refuses, even with --force; no file of the mount is deleted' '
	refused jvs -C r worktree remove --force main &&
	test -f "$mnt/g" &&
	test_path_is_dir r/main
'

test_expect_success MOUNT 'fork reads only the snapshot: it works, without the mounted files' '
	(cd r && jvs worktree fork -q "$(cat ../id2)" f) &&
	test -f r/worktrees/f/mnt/f &&
	test_path_is_missing r/worktrees/f/mnt/g &&
	(cd r && jvs worktree remove -q f) &&
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success MOUNT 'a restore interrupted before the mount: doctor says it is blocked and why' '
	umount "$mnt" &&
	(cd r/main && JVS_FAULT=restore-after-checkout jvs restore -q "$(cat ../../id1)";
	 test $? = 99) &&
	mount -t tmpfs tmpfs "$mnt" &&
	(cd r && test_must_fail --exit=4 jvs doctor) >out &&
	grep "^error	restore_blocked	.*E_UNSUPPORTED_FILE: .$mnt. is a mount point.*	clean_intents\$" out
'

test_expect_success MOUNT 'its repair fails with the cause, not a bare E_INTERNAL' '
	(cd r && test_must_fail --exit=1 jvs doctor --repair-runtime) 2>err &&
	! grep "E_INTERNAL" err &&
	grep "E_UNSUPPORTED_FILE: cannot finish the interrupted restore (restore-main.json): .$mnt. is a mount point" err &&
	grep "^hint: unmount it" err &&
	test_path_is_file r/.jvs/intents/restore-main.json
'

test_expect_success MOUNT 'rerunning the restore says the same, and changes nothing' '
	refused jvs -C r/main restore "$(cat id1)"
'

test_expect_success MOUNT 'once unmounted, the repair finishes the restore' '
	umount "$mnt" &&
	(cd r && jvs doctor --repair-runtime) >out &&
	grep "^repaired	" out &&
	(cd r && jvs doctor --strict) >out &&
	grep "Repository is healthy" out &&
	echo a >expect && test_cmp expect r/main/a
'

test_expect_success MOUNT 'a file system mounted at worktrees/: fork refuses up front, naming it' '
	mount -t tmpfs tmpfs r/worktrees &&
	(cd r && test_must_fail --exit=1 jvs worktree fork -q "$(cat ../id2)" g) 2>err &&
	grep "E_UNSUPPORTED_FILE: .*/r/worktrees. is on another file system" err &&
	test_path_is_missing r/.jvs/worktrees/g &&
	ls r/.jvs/intents >intents && test_must_fail test -s intents &&
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out &&
	umount r/worktrees
'

test_expect_success MOUNT 'an interrupted remove whose files hold a mount since: reported, never deleted into' '
	(cd r && jvs worktree fork -q "$(cat ../id2)" w) &&
	(cd r && JVS_FAULT=remove-after-rename jvs worktree remove w; test $? = 99) &&
	test_path_is_dir r/.jvs-tmp-remove-w/mnt &&
	mount -t tmpfs tmpfs r/.jvs-tmp-remove-w/mnt &&
	echo precious >r/.jvs-tmp-remove-w/mnt/p &&
	(cd r && test_must_fail --exit=4 jvs doctor) >out &&
	grep "^error	remove_blocked	.*E_UNSUPPORTED_FILE: .*holds a mounted file system" out &&
	(cd r && test_must_fail --exit=1 jvs doctor --repair-runtime) 2>err &&
	grep "E_UNSUPPORTED_FILE: cannot finish the interrupted remove" err &&
	echo precious >expect && test_cmp expect r/.jvs-tmp-remove-w/mnt/p &&
	umount r/.jvs-tmp-remove-w/mnt &&
	(cd r && jvs doctor --repair-runtime) >out &&
	grep "Repository is healthy" out &&
	test_path_is_missing r/.jvs-tmp-remove-w
'

test_expect_success MOUNT 'a leftover holding a mount is reported, and clean_tmp does not delete into it' '
	mkdir -p r/.jvs-tmp-fork-x/m &&
	mount -t tmpfs tmpfs r/.jvs-tmp-fork-x/m &&
	echo precious >r/.jvs-tmp-fork-x/m/p &&
	(cd r && test_must_fail --exit=4 jvs doctor --repair-runtime) >out &&
	grep "^error	leftover_mounted	.*E_UNSUPPORTED_FILE" out &&
	echo precious >expect && test_cmp expect r/.jvs-tmp-fork-x/m/p &&
	umount r/.jvs-tmp-fork-x/m &&
	(cd r && jvs doctor --repair-runtime) >out &&
	grep "Repository is healthy" out &&
	test_path_is_missing r/.jvs-tmp-fork-x
'

test_done
