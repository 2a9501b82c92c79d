#!/bin/sh

test_description='no operation gets stuck: mount points inside a worktree

A file system mounted inside a worktree (here a tmpfs) is a boundary JVS
does not cross: snapshot, restore and worktree remove (even --force) refuse
up front with E_UNSUPPORTED_FILE naming the mount point, before anything is
changed, so no interrupted operation is left behind. fork reads only the
snapshot and works. A restore interrupted before the mount appeared is
reported by doctor as restore_blocked (an error with the class and the
mount point), its repair fails with that detail (never a bare
"E_INTERNAL: failed"), and heals once the file system is unmounted.'

. "$(dirname "$0")/test-lib.sh"

if [ "$(id -u)" != 0 ]; then
	test_skip_all 'needs root to mount a tmpfs inside a worktree'
fi
mkdir probe && mount -t tmpfs tmpfs probe 2>probe.err ||
	test_skip_all "cannot mount a tmpfs here: $(cat probe.err)"
umount probe
mnt=$TRASH_DIRECTORY/r/main/mnt
# Unmounted at the end (also when a test fails), before the trash goes.
trap 'cd / && umount "$mnt" 2>/dev/null; umount "$TRASH_DIRECTORY/r/worktrees" 2>/dev/null' EXIT

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

test_expect_success 'setup: two snapshots, then a tmpfs mounted at main/mnt' '
	jvs init r >/dev/null &&
	mkdir r/main/mnt && echo under >r/main/mnt/f && echo a >r/main/a &&
	(cd r/main && jvs snapshot -q one) >id1 &&
	echo b >r/main/a &&
	(cd r/main && jvs snapshot -q two) >id2 &&
	mount -t tmpfs tmpfs "$mnt" &&
	echo other-fs >"$mnt/g"
'

test_expect_success 'snapshot refuses up front, naming the mount point' '
	refused jvs -C r/main snapshot refused
'

test_expect_success 'restore refuses up front and leaves no interrupted restore' '
	refused jvs -C r/main restore "$(cat id1)" &&
	refused jvs -C r/main restore --discard "$(cat id1)" &&
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success 'worktree remove refuses, even with --force; no file of the mount is deleted' '
	refused jvs -C r worktree remove --force main &&
	test -f "$mnt/g" &&
	test_path_is_dir r/main
'

test_expect_success 'fork reads only the snapshot: it works, without the mounted files' '
	(cd r && jvs worktree fork -q "$(cat ../id2)" f) &&
	test -f r/worktrees/f/mnt/f &&
	test_path_is_missing r/worktrees/f/mnt/g &&
	(cd r && jvs worktree remove -q f) &&
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success 'a restore interrupted before the mount: doctor says it is blocked and why' '
	umount "$mnt" &&
	(cd r/main && JVS_FAULT=restore-after-checkout jvs restore -q "$(cat ../../id1)";
	 test $? = 99) &&
	mount -t tmpfs tmpfs "$mnt" &&
	(cd r && test_must_fail --exit=4 jvs doctor) >out &&
	grep "^error	restore_blocked	.*E_UNSUPPORTED_FILE: .$mnt. is a mount point.*	clean_intents\$" out
'

test_expect_success 'its repair fails with the cause, not a bare E_INTERNAL' '
	(cd r && test_must_fail --exit=1 jvs doctor --repair-runtime) 2>err &&
	! grep "E_INTERNAL" err &&
	grep "E_UNSUPPORTED_FILE: cannot finish the interrupted restore (restore-main.json): .$mnt. is a mount point" err &&
	grep "^hint: unmount it" err &&
	test_path_is_file r/.jvs/intents/restore-main.json
'

test_expect_success 'rerunning the restore says the same, and changes nothing' '
	refused jvs -C r/main restore "$(cat id1)"
'

test_expect_success 'once unmounted, the repair finishes the restore' '
	umount "$mnt" &&
	(cd r && jvs doctor --repair-runtime) >out &&
	grep "^repaired	" out &&
	(cd r && jvs doctor --strict) >out &&
	grep "Repository is healthy" out &&
	echo a >expect && test_cmp expect r/main/a
'

test_expect_success 'a file system mounted at worktrees/: fork refuses up front, naming it' '
	mount -t tmpfs tmpfs r/worktrees &&
	(cd r && test_must_fail --exit=1 jvs worktree fork -q "$(cat ../id2)" g) 2>err &&
	grep "E_UNSUPPORTED_FILE: .*/r/worktrees. is on another file system" err &&
	test_path_is_missing r/.jvs/worktrees/g &&
	ls r/.jvs/intents >intents && test_must_fail test -s intents &&
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out &&
	umount r/worktrees
'

test_done
