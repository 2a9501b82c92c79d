#!/bin/sh

test_description='file-hash cache: reuse, racy timestamps, missing/corrupt index, JVS_NO_CACHE'

. "$(dirname "$0")/test-lib.sh"

# snap [ARGS...]: snapshot of repo/main with stats; stderr kept in `err`
snap () {
	(cd repo/main && JVS_DEBUG_STATS=1 jvs-snapshot -q "$@") 2>err
}

# stat_val NAME: a number from the stats line in `err`
stat_val () {
	sed -n "s/^stats: .* $1=\([0-9][0-9]*\).*/\1/p; s/^stats: $1=\([0-9][0-9]*\).*/\1/p" err
}

# expect_stats HASHED LINKED: checks the last snapshot's counters
expect_stats () {
	grep "^stats: " err >/dev/null || { cat err; false; } &&
	test "$(stat_val hashed)" = "$1" || { echo "hashed=$(stat_val hashed), want $1"; false; } &&
	if test -n "$2"
	then
		test "$(stat_val linked)" = "$2" ||
			{ echo "linked=$(stat_val linked), want $2"; false; }
	fi
}

# past_racy_window: lets the coarse clock move past the newest mtime
past_racy_window () {
	sleep 0.1
}

test_expect_success 'setup: a tree of 50 files' '
	jvs-init repo >/dev/null &&
	mkdir -p repo/main/a repo/main/b/c &&
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 \
		 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 \
		 41 42 43 44 45 46 47 48 49 50
	do
		case $i in
		1*) d=a ;;
		2*) d=b/c ;;
		*) d=. ;;
		esac &&
		echo "file $i" >repo/main/$d/f$i || echo $i >>failed
	done &&
	test ! -e failed &&
	test $(find repo/main -type f | wc -l) -eq 50 &&
	past_racy_window
'

test_expect_success 'first snapshot hashes all 50 files' '
	snap first &&
	expect_stats 50 0 &&
	test "$(stat_val copied)" = 50 &&
	test "$(stat_val cache_hits)" = 0
'

test_expect_success 'after one change, exactly one file is hashed and 49 linked' '
	past_racy_window &&
	echo "changed" >repo/main/a/f15 &&
	past_racy_window &&
	snap second &&
	expect_stats 1 49 &&
	test "$(stat_val copied)" = 1 &&
	test "$(stat_val cache_hits)" = 49
'

test_expect_success 'an unchanged tree hashes nothing' '
	snap third &&
	expect_stats 0 50 &&
	test "$(stat_val copied)" = 0
'

test_expect_success 'cached hashes are right: manifest matches b2sum' '
	id=$(jvs-history -C repo/main --format id --limit 1) &&
	(cd repo/main && find . -type f | sed "s|^\./||" | LC_ALL=C sort | xargs b2sum -l 256) |
		sed "s/  / /" >expect &&
	awk -F "\t" "\$1 == \"file\" { print \$5, \$2 }" repo/.jvs/manifests/$id >actual &&
	test_cmp expect actual
'

test_expect_success 'racy case: a file with a future mtime is re-hashed every time' '
	echo "from the future" >repo/main/future &&
	touch -d "+1 hour" repo/main/future &&
	past_racy_window &&
	snap &&
	expect_stats 1 &&
	snap &&
	expect_stats 1 50 &&
	snap &&
	expect_stats 1 50
'

test_expect_success 'a changed file of the same size and mtime is detected (ctime)' '
	cp -p repo/main/f40 ref &&
	printf "FILE 40\n" >repo/main/f40 &&
	test $(stat -c %s ref) -eq $(stat -c %s repo/main/f40) &&
	touch -r ref repo/main/f40 &&
	test $(stat -c %Y ref) -eq $(stat -c %Y repo/main/f40) &&
	past_racy_window &&
	id=$(snap) &&
	expect_stats 2 49 &&
	echo "FILE 40" >expect &&
	test_cmp expect repo/.jvs/snapshots/$id/f40 &&
	h=$(b2sum -l 256 repo/main/f40 | cut -d " " -f 1) &&
	grep "^file	f40	0644	8	$h\$" repo/.jvs/manifests/$id
'

