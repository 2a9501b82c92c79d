#!/bin/sh

test_description='jvs restore works in place: untouched entries keep their inodes, extras go, modes, symlinks, cwd survives'

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

# inodes: "path inode" of every entry below repo/main
inodes () {
	(cd repo/main && find . -mindepth 1 -printf "%p %i\n" | LC_ALL=C sort)
}

test_expect_success 'setup: a tree of 200 files' '
	jvs-init repo >/dev/null &&
	for d in 0 1 2 3 4 5 6 7 8 9; do
		mkdir -p repo/main/d$d/sub &&
		for f in 0 1 2 3 4 5 6 7 8 9; do
			echo "file $d $f" >repo/main/d$d/f$f &&
			echo "deep $d $f" >repo/main/d$d/sub/g$f || return 1
		done
	done &&
	mkdir repo/main/empty repo/main/empty2 &&
	mkdir -p repo/main/empty3/nested &&
	ln -s d0/f0 repo/main/link &&
	ln -s ../nowhere repo/main/dangling &&
	chmod 0750 repo/main/d1 &&
	chmod 0600 repo/main/d2/f2 &&
	touch -d "2020-01-02 03:04:05.123456789" repo/main/d3/f3 &&
	touch -h -d "2021-01-01 00:00:00" repo/main/link &&
	in_main jvs-snapshot -q base >idA &&
	echo changed >>repo/main/d5/f5 &&
	in_main jvs-snapshot -q "one file changed" >idB
'

test_expect_success 'restoring a snapshot that differs in one file writes only that file' '
	idA=$(cat idA) &&
	inodes >before &&
	in_main jvs-restore --json $idA >out &&
	test "$(json_field written <out)" = 1 &&
	test "$(json_field removed <out)" = 0 &&
	inodes >after &&
	test_must_fail --exit=1 diff before after >delta &&
	grep "d5/f5" delta &&
	test $(grep -c "^<" delta) = 1 &&
	same_as $idA &&
	no_leftovers
'

test_expect_success 'restoring the same snapshot again changes nothing' '
	inodes >before &&
	in_main jvs-restore --json $(cat idA) >out &&
	test "$(json_field written <out)" = 0 &&
	test "$(json_field removed <out)" = 0 &&
	inodes >after &&
	test_cmp before after
'

test_expect_success 'status after restore is clean, with and without the cache' '
	in_main jvs-status -q &&
	JVS_NO_CACHE=1 in_main jvs-status -q
'

test_expect_success 'extra files and directories are removed, deepest first' '
	mkdir -p repo/main/extra/deeper/deepest &&
	echo x >repo/main/extra/deeper/deepest/x &&
	echo y >repo/main/d4/extra-file &&
	ln -s d0 repo/main/extra-link &&
	mkdir repo/main/ro && echo r >repo/main/ro/r && chmod 0555 repo/main/ro &&
	in_main jvs-restore --discard --json $(cat idA) >out &&
	test "$(json_field removed <out)" = 8 &&
	test ! -e repo/main/extra &&
	test ! -e repo/main/d4/extra-file &&
	test ! -h repo/main/extra-link &&
	test ! -e repo/main/ro &&
	same_as $(cat idA)
'

test_expect_success 'directory modes are fixed, even read-only ones' '
	chmod 0700 repo/main/d1 &&
	chmod 0777 repo/main/d6 &&
	chmod 0555 repo/main/d7/sub &&
	in_main jvs-restore --discard $(cat idA) >/dev/null &&
	test "$(stat -c %a repo/main/d1)" = 750 &&
	test "$(stat -c %a repo/main/d6)" = 755 &&
	test "$(stat -c %a repo/main/d7/sub)" = 755 &&
	same_as $(cat idA)
'

test_expect_success 'a read-only directory whose content changed is restored' '
	echo edit >repo/main/d8/f8 &&
	echo new >repo/main/d8/newfile &&
	chmod 0555 repo/main/d8 &&
	in_main jvs-restore --discard $(cat idA) >/dev/null &&
	test "$(stat -c %a repo/main/d8)" = 755 &&
	test ! -e repo/main/d8/newfile &&
	same_as $(cat idA)
'

test_expect_success 'a mode-only change is fixed in place (same inode)' '
	ino=$(stat -c %i repo/main/d2/f2) &&
	chmod 0644 repo/main/d2/f2 &&
	in_main jvs-restore --discard $(cat idA) >/dev/null &&
	test "$(stat -c %a repo/main/d2/f2)" = 600 &&
	test $(stat -c %i repo/main/d2/f2) = $ino
'

test_expect_success 'an mtime-only change is fixed in place' '
	ino=$(stat -c %i repo/main/d3/f3) &&
	touch repo/main/d3/f3 &&
	in_main jvs-restore $(cat idA) >out &&
	! grep Saved out &&
	test "$(stat -c %y repo/main/d3/f3)" = "2020-01-02 03:04:05.123456789 +0000" &&
	test $(stat -c %i repo/main/d3/f3) = $ino
