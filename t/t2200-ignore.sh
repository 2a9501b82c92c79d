#!/bin/sh

test_description='ignore rules: .jvsignore, CACHEDIR.TAG, .jvs/ignore; snapshot, status, diff, restore, fork and check-ignore'

. "$(dirname "$0")/test-lib.sh"

in_main () {
	(cd repo/main && "$@")
}

# manifest ID: the paths of a snapshot's manifest, one a line
manifest_paths () {
	cut -f2 "repo/.jvs/manifests/$1"
}

json_field () {
	python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(v if isinstance(v, str) or v is None else json.dumps(v))' "$1"
}

tag='Signature: 8a477f597d28d172789f06886806bc55'

test_expect_success 'setup: nested .jvsignore files, a negation, a build directory' '
	jvs-init repo >/dev/null &&
	mkdir -p repo/main/build/obj repo/main/src/gen repo/main/logs &&
	printf "# top-level rules\n*.log\n!keep.log\n/build/\nsrc/gen/*.o\n" >repo/main/.jvsignore &&
	printf "*.tmp\n!important.tmp\n" >repo/main/src/.jvsignore &&
	echo code >repo/main/src/main.c &&
	echo t >repo/main/src/scratch.tmp &&
	echo i >repo/main/src/important.tmp &&
	echo o >repo/main/src/gen/x.o &&
	echo h >repo/main/src/gen/x.h &&
	echo l >repo/main/run.log &&
	echo k >repo/main/keep.log &&
	echo l >repo/main/logs/deep.log &&
	echo b >repo/main/build/obj/a.o &&
	echo r >repo/main/README
'

test_expect_success 'snapshot leaves ignored paths out and keeps the .jvsignore files' '
	in_main jvs-snapshot --json one >out &&
	id=$(json_field snapshot_id <out) &&
	echo "$id" >id1 &&
	manifest_paths "$id" >actual &&
	printf "%s\n" .jvsignore README keep.log logs src src/.jvsignore src/gen \
		src/gen/x.h src/important.tmp src/main.c >expect &&
	test_cmp expect actual &&
	test ! -e "repo/.jvs/snapshots/$id/build" &&
	test ! -e "repo/.jvs/snapshots/$id/run.log"
'

test_expect_success 'ignored_count is in the descriptor and in history --json' '
	id=$(cat id1) &&
	grep "\"ignored_count\": 5" "repo/.jvs/descriptors/$id.json" &&
	in_main jvs-history --json >out &&
	grep "\"ignored_count\": 5" out &&
	in_main jvs-verify "$id"
'

test_expect_success 'status and diff do not show ignored paths' '
	echo more >>repo/main/run.log &&
	echo new >repo/main/new.log &&
	echo z >repo/main/build/obj/z.o &&
	in_main jvs-status >out &&
	grep "^Clean" out &&
	in_main jvs-status -q &&
	in_main jvs-diff "$(cat id1)" >out &&
	! grep -e "\.log" -e build out &&
	echo change >repo/main/README &&
	in_main jvs-status >out &&
	printf "M\tREADME\n" >expect &&
	grep "^[AMD]	" out >actual &&
	test_cmp expect actual
'

test_expect_success 'a file under an excluded directory cannot be re-included' '
	printf "/vendor/\n!/vendor/keep.txt\n" >>repo/main/.jvsignore &&
	mkdir -p repo/main/vendor &&
	echo v >repo/main/vendor/keep.txt &&
	in_main jvs-snapshot -q two >/dev/null &&
	id=$(in_main jvs-history --format id | head -n1) &&
	! manifest_paths "$id" | grep vendor &&
	in_main jvs-check-ignore -v vendor/keep.txt >out &&
	printf ".jvsignore:6:/vendor/\tvendor/keep.txt\n" >expect &&
	test_cmp expect out
'