test_expect_success 'a file replaced by one with the same size and mtime is detected (inode)' '
	printf "file 4x\n" >new41 &&
	touch -r repo/main/f41 new41 &&
	mv new41 repo/main/f41 &&
	past_racy_window &&
	id=$(snap) &&
	expect_stats 2 49 &&
	echo "file 4x" >expect &&
	test_cmp expect repo/.jvs/snapshots/$id/f41
'

test_expect_success 'a mode-only change is recorded and not linked from the parent' '
	chmod 0600 repo/main/f42 &&
	past_racy_window &&
	id=$(snap) &&
	test "$(stat -c %a repo/.jvs/snapshots/$id/f42)" = 600 &&
	grep "^file	f42	0600	" repo/.jvs/manifests/$id
'

test_expect_success 'deleting index.sqlite changes no output of history and info' '
	(cd repo/main && jvs-history) >h1 &&
	(cd repo/main && jvs-history --all --format tsv) >t1 &&
	(cd repo/main && jvs-history --json) >j1 &&
	(cd repo/main && jvs-info) >i1 &&
	(cd repo && jvs-info --json) >ij1 &&
	test -f repo/.jvs/index.sqlite &&
	rm -f repo/.jvs/index.sqlite &&
	(cd repo/main && jvs-history) >h2 &&
	(cd repo/main && jvs-history --all --format tsv) >t2 &&
	(cd repo/main && jvs-history --json) >j2 &&
	(cd repo/main && jvs-info) >i2 &&
	(cd repo && jvs-info --json) >ij2 &&
	test_cmp h1 h2 &&
	test_cmp t1 t2 &&
	test_cmp j1 j2 &&
	test_cmp i1 i2 &&
	test_cmp ij1 ij2
'

test_expect_success 'the next snapshot works without the index and re-hashes everything' '
	rm -f repo/.jvs/index.sqlite &&
	past_racy_window &&
	snap &&
	expect_stats 51 &&
	test "$(stat_val cache_hits)" = 0 &&
	test -f repo/.jvs/index.sqlite &&
	past_racy_window &&
	snap &&
	expect_stats 1 50
'

test_expect_success 'a corrupt index (garbage) is rebuilt silently' '
	echo "this is not a database" >repo/.jvs/index.sqlite &&
	snap &&
	! grep -v "^stats: " err &&
	expect_stats 51 &&
	test "$(head -c 15 repo/.jvs/index.sqlite)" = "SQLite format 3" &&
	past_racy_window &&
	snap &&
	expect_stats 1 50
'

test_expect_success 'a corrupt index (valid header, garbage pages) is rebuilt silently' '
	head -c 100 repo/.jvs/index.sqlite >bad.sqlite &&
	head -c 8000 /dev/urandom >>bad.sqlite &&
	cp bad.sqlite repo/.jvs/index.sqlite &&
	snap &&
	! grep -v "^stats: " err &&
	(cd repo/main && jvs-history >/dev/null 2>&1) &&
	(cd repo/main && jvs-info >/dev/null 2>&1) &&
	past_racy_window &&
	snap &&
	expect_stats 1 50
'

test_expect_success 'history and info work with a garbage index' '
	(cd repo/main && jvs-history --all --format tsv) >t1 &&
	echo garbage >repo/.jvs/index.sqlite &&
	(cd repo/main && jvs-history --all --format tsv) >t2 2>err &&
	test_cmp t1 t2 &&
	test ! -s err &&
	(cd repo/main && jvs-info) >/dev/null 2>err &&
	test ! -s err
'

test_expect_success 'JVS_NO_CACHE=1 hashes everything' '
	past_racy_window &&
	snap &&
	past_racy_window &&
	snap &&
	expect_stats 1 50 &&
	(export JVS_NO_CACHE=1 && snap) &&
	expect_stats 51 &&
	test "$(stat_val cache_hits)" = 0
'

test_expect_success 'JVS_NO_CACHE=0 uses the cache' '
	(export JVS_NO_CACHE=0 && snap) &&
	expect_stats 1 50
'

test_expect_success 'the cache is per worktree path: a renamed file is hashed' '
	mv repo/main/f01 repo/main/f01-renamed &&
	past_racy_window &&
	snap &&
	expect_stats 2
'

test_done
