#!/bin/sh

test_description='btrfs-subvolume engine on a real btrfs loop image: payload roots are subvolumes, snapshots read-only subvolume snapshots, forks writable ones, gc destroys them; restore clones files (FICLONE)'

. "$(dirname "$0")/test-lib.sh"

COW_FS=btrfs
COW_MKFS="mkfs.btrfs -q"
COW_ENGINE=btrfs-subvolume
COW_FALLBACK=reflink-copy

subvol_ro () {
	btrfs property get "$1" ro 2>/dev/null
}

cow_extra_tests () {
	test_have_prereq BTRFS_TOOL || return 0

	test_expect_success 'main, snapshots and forks are subvolumes; snapshots read-only' '
		test "$(stat -c %i "$R/main")" = 256 &&
		test "$(stat -c %i "$R/worktrees/exp")" = 256 &&
		# each snapshot taken with the btrfs engine (the one asked to use
		# juicefs-clone fell back to reflink-copy: a plain directory)
		for d in "$R"/.jvs/snapshots/*; do
			case $d in *.READY) continue ;; esac &&
			grep -q "\"engine\": *\"btrfs-subvolume\"" \
				"$R/.jvs/descriptors/${d##*/}.json" || continue
			echo "$d" >>"$T/subvol-snapshots" &&
			test "$(stat -c %i "$d")" = 256 &&
			test "$(subvol_ro "$d")" = ro=true || return 1
		done &&
		test_line_count -ge 3 "$T/subvol-snapshots" &&
		test "$(subvol_ro "$R/worktrees/exp")" = ro=false &&
		grep "\"engine\": *\"btrfs-subvolume\"" "$R/.jvs/descriptors/$(cat "$T/one").json"
	'

	test_expect_success 'a worktree with ignored paths is snapshotted per file, without them' '
		cd "$R/main" &&
		echo "*.cache" >.jvsignore &&
		echo c >x.cache &&
		jvs snapshot --json ignoring >"$T/out" &&
		id=$(sed -n "s/^  \"snapshot_id\": \"\(.*\)\",\$/\1/p" "$T/out") &&
		grep "\"engine\": *\"reflink-copy\"" "$R/.jvs/descriptors/$id.json" &&
		grep "ignored paths, used reflink-copy" "$R/.jvs/descriptors/$id.json" &&
		grep "\"ignored_count\": 1" "$R/.jvs/descriptors/$id.json" &&
		test_path_is_missing "$R/.jvs/snapshots/$id/x.cache" &&
		jvs verify "$id" &&
		rm .jvsignore x.cache
	'

	test_expect_success 'gc run and worktree remove destroy the subvolumes' '
		cd "$R/main" &&
		jvs worktree remove exp --force &&
		test_path_is_missing "$R/worktrees/exp" &&
		jvs gc plan --keep-last 1 >"$T/plan" &&
		grep "$(cut -c15- "$T/one")" "$T/plan" &&
		jvs gc run --plan-id "$(sed -n "s/^Plan ID: //p" "$T/plan")" &&
		test_path_is_missing "$R/.jvs/snapshots/$(cat "$T/one")" &&
		btrfs subvolume list "$M" >"$T/subvols" &&
		! grep "$(cat "$T/one")" "$T/subvols" &&
		jvs doctor --strict &&
		jvs verify --all >"$T/out" && ! grep FAIL "$T/out"
	'
}
command -v btrfs >/dev/null 2>&1 && test_set_prereq BTRFS_TOOL

. "$jvs_root/t/lib-cow-fs.sh"

test_done