test_expect_success 'CACHEDIR.TAG: a valid tag keeps the directory and the tag only' '
	mkdir -p repo/main/cache/sub repo/main/notcache &&
	echo "$tag" >repo/main/cache/CACHEDIR.TAG &&
	echo "# extra lines after the signature are fine" >>repo/main/cache/CACHEDIR.TAG &&
	echo c >repo/main/cache/blob &&
	echo c >repo/main/cache/sub/blob &&
	echo "Signature: not the right one" >repo/main/notcache/CACHEDIR.TAG &&
	echo n >repo/main/notcache/blob &&
	in_main jvs-snapshot --json three >out &&
	id=$(json_field snapshot_id <out) &&
	manifest_paths "$id" | grep -e cache >actual &&
	printf "%s\n" cache cache/CACHEDIR.TAG notcache notcache/CACHEDIR.TAG notcache/blob >expect &&
	test_cmp expect actual &&
	in_main jvs-check-ignore -v cache/blob cache/sub/blob >out &&
	printf "cache/CACHEDIR.TAG:1:%s\tcache/blob\ncache/CACHEDIR.TAG:1:%s\tcache/sub/blob\n" \
		"$tag" "$tag" >expect &&
	test_cmp expect out &&
	test_must_fail --exit=1 in_main jvs-check-ignore cache/CACHEDIR.TAG notcache/blob
'

test_expect_success '.jvs/ignore: machine-local rules, not snapshotted' '
	echo "/local-only/" >repo/.jvs/ignore &&
	mkdir repo/main/local-only &&
	echo x >repo/main/local-only/f &&
	in_main jvs-status -q &&
	in_main jvs-check-ignore -v local-only/f >out &&
	printf ".jvs/ignore:1:/local-only/\tlocal-only/f\n" >expect &&
	test_cmp expect out &&
	in_main jvs-snapshot --json four >out &&
	id=$(json_field snapshot_id <out) &&
	! manifest_paths "$id" | grep -e local-only -e "^\.jvs/"
'

test_expect_success '.jvs/ignore that is a symlink or a directory is refused' '
	mv repo/.jvs/ignore repo/real-ignore &&
	ln -s ../real-ignore repo/.jvs/ignore &&
	test_must_fail --exit=2 in_main jvs-snapshot x 2>err &&
	grep "E_PATH_ESCAPE: .*\.jvs/ignore" err &&
	test_must_fail --exit=2 in_main jvs-status 2>err &&
	grep E_PATH_ESCAPE err &&
	rm repo/.jvs/ignore &&
	mkdir repo/.jvs/ignore &&
	test_must_fail --exit=2 in_main jvs-check-ignore x 2>err &&
	grep "E_PATH_ESCAPE: .*not a regular file" err &&
	rmdir repo/.jvs/ignore &&
	mv repo/real-ignore repo/.jvs/ignore
'

test_expect_success 'ignored FIFO and socket do not stop a snapshot' '
	printf "*.fifo\nsockets/\n" >>repo/.jvs/ignore &&
	mkfifo repo/main/src/gen/p.fifo &&
	mkdir repo/main/src/gen/sockets &&
	python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"repo/main/src/gen/sockets/s\")" &&
	in_main jvs-snapshot -q five >/dev/null &&
	in_main jvs-status -q
'

test_expect_success 'a special file that is not ignored fails, the hint names .jvsignore' '
	mkfifo repo/main/src/gen/pipe &&
	test_must_fail --exit=1 in_main jvs-snapshot six 2>err &&
	grep "E_UNSUPPORTED_FILE: .*src/gen/pipe" err &&
	grep "^hint: .*\.jvsignore" err &&
	rm repo/main/src/gen/pipe
'

test_expect_success 'restore leaves ignored files alone: not deleted, not overwritten' '
	in_main jvs-snapshot -q seven >/dev/null &&
	echo precious >repo/main/run.log &&
	echo precious >repo/main/build/obj/a.o &&
	mkdir -p repo/main/extra &&
	echo e >repo/main/extra/e.log &&
	in_main jvs-restore "$(cat id1)" >/dev/null &&
	test "$(cat repo/main/run.log)" = precious &&
	test "$(cat repo/main/build/obj/a.o)" = precious &&
	test -f repo/main/build/obj/z.o &&
	test -f repo/main/extra/e.log &&
	test -p repo/main/src/gen/p.fifo &&
	test -S repo/main/src/gen/sockets/s &&
	test -f repo/main/local-only/f &&
	test ! -e repo/main/cache/CACHEDIR.TAG &&
	in_main jvs-restore HEAD >/dev/null &&
	test -f repo/main/cache/CACHEDIR.TAG