'

test_expect_success 'symlinks: retargeted, removed, replaced by files are restored' '
	rm repo/main/link && ln -s d9/f9 repo/main/link &&
	rm repo/main/dangling && echo "now a file" >repo/main/dangling &&
	in_main jvs-restore --discard $(cat idA) >/dev/null &&
	test "$(readlink repo/main/link)" = d0/f0 &&
	test "$(readlink repo/main/dangling)" = ../nowhere &&
	same_as $(cat idA)
'

test_expect_success 'type changes: file<->directory, directory<->symlink' '
	rm -rf repo/main/d0 && echo "was a dir" >repo/main/d0 &&
	rm repo/main/d1/f1 && mkdir -p repo/main/d1/f1/x && echo z >repo/main/d1/f1/x/z &&
	rm -rf repo/main/empty && ln -s d9 repo/main/empty &&
	rm repo/main/link && mkdir repo/main/link && echo l >repo/main/link/l &&
	in_main jvs-restore --discard $(cat idA) >/dev/null &&
	test -d repo/main/d0 && test -f repo/main/d1/f1 &&
	test -d repo/main/empty && ! test -h repo/main/empty &&
	test -h repo/main/link &&
	same_as $(cat idA)
'

test_expect_success 'a symlink where the snapshot has a directory is replaced, never followed' '
	mkdir outside &&
	echo precious >outside/keep &&
	rm -rf repo/main/d9 &&
	ln -s ../../outside repo/main/d9 &&
	in_main jvs-restore --discard $(cat idA) >/dev/null &&
	test -d repo/main/d9 && ! test -h repo/main/d9 &&
	test "$(ls outside)" = keep &&
	test "$(cat outside/keep)" = precious &&
	same_as $(cat idA)
'

test_expect_success 'empty directories are restored' '
	rm -rf repo/main/empty repo/main/empty2 repo/main/empty3 &&
	in_main jvs-restore --discard $(cat idA) >/dev/null &&
	test -d repo/main/empty && test -d repo/main/empty2 && test -d repo/main/empty3/nested &&
	same_as $(cat idA)
'

test_expect_success 'restored files are copies, never hard links to the snapshot' '
	idB=$(cat idB) &&
	in_main jvs-restore $idB >/dev/null &&
	test "$(stat -c %h repo/main/d5/f5)" = 1 &&
	test "$(stat -c %i repo/main/d5/f5)" != "$(stat -c %i repo/.jvs/snapshots/$idB/d5/f5)" &&
	echo "edit after restore" >>repo/main/d5/f5 &&
	! grep "edit after restore" repo/.jvs/snapshots/$idB/d5/f5 &&
	in_main jvs-restore --discard $idB >/dev/null
'

test_expect_success 'the worktree directory itself is never replaced' '
	ino=$(stat -c %i repo/main) &&
	in_main jvs-restore $(cat idA) >/dev/null &&
	in_main jvs-restore HEAD >/dev/null &&
	test $(stat -c %i repo/main) = $ino
'

test_expect_success 'a shell sitting in the worktree keeps working across a restore' '
	idA=$(cat idA) &&
	sh -c "cd repo/main && jvs-restore $idA && ls && echo edit >>d5/f5 && cat d5/f5" >out 2>err &&
	grep "^Restored main to $idA" out &&
	grep "^d0\$" out &&
	grep "^edit\$" out &&
	grep "^edit\$" repo/main/d5/f5 &&
	in_main jvs-restore --discard HEAD >/dev/null
'

test_expect_success 'the same through the jvs dispatcher, as the issue puts it' '
	idA=$(cat idA) &&
	sh -c "cd repo/main && jvs restore $idA && ls && echo edit >> d5/f5 && cat d5/f5" >out 2>err &&
	grep "^Restored main to $idA" out &&
	grep "^d0\$" out &&
	grep "^edit\$" out &&
	in_main jvs-restore --discard HEAD >/dev/null
'

test_expect_success 'a restore from a subdirectory of the worktree works' '
	idA=$(cat idA) &&
	(cd repo/main/d4/sub && jvs-restore $idA) >out &&
	grep Restored out &&
	same_as $(cat idA) &&
	in_main jvs-restore HEAD >/dev/null
'

test_expect_success 'restore of a snapshot with special names (tab, newline, backslash, leading dash)' '
	printf x >"repo/main/$(printf "tab\there")" &&
	printf y >"repo/main/$(printf "new\nline")" &&
	printf z >"repo/main/back\\slash" &&
	printf w >repo/main/-dash &&
	in_main jvs-snapshot -q odd >idC &&
	in_main jvs-restore $(cat idA) >/dev/null &&
	test ! -e "repo/main/back\\slash" &&
	in_main jvs-restore $(cat idC) >/dev/null &&
	test "$(cat "repo/main/$(printf "new\nline")")" = y &&
	same_as $(cat idC)
'

test_done
