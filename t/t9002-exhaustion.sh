#!/bin/sh

test_description='resource exhaustion: a full disk and a read-only repository

On a small loop-mounted ext4, a snapshot that runs out of space fails with
E_IO naming the lack of space and a hint, publishes nothing and leaves no
leftovers, and the repository stays healthy. Remounted read-only, writes
fail clearly while history, info, verify and status still work.'

. "$(dirname "$0")/test-lib.sh"

mnt=$TRASH_DIRECTORY/mnt
if [ "$(id -u)" != 0 ]; then
	test_skip_all 'needs root to loop-mount a small ext4 image'
fi
if ! command -v mkfs.ext4 >/dev/null 2>&1; then
	test_skip_all 'mkfs.ext4 is not installed'
fi
truncate -s 20M "$TRASH_DIRECTORY/img" && mkfs.ext4 -q "$TRASH_DIRECTORY/img" &&
mkdir "$mnt" || test_skip_all 'cannot make an ext4 image'
if ! mount -o loop "$TRASH_DIRECTORY/img" "$mnt" 2>/dev/null; then
	rmdir "$mnt"
	test_skip_all 'loop mounts are not permitted here'
fi
# Unmounted at the end (also when a test fails), before the trash goes.
trap 'cd / && umount "$mnt" 2>/dev/null' EXIT

# leftovers REPO: runtime debris a failed snapshot must not leave behind.
leftovers () {
	find "$1/.jvs/tmp" "$1/.jvs/intents" -mindepth 1 &&
	find "$1/.jvs/snapshots" "$1/.jvs/manifests" "$1/.jvs/descriptors" \
		-maxdepth 1 -name "*.tmp*"
}

test_expect_success 'setup: a repository on a 20 MB filesystem, one snapshot' '
	jvs init "$mnt/r" >/dev/null &&
	head -c 7000000 /dev/urandom >"$mnt/r/main/big" &&
	echo small >"$mnt/r/main/small" &&
	(cd "$mnt/r/main" && jvs snapshot -q first) >id1 &&
	(cd "$mnt/r/main" && jvs history --all) >history.before
'

test_expect_success 'a snapshot that runs out of space fails cleanly' '
	head -c 7000000 /dev/urandom | dd of="$mnt/r/main/big" conv=notrunc 2>/dev/null &&
	test_must_fail --exit=1 jvs -C "$mnt/r/main" snapshot -q second >out 2>err &&
	cat err &&
	grep "E_IO" err &&
	grep -i "no space left on device" err &&
	grep "^hint: " err &&
	(cd "$mnt/r/main" && jvs history --all) >history.after &&
	test_cmp history.before history.after &&
	ls "$mnt/r/.jvs/descriptors" >descs &&
	test_line_count = 1 descs &&
	leftovers "$mnt/r" >left &&
	test_line_count = 0 left &&
	jvs -C "$mnt/r" doctor --strict >out &&
	grep "Repository is healthy" out &&
	jvs -C "$mnt/r" verify --all
'

test_expect_success 'after freeing space the next snapshot works' '
	rm -f "$mnt/r/main/small" &&
	head -c 100 /dev/urandom >"$mnt/r/main/big" &&
	(cd "$mnt/r/main" && jvs snapshot -q third) >id3 &&
	jvs -C "$mnt/r" verify --all
'

test_expect_success 'read-only: writes fail clearly, reads work' '
	mount -o remount,ro "$mnt" &&
	test_when_finished "mount -o remount,rw \"$mnt\"" &&
	(cd "$mnt/r/main" && jvs history --all) >out &&
	grep "$(cut -c15- id3)" out &&
	jvs -C "$mnt/r" info >out &&
	jvs -C "$mnt/r" verify --all >out &&
	(cd "$mnt/r/main" && jvs status) >out &&
	test_must_fail --exit=1 jvs -C "$mnt/r/main" snapshot -q ro 2>err &&
	grep "E_IO" err && grep -i "read-only file system" err &&
	test_must_fail jvs -C "$mnt/r/main" restore --discard "$(cat id1)" 2>err &&
	grep -i "read-only file system" err &&
	test_must_fail jvs -C "$mnt/r" worktree fork "$(cat id1)" other 2>err &&
	grep -i "read-only file system" err
'

test_expect_success 'read-write again: healthy' '
	jvs -C "$mnt/r" doctor --strict >out &&
	grep "Repository is healthy" out
'

# The trash (and the image in it) goes in test_done: unmount first.
cd "$TRASH_DIRECTORY" && umount "$mnt" && rmdir "$mnt"

test_done