'

test_expect_success 'restore keeps the mode of an ignored read-only directory' '
	mkdir -p repo/main/build/ro &&
	echo x >repo/main/build/ro/f &&
	chmod 555 repo/main/build/ro &&
	chmod 555 repo/main/build &&
	in_main jvs-restore "$(cat id1)" >/dev/null &&
	test "$(stat -c %a repo/main/build)" = 555 &&
	in_main jvs-restore HEAD >/dev/null &&
	test "$(stat -c %a repo/main/build)" = 555 &&
	chmod 755 repo/main/build repo/main/build/ro
'

test_expect_success 'restore refuses to replace an ignored directory by a snapshot file' '
	echo "/clash" >repo/main/extra.txt &&
	echo file >repo/main/clash &&
	in_main jvs-snapshot -q clash-file >/dev/null &&
	idc=$(in_main jvs-history --format id | head -n1) &&
	rm repo/main/clash repo/main/extra.txt &&
	in_main jvs-snapshot -q no-clash >/dev/null &&
	printf "/clash/\n" >>repo/.jvs/ignore &&
	mkdir repo/main/clash && echo keep >repo/main/clash/data &&
	test_must_fail --exit=5 in_main jvs-restore "$idc" 2>err &&
	grep "E_DIRTY: .clash. is an ignored directory" err &&
	test "$(cat repo/main/clash/data)" = keep &&
	rm -r repo/main/clash &&
	sed -i "/clash/d" repo/.jvs/ignore
'

test_expect_success 'restore brings back a snapshot file that a rule now matches' '
	echo "README" >>repo/main/.jvsignore &&
	in_main jvs-snapshot -q eight >/dev/null &&
	id8=$(in_main jvs-history --format id | head -n1) &&
	! manifest_paths "$id8" | grep "^README\$" &&
	echo local >repo/main/README &&
	in_main jvs-restore "$(cat id1)" >/dev/null &&
	test "$(cat repo/main/README)" = r &&
	in_main jvs-restore HEAD >/dev/null &&
	test ! -e repo/main/README
'

test_expect_success 'an autosave leaves ignored paths out too' '
	echo dirty >repo/main/tracked.txt &&
	echo x >repo/main/autosave.log &&
	in_main jvs-restore "$(cat id1)" >out 2>&1 &&
	grep "autosave" out &&
	ida=$(in_main jvs-history --tag autosave --format id | head -n1) &&
	manifest_paths "$ida" >paths &&
	grep -x tracked.txt paths &&
	! grep -x -e autosave.log -e run.log -e build paths &&
	grep "\"ignored_count\": [1-9]" "repo/.jvs/descriptors/$ida.json" &&
	test -f repo/main/autosave.log &&
	in_main jvs-restore HEAD >/dev/null
'

test_expect_success 'fork copies no ignored path' '
	in_main jvs-worktree-fork forked >/dev/null &&
	test -f repo/worktrees/forked/src/main.c &&
	test -f repo/worktrees/forked/.jvsignore &&
	test ! -e repo/worktrees/forked/run.log &&
	test ! -e repo/worktrees/forked/build &&
	test ! -e repo/worktrees/forked/local-only &&
	test -f repo/worktrees/forked/cache/CACHEDIR.TAG &&
	test ! -e repo/worktrees/forked/cache/blob &&
	(cd repo/worktrees/forked && jvs-status -q)
'

test_expect_success 'a snapshot that leaves nothing out has no ignored_count' '
	(cd repo/worktrees/forked && jvs-snapshot --json forked-one) >out &&
	! grep ignored_count out &&
	id=$(json_field snapshot_id <out) &&
	! grep ignored_count "repo/.jvs/descriptors/$id.json"
'

test_expect_success 'status shows a snapshot file that a rule now matches as deleted' '
	(cd repo/worktrees/forked && echo "/.jvsignore" >>.jvsignore &&
	 jvs-status >../../../out) &&
	printf "D\t.jvsignore\n" >expect &&
	grep "^[AMD]	" out >actual &&
	test_cmp expect actual
'

test_expect_success 'check-ignore: output, exit codes, paths relative to the current directory' '
	in_main jvs-check-ignore run.log README keep.log src/main.c build >out &&
	printf "run.log\nREADME\nbuild\n" >expect &&
	test_cmp expect out &&
	test_must_fail --exit=1 in_main jvs-check-ignore keep.log src/main.c >out &&
	test ! -s out &&
	(cd repo/main/src && jvs-check-ignore -v scratch.tmp important.tmp ../run.log gen/x.o nope/) >out &&
	printf "src/.jvsignore:1:*.tmp\tscratch.tmp\n.jvsignore:2:*.log\t../run.log\n.jvsignore:5:src/gen/*.o\tgen/x.o\n" >expect &&
	test_cmp expect out &&
	(cd repo/main/src && jvs check-ignore scratch.tmp) >out &&
	echo scratch.tmp >expect &&
	test_cmp expect out &&
	in_main jvs-check-ignore -q run.log >out &&
	test ! -s out &&
	test_must_fail --exit=1 in_main jvs-check-ignore -q keep.log
'

test_expect_success 'check-ignore: a directory-only rule and a path that does not exist' '
	in_main jvs-check-ignore newdir/ build/missing/deeper >out &&
	echo build/missing/deeper >expect &&
	test_cmp expect out &&
	printf "/only-dirs/\n" >>repo/main/.jvsignore &&
	in_main jvs-check-ignore only-dirs/ >out &&
	echo only-dirs/ >expect &&
	test_cmp expect out &&
	test_must_fail --exit=1 in_main jvs-check-ignore only-dirs
'

test_expect_success 'check-ignore --json' '
	(cd repo/main/src && jvs-check-ignore --json scratch.tmp important.tmp main.c) >out &&
	python3 -c "
import json, sys
p = json.load(open(\"out\"))[\"paths\"]
assert [x[\"ignored\"] for x in p] == [True, False, False], p
assert p[0][\"worktree_path\"] == \"src/scratch.tmp\" and p[0][\"source\"] == \"src/.jvsignore\"
assert p[0][\"line\"] == 1 and p[0][\"pattern\"] == \"*.tmp\"
assert p[1][\"pattern\"] == \"!important.tmp\" and p[1][\"line\"] == 2
assert p[2][\"source\"] is None and p[2][\"line\"] is None
" &&
	test_must_fail --exit=1 in_main jvs-check-ignore --json keep.log >out &&
	grep "\"ignored\": false" out
'

test_expect_success 'check-ignore: a path outside the worktree is E_PATH_ESCAPE; no PATH is usage' '
	test_must_fail --exit=2 in_main jvs-check-ignore run.log ../outside 2>err >out &&
	grep "E_PATH_ESCAPE: .*outside" err &&
	test ! -s out &&
	test_must_fail --exit=2 in_main jvs-check-ignore /etc/passwd 2>err &&
	grep E_PATH_ESCAPE err &&
	test_must_fail --exit=2 in_main jvs-check-ignore 2>err &&
	grep "^usage: jvs-check-ignore " err
'

test_expect_success 'check-ignore escapes control bytes in what it prints' '
	nl=$(printf "a\nb.log") &&
	in_main jvs-check-ignore -v "$nl" >out &&
	printf ".jvsignore:2:*.log\ta\\\\nb.log\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the parallel walk (as on FUSE) applies the same rules' '
	rm -rf pw && cp -a repo pw &&
	(cd pw/main && jvs status --json) >serial.json &&
	(cd pw/main && JVS_WALK_THREADS=4 jvs status --json) >parallel.json &&
	test_cmp serial.json parallel.json &&
	(cd pw/main && echo new >src/more.tmp && echo n >fresh.c &&
	 JVS_WALK_THREADS=4 jvs snapshot -q parallel) >pid &&
	cut -f2 "pw/.jvs/manifests/$(cat pid)" >paths &&
	grep "^fresh.c\$" paths &&
	! grep -e "more.tmp" -e "run.log" -e "^build/" -e "scratch.tmp" paths &&
	grep "^keep.log\$" paths &&
	(cd pw/main && JVS_WALK_THREADS=4 jvs status -q)
'

test_done
